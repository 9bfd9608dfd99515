import express, { NextFunction, Request, Response } from 'express';
import { healthRoutes, HealthDeps } from './health';
import { ProblemError, sendProblem } from './problem';

export type ApiDeps = HealthDeps;

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '256kb' }));
  app.use(healthRoutes(deps));
  app.use((req, res) => {
    sendProblem(res, { status: 404, code: 'not_found', title: 'Not found', detail: `${req.method} ${req.path} is not a route` });
  });
  app.use(errorHandler);
  return app;
}

function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof ProblemError) {
    sendProblem(res, err.problem);
    return;
  }
  const parseError = err as { type?: string; status?: number };
  if (parseError.type === 'entity.parse.failed') {
    sendProblem(res, { status: 400, code: 'malformed_json', title: 'Malformed JSON body' });
    return;
  }
  if (parseError.type === 'entity.too.large') {
    sendProblem(res, { status: 413, code: 'body_too_large', title: 'Request body too large' });
    return;
  }
  console.error('unhandled API error', err instanceof Error ? err.message : err);
  sendProblem(res, { status: 500, code: 'internal_error', title: 'Internal error' });
}
