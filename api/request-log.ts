/**
 * The API process's log: one JSON line per answered request (method, route, status, duration, and the case id when the
 * path names one), in the shape of the worker's lines (worker/runtime.ts), so one collector reads both.
 */
import type { RequestHandler } from 'express';

export function jsonLogLine(level: 'INFO' | 'WARN' | 'ERROR', message: string, meta: Record<string, unknown> = {}): string {
  return JSON.stringify({ time: new Date().toISOString(), level, message, ...meta });
}

export function requestLog(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const status = res.statusCode;
      const caseId = typeof req.params?.id === 'string' ? req.params.id : undefined;
      write(
        jsonLogLine(status >= 500 ? 'ERROR' : status >= 400 ? 'WARN' : 'INFO', 'request', {
          method: req.method,
          route: req.route?.path ? String(req.route.path) : 'unmatched',
          status,
          ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
          ...(caseId && { caseId }),
        }),
      );
    });
    next();
  };
}
