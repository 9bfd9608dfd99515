/**
 * Every address, port and location of a deployment, resolved once from the environment. The start script, the worker,
 * the API, the sandbox, the bench and the tests all take them from here, so a moved port moves for every process.
 */
import os from 'node:os';
import path from 'node:path';
import { partnerUrlsFor, type PartnerUrls } from '../activities/partners/urls';
import { LOG_LEVELS, type LogLevel } from '../telemetry/logger';

/** Where attachment files can be kept (api/attachment-store.ts). */
export const ATTACHMENT_STORES = ['local', 'gridfs'] as const;
export type AttachmentStoreKind = (typeof ATTACHMENT_STORES)[number];

export const TRACE_VIEWERS = ['none', 'zipkin', 'jaeger'] as const;
export type TraceViewer = (typeof TRACE_VIEWERS)[number];

export interface Ports {
  temporal: number;
  temporalUi: number;
  ferretdb: number;
  ferretdbDebug: number;
  postgres: number;
  sandbox: number;
  api: number;
  /** The embedded mail server (mailpit): SMTP and its web inbox. */
  mailSmtp: number;
  mailUi: number;
  /** The opt-in trace viewer (Jaeger): its UI and its OTLP/HTTP receiver. */
  jaegerUi: number;
  jaegerOtlp: number;
  /** The opt-in trace viewer with a web UI (Zipkin): its UI, query API and span intake on one port. */
  zipkin: number;
}

export interface RuntimeConfig {
  ports: Ports;
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  /** The share (%) of each day's closed cases the quality sample checks (QA_SAMPLE_PERCENT, default 10). */
  qaSamplePercent: number;
  /** A merchant with more late-handling deadlines than this in a period is flagged (MERCHANT_LATE_THRESHOLD, default 3). */
  merchantLateThreshold: number;
  mongodbUri: string;
  apiHost: string;
  apiPort: number;
  sandboxHost: string;
  partnerSandboxUrl: string;
  /** Each partner's base URL: its own variable (MERCHANT_API_URL …) or the sandbox URL with the partner's prefix. */
  partnerUrls: PartnerUrls;
  /** Where the embedded servers keep their data and logs (DATA_DIR, default `.data/` in the project). */
  dataDir: string;
  /** Where attachment files are kept (ATTACHMENT_STORE): `local` (default, DATA_DIR/attachments) or `gridfs` (the case store). */
  attachmentStore: AttachmentStoreKind;
  /** A workflow bundle built ahead (WORKFLOW_BUNDLE_PATH, scripts/build-workflow-bundle.ts): workers load it instead of bundling on start. */
  workflowBundlePath?: string;
  /** Worker processes `npm start` runs and supervises (WORKER_PROCESSES, default the machine's cores). */
  workerProcesses: number;
  /** Where `npm start`'s supervisor writes the parts' states for /readyz (PARTS_STATUS_FILE, set by it for its children). */
  partsStatusFile?: string;
  /** Customer e-mail goes through this relay (SMTP_URL; `npm start` sets it to its mailpit); without it, to the notification partner. */
  smtpUrl?: string;
  /** The sender of customer e-mail (MAIL_FROM). */
  mailFrom: string;
  /** Where spans are exported over OTLP/HTTP (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://127.0.0.1:4318); no tracing without it or the Zipkin one. */
  otlpEndpoint?: string;
  /** Where spans are posted as Zipkin JSON (OTEL_EXPORTER_ZIPKIN_ENDPOINT, e.g. http://127.0.0.1:9411/api/v2/spans), beside or instead of OTLP. */
  zipkinEndpoint?: string;
  /** Spans for workflow code too (TRACE_WORKFLOWS=1, with an OTLP or Zipkin endpoint): Temporal's workflow interceptors, a cost on every workflow task. */
  traceWorkflows: boolean;
  /** `npm start` runs a trace viewer and exports to it (TRACE_VIEWER=zipkin: with its web UI; jaeger: its query API only). */
  traceViewer: TraceViewer;
  /** Where a worker serves its /metrics (WORKER_METRICS_HOST, default 127.0.0.1; 0.0.0.0 in a container Prometheus scrapes). */
  workerMetricsHost: string;
  /** The port of a worker's /metrics (WORKER_METRICS_PORT; unset or 0: not served). */
  workerMetricsPort?: number;
  /** The Temporal SDK's own Prometheus exporter, appended to the worker's /metrics (TEMPORAL_SDK_METRICS_PORT; unset or 0: off). */
  sdkMetricsPort?: number;
  /** Cases a worker keeps in its workflow cache (WORKER_MAX_CACHED_WORKFLOWS; unset or 0: sized from its heap). */
  workerMaxCachedWorkflows?: number;
  /** The Temporal Web UI the console links to (TEMPORAL_UI_URL, default the embedded UI on 127.0.0.1). */
  temporalUiUrl: string;
  /** How often the console's live lists ask again, in seconds (CONSOLE_POLL_SECONDS, default 5; below 1 or not a number: 5). */
  consolePollSeconds: number;
  /** Every process's log level (LOG_LEVEL: trace, debug, info, warn, error, fatal or silent; default info). */
  logLevel: LogLevel;
  /** Servers given from outside (TEMPORAL_ADDRESS, MONGODB_URI, PARTNER_SANDBOX_URL, SMTP_URL): used as they are, never started. */
  external: { temporal: boolean; store: boolean; sandbox: boolean; mail: boolean };
}

