import type { RequestHandler } from 'express';
import { sendProblem } from './problem';

/**
 * 405 with an Allow header for a path the API serves with other methods (RFC 9110 §15.5.6), instead of the 404 of an
 * unknown path. The routes and their methods are read from the OpenAPI document, the API's declared contract.
 */
export function methodNotAllowed(document: { paths?: Record<string, Record<string, unknown>> }): RequestHandler {
  const routes = Object.entries(document.paths ?? {}).map(([template, operations]) => {
    const methods = Object.keys(operations).map((m) => m.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return { path: new RegExp(`^${pattern}/?$`), methods };
  });
  return (req, res, next) => {
    const route = routes.find((r) => r.path.test(req.path));
    if (!route || route.methods.includes(req.method)) {
      next();
      return;
    }
    res.set('Allow', route.methods.join(', '));
    sendProblem(res, { status: 405, code: 'method_not_allowed', title: 'Method not allowed', detail: `${req.method} ${req.path}: allowed ${route.methods.join(', ')}` });
  };
}
