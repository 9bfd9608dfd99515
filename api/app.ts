import express, { NextFunction, Request, Response } from 'express';
import { loadApiKeys, type ApiKeyEntry } from '../config/api-keys';
import { loadPartnerCompanies } from '../config/partner-companies';
import type { PartnerCompany } from '../workflows/domain/partner-companies';
import { loadRuntimeConfig, type AttachmentStoreKind } from '../config/env';
import { attachmentStoreFor } from './attachment-store';
import { loadPolicy } from '../config/policy';
import type { CasePolicy } from '../workflows/policy';
import { authenticate } from './auth';
import { ATTACHMENT_PATH } from './case-thread';
import { ATTACHMENT_MAX_BYTES } from '../workflows/contract';
import { consoleFiles } from './console/routes';
import type { CaseApiContext } from './context';
import { toProblem } from './errors';
import type { HealthDeps } from './health';
import { PolicySource } from './policy-source';
import { methodNotAllowed } from './method-not-allowed';
import { apiMetrics } from './metrics';
import { ProblemError, sendProblem } from './problem';
import { checkKeyCompanies } from './partner-companies';
import { requestLog } from './request-log';
import { createLogger, type Logger } from '../telemetry/logger';
import { mountRoutes } from './route-table';
import { API_ROUTES } from './routes';

export interface ApiDeps extends HealthDeps {
  /** Task queue cases start on (default: loadRuntimeConfig().taskQueue). */
  taskQueue?: string;
  /** The policy new cases open under (default: loadPolicy(), loaded once here). */
  policy?: CasePolicy;
  /** Callers (default: loadApiKeys() from API_KEYS_FILE / API_KEYS, dev keys outside production). */
  apiKeys?: readonly ApiKeyEntry[];
  /** The partner companies (default: loadPartnerCompanies() from PARTNER_COMPANIES, else the development set). */
  companies?: readonly PartnerCompany[];
  /** Deadline for one workflow query/update round trip (default 10 s). */
  callTimeoutMs?: number;
  /** The process's logger: a line per answered request (api/request-log.ts) and unexpected errors (when not given: no request lines, the rest at LOG_LEVEL). */
  logger?: Logger;
  /** Where attachments are stored (default: loadRuntimeConfig().dataDir, DATA_DIR). */
  dataDir?: string;
  /** Which store keeps attachment files (default: loadRuntimeConfig().attachmentStore, ATTACHMENT_STORE). */
  attachmentStore?: AttachmentStoreKind;
}

export function createApp(deps: ApiDeps): express.Express {
  const policy = deps.policy ?? loadPolicy();
  const dataDir = deps.dataDir ?? loadRuntimeConfig().dataDir;
  const logger = deps.logger ?? createLogger('api', loadRuntimeConfig().logLevel);
  const ctx: CaseApiContext = {
    temporal: deps.temporal,
    store: deps.store,
    taskQueue: deps.taskQueue ?? loadRuntimeConfig().taskQueue,
    policy,
    policies: new PolicySource(deps.store, policy, logger),
    metrics: apiMetrics(deps.store),
    callTimeoutMs: deps.callTimeoutMs ?? 10_000,
    dataDir,
    attachments: attachmentStoreFor(deps.attachmentStore ?? loadRuntimeConfig().attachmentStore, { dataDir, store: deps.store }),
    companies: deps.companies ?? loadPartnerCompanies(),
    logger,
    ...(deps.partsStatusFile && { partsStatusFile: deps.partsStatusFile }),
  };
  const keys = deps.apiKeys ?? loadApiKeys();
  checkKeyCompanies(keys, ctx.companies);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(ctx.metrics.count);
  if (deps.logger) app.use(requestLog(deps.logger));
  // An attachment's body is the file: read raw (up to the limit, else 413) before the JSON parser sees it.
  const rawFile = express.raw({ type: () => true, limit: ATTACHMENT_MAX_BYTES });
  app.use(ATTACHMENT_PATH, (req, res, next) => (req.method === 'POST' ? rawFile(req, res, next) : next()));
  app.use(express.json({ limit: '256kb' }));
  const { publicRouter, keyedRouter } = mountRoutes(API_ROUTES, ctx);
  app.use(publicRouter);
  app.use(consoleFiles());
  app.use(authenticate(keys), keyedRouter);
  app.use(methodNotAllowed(API_ROUTES));
  app.use((req, res) => {
    sendProblem(res, { status: 404, code: 'not_found', title: 'Not found', detail: `${req.method} ${req.path} is not a route` });
  });
  app.use(errorHandler(logger));
  return app;
}

const errorHandler = (logger: Logger) => (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
  if (res.headersSent) return;
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
    // An attachment has a limit of its own, and a code of its own (as documented for its route).
    if (req.method === 'POST' && /^\/cases\/[^/]+\/attachments\/?$/.test(req.path)) {
      sendProblem(res, { status: 413, code: 'attachment_too_large', title: 'Attachment too large', detail: `an attachment is at most ${ATTACHMENT_MAX_BYTES} bytes` });
      return;
    }
    sendProblem(res, { status: 413, code: 'body_too_large', title: 'Request body too large' });
    return;
  }
  if (typeof parseError.type === 'string' && typeof parseError.status === 'number' && parseError.status >= 400 && parseError.status < 500) {
    // Other body-parser refusals: unsupported charset or encoding, aborted request.
    sendProblem(res, { status: 400, code: 'malformed_body', title: 'Request body could not be read' });
    return;
  }
  const problem = toProblem(err);
  if (problem.status >= 500 && problem.status !== 503) {
    logger.error({ error: describeError(err) }, 'unhandled API error');
  }
  sendProblem(res, problem);
};

/** Name, message and gRPC code of each error in the cause chain (never a stack, never a request body). */
function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e && parts.length < 4; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    parts.push(e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}${typeof code === 'number' ? ` (code ${code})` : ''}` : describeThrownValue(e));
  }
  return parts.join(' <- ');
}

/** A thrown value that is not an Error: its type, its constructor and its own keys, with name, code and message if it has them. */
function describeThrownValue(e: unknown): string {
  if (typeof e !== 'object' || e === null) return typeof e;
  const fields = ['name', 'code', 'codeName', 'message', 'errmsg'].flatMap((k) => (k in e ? [`${k}=${String((e as Record<string, unknown>)[k]).split('\n')[0]}`] : []));
  return `${e.constructor?.name ?? 'object'} {${Object.keys(e).slice(0, 12).join(', ')}}${fields.length ? ` ${fields.join(' ')}` : ''}`;
}