/** The variable that moves each port, for messages. */
export const PORT_VARIABLES: Record<keyof Ports, string> = {
  temporal: 'TEMPORAL_PORT',
  temporalUi: 'TEMPORAL_UI_PORT',
  ferretdb: 'FERRETDB_PORT',
  ferretdbDebug: 'FERRETDB_DEBUG_PORT',
  postgres: 'POSTGRES_PORT',
  sandbox: 'SANDBOX_PORT',
  api: 'API_PORT',
  mailSmtp: 'MAIL_SMTP_PORT',
  mailUi: 'MAIL_UI_PORT',
  jaegerUi: 'JAEGER_UI_PORT',
  jaegerOtlp: 'JAEGER_OTLP_PORT',
  zipkin: 'ZIPKIN_PORT',
};

const DEFAULT_PORTS: Ports = { temporal: 7233, temporalUi: 8233, ferretdb: 27017, ferretdbDebug: 27018, postgres: 5433, sandbox: 4100, api: 3000, mailSmtp: 1025, mailUi: 8025, jaegerUi: 16686, jaegerOtlp: 4318, zipkin: 9411 };

export function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function percentFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = intFromEnv(env, name, fallback);
  if (value < 1 || value > 100) throw new Error(`${name} must be a percentage from 1 to 100, got "${env[name]}"`);
  return value;
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const port = intFromEnv(env, name, fallback);
  if (port > 65_535) throw new Error(`${name} must be a port number (0-65535), got "${env[name]}"`);
  return port;
}

/** A setting where unset and 0 both mean none. */
const unlessZero = (value: number) => (value === 0 ? undefined : value);

function pollSecondsFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.CONSOLE_POLL_SECONDS);
  return Number.isFinite(value) && value >= 1 ? value : 5;
}

const nonEmpty = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);

/** A variable that names one of `values`, or the fallback when unset. */
function oneOfFromEnv<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const value = nonEmpty(env[name]) ?? fallback;
  if (!(values as readonly string[]).includes(value)) throw new Error(`${name} must be one of ${values.join(', ')}, got "${value}"`);
  return value as T;
}

function workerProcessesFromEnv(env: NodeJS.ProcessEnv): number {
  const value = intFromEnv(env, 'WORKER_PROCESSES', os.availableParallelism());
  if (value < 1) throw new Error(`WORKER_PROCESSES must be at least 1, got "${env.WORKER_PROCESSES}"`);
  return value;
}

