import type { RequestHandler } from 'express';
import { sendProblem } from './problem';
import type { ApiRoute } from './route-table';

/**
 * 405 with an Allow header for a path the API serves with other methods (RFC 9110 §15.5.6), instead of the 404 of an
 * unknown path; the paths and their methods come from the route table.
 */
export function methodNotAllowed(routes: readonly ApiRoute[]): RequestHandler {
  const byPath = new Map<string, Set<string>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    if (route.method === 'get') methods.add('HEAD');
    byPath.set(route.path, methods);
  }
  const patterns = [...byPath].map(([path, methods]) => ({
    path: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}/?$`),
    methods: [...methods],
  }));
  return (req, res, next) => {
    const route = patterns.find((r) => r.path.test(req.path));
    if (!route || route.methods.includes(req.method)) {
      next();
      return;
    }
    res.set('Allow', route.methods.join(', '));
    sendProblem(res, { status: 405, code: 'method_not_allowed', title: 'Method not allowed', detail: `${req.method} ${req.path}: allowed ${route.methods.join(', ')}` });
  };
}
