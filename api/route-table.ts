/**
 * One entry per route: method, path, roles, the zod schemas of its parts, its documented answers and its handler.
 * The same entry mounts the Express route (role check, then every part validated) and registers its OpenAPI path,
 * so the document cannot drift from what is served.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { ApiRole } from '../config/api-keys';
import { allow, callerOf, type Caller } from './auth';
import type { CaseApiContext } from './context';
import { validationProblem, type Where } from './errors';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteRequest<P, Q, H, B> {
  /** Undefined on public routes only. */
  caller: Caller;
  params: P;
  query: Q;
  headers: H;
  body: B;
}

export interface ApiRoute<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, H extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: 'get' | 'post';
  /** Express syntax (`/cases/:id`); the document shows it as `/cases/{id}`. */
  path: string;
  /** The roles that may call it, or 'public' for routes without an API key (health, the document itself). */
  roles: readonly ApiRole[] | 'public';
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  /** Header names as documented (`Idempotency-Key`); read case-insensitively. */
  headers?: H;
  body?: B;
  bodyExample?: object;
  /** A body that is a file, not JSON (read raw by the route from `req`); documented with these content types. */
  rawBody?: { contentTypes: readonly string[] };
  responses: RouteConfig['responses'];
  /** Problems of a body its schema refused that the schema cannot see (rules across fields): listed in the same 400. */
  bodyIssues?(ctx: CaseApiContext, body: unknown): Array<{ field: string; message: string }>;
  handle(ctx: CaseApiContext, request: RouteRequest<Out<P>, Out<Q>, Out<H>, Out<B>>, res: Response, req?: Request): Promise<void> | void;
}

/** Declares a route; the schemas type its handler's request. */
export function defineRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, H extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
  route: ApiRoute<P, Q, H, B>,
): ApiRoute {
  return route as unknown as ApiRoute;
}

/** Mounts the public routes (no API key) on one router and the others, behind `authenticated`, on another. */
export function mountRoutes(routes: readonly ApiRoute[], ctx: CaseApiContext): { publicRouter: Router; keyedRouter: Router } {
  const publicRouter = Router();
  const keyedRouter = Router();
  for (const route of routes) {
    const handler = async (req: Request, res: Response) => {
      const caller = route.roles === 'public' ? (undefined as unknown as Caller) : callerOf(req);
      await route.handle(ctx, { caller, ...parseParts(route, req, ctx) }, res, req);
    };
    if (route.roles === 'public') publicRouter[route.method](route.path, handler);
    else keyedRouter[route.method](route.path, allow(...route.roles), handler);
  }
  return { publicRouter, keyedRouter };
}

/** Validates every declared part; one 400 problem lists the failing fields of all of them. */
function parseParts(route: ApiRoute, req: Request, ctx: CaseApiContext): Omit<RouteRequest<unknown, unknown, unknown, unknown>, 'caller'> {
  const parts: Array<[Where, Schema | undefined, () => unknown]> = [
    ['path', route.params, () => req.params],
    ['header', route.headers, () => headerValues(route.headers, req)],
    ['query', route.query, () => req.query],
    ['body', route.body, () => req.body],
  ];
  const parsed: unknown[] = [];
  const failures: Array<[Where, z.ZodError]> = [];
  for (const [where, schema, read] of parts) {
    if (!schema) {
      parsed.push(undefined);
      continue;
    }
    const result = schema.safeParse(read());
    if (result.success) parsed.push(result.data);
    else failures.push([where, result.error]);
  }
  if (failures.length) {
    const more = failures.some(([where]) => where === 'body') && route.bodyIssues ? route.bodyIssues(ctx, req.body) : [];
    throw validationProblem(failures, more);
  }
  const [params, headers, query, body] = parsed;
  return { params, headers, query, body };
}

function headerValues(schema: Schema | undefined, req: Request): Record<string, string | undefined> {
  const names = Object.keys((schema as unknown as { shape?: Record<string, unknown> }).shape ?? {});
  return Object.fromEntries(names.map((name) => [name, req.get(name)]));
}

/** Registers each route's path with its parts, answers and roles. */
export function registerRoutes(registry: OpenAPIRegistry, routes: readonly ApiRoute[]): void {
  for (const route of routes) {
    const roles = route.roles === 'public' ? 'No API key needed.' : `Roles: ${route.roles.join(', ')}.`;
    registry.registerPath({
      method: route.method,
      path: route.path.replace(/:(\w+)/g, '{$1}'),
      summary: route.summary,
      description: [route.description, roles].filter(Boolean).join(' '),
      ...(route.roles !== 'public' && { security: [{ bearer: [] }, { apiKey: [] }] }),
      request: {
        ...(route.params && { params: route.params as RouteParameter }),
        ...(route.query && { query: route.query as RouteParameter }),
        ...(route.headers && { headers: route.headers as RouteParameter }),
        ...(route.body && { body: { required: true, content: { 'application/json': { schema: route.body, ...(route.bodyExample && { example: route.bodyExample }) } } } }),
        ...(route.rawBody && { body: { required: true, content: Object.fromEntries(route.rawBody.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary', minLength: 1 } }])) } }),
      },
      responses: route.responses,
    });
  }
}

type RouteParameter = NonNullable<NonNullable<RouteConfig['request']>['query']>;