export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const ports = Object.fromEntries(
    (Object.keys(DEFAULT_PORTS) as Array<keyof Ports>).map((key) => [key, portFromEnv(env, PORT_VARIABLES[key], DEFAULT_PORTS[key])]),
  ) as unknown as Ports;
  const sandboxHost = nonEmpty(env.SANDBOX_HOST) ?? '127.0.0.1';
  const partnerSandboxUrl = nonEmpty(env.PARTNER_SANDBOX_URL) ?? `http://${sandboxHost}:${ports.sandbox}`;
  return {
    ports,
    temporalAddress: nonEmpty(env.TEMPORAL_ADDRESS) ?? `127.0.0.1:${ports.temporal}`,
    temporalNamespace: nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default',
    taskQueue: nonEmpty(env.TEMPORAL_TASK_QUEUE) ?? 'after-sales-cases',
    qaSamplePercent: percentFromEnv(env, 'QA_SAMPLE_PERCENT', 10),
    merchantLateThreshold: intFromEnv(env, 'MERCHANT_LATE_THRESHOLD', 3),
    mongodbUri: nonEmpty(env.MONGODB_URI) ?? `mongodb://127.0.0.1:${ports.ferretdb}/after_sales`,
    apiHost: nonEmpty(env.API_HOST) ?? '127.0.0.1',
    apiPort: ports.api,
    sandboxHost,
    partnerSandboxUrl,
    partnerUrls: partnerUrlsFor(partnerSandboxUrl, env),
    dataDir: path.resolve(nonEmpty(env.DATA_DIR) ?? path.join(__dirname, '..', '.data')),
    attachmentStore: oneOfFromEnv(env, 'ATTACHMENT_STORE', ATTACHMENT_STORES, 'local'),
    workflowBundlePath: nonEmpty(env.WORKFLOW_BUNDLE_PATH),
    workerProcesses: workerProcessesFromEnv(env),
    ...(nonEmpty(env.SMTP_URL) && { smtpUrl: nonEmpty(env.SMTP_URL) }),
    mailFrom: nonEmpty(env.MAIL_FROM) ?? 'After-sales service <after-sales@example.com>',
    ...(nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) && { otlpEndpoint: nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) }),
    ...(nonEmpty(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT) && { zipkinEndpoint: nonEmpty(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT) }),
    traceWorkflows: !!(nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? nonEmpty(env.OTEL_EXPORTER_ZIPKIN_ENDPOINT)) && ['1', 'true'].includes(nonEmpty(env.TRACE_WORKFLOWS)?.toLowerCase() ?? ''),
    traceViewer: oneOfFromEnv(env, 'TRACE_VIEWER', TRACE_VIEWERS, 'none'),
    workerMetricsHost: nonEmpty(env.WORKER_METRICS_HOST) ?? '127.0.0.1',
    workerMetricsPort: unlessZero(portFromEnv(env, 'WORKER_METRICS_PORT', 0)),
    sdkMetricsPort: unlessZero(portFromEnv(env, 'TEMPORAL_SDK_METRICS_PORT', 0)),
    workerMaxCachedWorkflows: unlessZero(intFromEnv(env, 'WORKER_MAX_CACHED_WORKFLOWS', 0)),
    temporalUiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${ports.temporalUi}`,
    consolePollSeconds: pollSecondsFromEnv(env),
    logLevel: oneOfFromEnv(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    ...(nonEmpty(env.PARTS_STATUS_FILE) && { partsStatusFile: nonEmpty(env.PARTS_STATUS_FILE) }),
    external: { temporal: !!nonEmpty(env.TEMPORAL_ADDRESS), store: !!nonEmpty(env.MONGODB_URI), sandbox: !!nonEmpty(env.PARTNER_SANDBOX_URL), mail: !!nonEmpty(env.SMTP_URL) },
  };
}
