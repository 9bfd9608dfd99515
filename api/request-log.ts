/**
 * The API process's request log: one line per answered request (method, route, status, duration, and the case id when
 * the path names one or the request opened one) through the process's pino logger, inside the request's span so the
 * line carries its trace id. The span is named after the route and carries the case id (`case.id`), so a trace viewer
 * lists `POST /cases/:id/commands/:name` and finds a case's requests by its id.
 */
import { context, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { Logger } from '../telemetry/logger';

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const requestContext = context.active();
    res.once('finish', () => {
      const status = res.statusCode;
      const route = req.route?.path ? String(req.route.path) : 'unmatched';
      const named = typeof req.params?.id === 'string' ? req.params.id : res.locals.caseId;
      const caseId = typeof named === 'string' ? named : undefined;
      const span = trace.getSpan(requestContext);
      if (req.route?.path) span?.updateName(`${req.method} ${route}`);
      if (caseId) span?.setAttribute('case.id', caseId);
      const fields = { method: req.method, route, status, ms: Number((process.hrtime.bigint() - started) / 1_000_000n), ...(caseId && { caseId }) };
      context.with(requestContext, () => logger[status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'](fields, 'request'));
    });
    next();
  };
}
