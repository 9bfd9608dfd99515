/**
 * The request pipeline every partner endpoint shares:
 * log → require Idempotency-Key → fault ('fail' answers at once, 'delay' waits) → replay / key conflict
 * → validate → execute (or injected 'refuse') → store the outcome → ('timeout' holds the response) → answer.
 */
import type { Express, Request, Response } from 'express';
import type { z } from 'zod';
import { fingerprint, type StoredResponse } from './idempotency';
import type { SandboxState, RequestLogEntry } from './state';

export type HandlerResult =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'refused'; reason: string; message?: string };

export const ok = (body: unknown, status = 201): HandlerResult => ({ kind: 'ok', status, body });
export const refuse = (reason: string, message?: string): HandlerResult => ({ kind: 'refused', reason, message });

export interface HandlerContext {
  state: SandboxState;
  idempotencyKey: string;
  now: string;
  /** The path's parameters, e.g. the company of /companies/:companyId/courier/statements. */
  params: Record<string, string>;
}

export interface PartnerRoute {
  /** Full path, e.g. '/payment/refunds'; also the name fault rules use. */
  path: string;
  /** `code` of a 422 business refusal, e.g. 'refund_refused'. */
  refusalCode: string;
  parse(body: unknown): { success: true; data: unknown } | { success: false; issues: unknown };
  handle(input: unknown, ctx: HandlerContext): HandlerResult;
}

export function defineRoute<S extends z.ZodType>(spec: {
  path: string;
  schema: S;
  refusalCode?: string;
  handle(input: z.output<S>, ctx: HandlerContext): HandlerResult;
}): PartnerRoute {
  return {
    path: spec.path,
    refusalCode: spec.refusalCode ?? 'partner_refused',
    parse(body) {
      const parsed = spec.schema.safeParse(body);
      return parsed.success
        ? { success: true, data: parsed.data }
        : { success: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
    },
    handle: (input, ctx) => spec.handle(input as z.output<S>, ctx),
  };
}

/**
 * The sandbox plays several companies of a kind: each route is also served at /companies/<companyId><path>, where the
 * call is that company's (a body naming another company is refused).
 */
export function companyRoutes(routes: readonly PartnerRoute[]): PartnerRoute[] {
  return routes.map((route) => ({
    ...route,
    path: `/companies/:companyId${route.path}`,
    handle(input, ctx) {
      const named = (input as { companyId?: string }).companyId;
      if (named !== undefined && named !== ctx.params.companyId) return refuse('wrong_company', `the call names company ${named}, not ${ctx.params.companyId}`);
      return route.handle({ ...(input as object), companyId: ctx.params.companyId }, ctx);
    },
  }));
}

export function mountPartnerRoute(app: Express, state: SandboxState, route: PartnerRoute): void {
  app.post(route.path, async (req: Request, res: Response) => {
    const idempotencyKey = req.get('Idempotency-Key')?.trim() || null;
    const body: unknown = req.body;
    const entry = state.logRequest({ method: req.method, route: route.path, idempotencyKey, body });
    res.once('close', () => {
      if (!res.writableFinished) clientGone.add(res);
    });

    if (!idempotencyKey) {
      return send(res, entry, 'invalid', { status: 400, body: { code: 'idempotency_key_missing', message: 'Idempotency-Key header is required' } });
    }

    const fault = state.faults.take(route.path);
    entry.fault = fault?.mode ?? null;
    if (fault?.mode === 'fail') {
      const status = fault.status ?? 503;
      return send(res, entry, 'injected_failure', { status, body: { code: 'injected_failure', message: `injected failure (${status})` } });
    }
    if (fault?.mode === 'delay') {
      // A slow partner stays slow even if the client gives up: it processes the request late, so a
      // retry with the same key can overtake it. Only reset/close cut the delay short.
      const outcome = await state.timers.wait(fault.delayMs ?? state.defaultDelayMs).done;
      if (outcome === 'cancelled') return void res.destroy();
    }

    const bodyFingerprint = fingerprint(body);
    const found = state.idempotency.lookup(route.path, idempotencyKey, bodyFingerprint);
    let outcome: RequestLogEntry['outcome'];
    let response: StoredResponse;
    if (found.kind === 'conflict') {
      outcome = 'key_reused';
      response = {
        status: 409,
        body: { code: 'idempotency_key_reused', message: 'this Idempotency-Key was already used with a different request body' },
      };
    } else if (found.kind === 'replay') {
      outcome = 'replayed';
      response = found.response;
      res.set('Idempotent-Replayed', 'true');
    } else {
      const before = state.recordCounts();
      const parsed = route.parse(body);
      if (!parsed.success) {
        return send(res, entry, 'invalid', { status: 400, body: { code: 'invalid_request', message: 'request body is invalid', issues: parsed.issues } });
      }
      const result =
        fault?.mode === 'refuse'
          ? refuse(fault.reason ?? 'injected_refusal', 'refusal injected by the sandbox')
          : route.handle(parsed.data, { state, idempotencyKey, now: new Date().toISOString(), params: req.params as Record<string, string> });
      if (result.kind === 'ok') {
        outcome = 'processed';
        response = { status: result.status, body: result.body };
      } else {
        outcome = 'refused';
        response = { status: 422, body: { code: route.refusalCode, reason: result.reason, message: result.message ?? result.reason } };
      }
      state.saveOutcome(route.path, idempotencyKey, bodyFingerprint, response, before);
    }

    if (fault?.mode === 'timeout') {
      // The side effect has happened; now keep the client waiting past any sane timeout.
      entry.outcome = outcome;
      entry.status = response.status;
      entry.held = true;
      const held = await waitUnlessClientLeaves(state, res, fault.delayMs ?? state.timeoutHoldMs);
      if (held === 'cancelled') return void res.destroy();
      if (held === 'aborted') return;
    }
    return send(res, entry, outcome, response);
  });
}

/** Waits, ending early with 'aborted' if the client disconnects or 'cancelled' on reset/close. */
async function waitUnlessClientLeaves(state: SandboxState, res: Response, ms: number) {
  if (clientGone.has(res)) return 'aborted';
  const wait = state.timers.wait(ms);
  const onClose = () => wait.abort();
  res.once('close', onClose);
  const outcome = await wait.done;
  res.off('close', onClose);
  return outcome;
}

/** Responses whose connection closed before they were answered. */
const clientGone = new WeakSet<Response>();

function send(res: Response, entry: RequestLogEntry, outcome: RequestLogEntry['outcome'], response: StoredResponse): void {
  entry.outcome = outcome;
  entry.status = response.status;
  if (clientGone.has(res) || res.writableEnded || res.destroyed) return;
  res.status(response.status).json(response.body);
  entry.delivered = true;
}
