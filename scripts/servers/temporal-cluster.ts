/**
 * The production shape's Temporal (`npm run start:cluster`): the server built from go.temporal.io/server on PostgreSQL,
 * configured as the temporalio/server image is (its embedded config template, filled from environment variables:
 * config/temporal/server.env, which docker-compose.yml reads too, plus this machine's addresses and ports), with the
 * dynamic config both share; its schema set up and brought up to date by its own temporal-sql-tool at every start; the
 * namespace and the case search attributes registered through its API; and the Temporal UI server in front of it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs, SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { isPortFree, ManagedProcess, spawnService, waitUntil } from './process';
import { projectRoot, temporalClusterTools } from './tools';

const run = promisify(execFile);

export const TEMPORAL_SERVER_ENV_FILE = path.join(projectRoot, 'config', 'temporal', 'server.env');
export const TEMPORAL_DYNAMIC_CONFIG_FILE = path.join(projectRoot, 'config', 'temporal', 'dynamic-config.yaml');

/** The server's own ports, from its frontend's: the frontend's gRPC port and the next ones (PORT_SPAN in all). */
const PORT_OFFSETS = {
  FRONTEND_GRPC_PORT: 0,
  HISTORY_GRPC_PORT: 1,
  MATCHING_GRPC_PORT: 2,
  WORKER_GRPC_PORT: 3,
  FRONTEND_MEMBERSHIP_PORT: 4,
  HISTORY_MEMBERSHIP_PORT: 5,
  MATCHING_MEMBERSHIP_PORT: 6,
  WORKER_MEMBERSHIP_PORT: 7,
  FRONTEND_HTTP_PORT: 8,
  /** Prometheus metrics (PROMETHEUS_ENDPOINT). */
  METRICS_PORT: 9,
} as const;
export const TEMPORAL_CLUSTER_PORT_SPAN = Object.keys(PORT_OFFSETS).length;

/** The server keeps its membership ports in a PostgreSQL smallint column: above this it cannot start. */
const HIGHEST_MEMBERSHIP_PORT = 32_767;

export function temporalClusterPorts(frontendPort: number): number[] {
  const ports = Object.values(PORT_OFFSETS).map((offset) => frontendPort + offset);
  if (Math.max(...ports) > HIGHEST_MEMBERSHIP_PORT) {
    throw new Error(`the Temporal server takes ${frontendPort} and the ${ports.length - 1} ports after it, which must stay at or below ${HIGHEST_MEMBERSHIP_PORT} (it stores them as a smallint): choose a lower TEMPORAL_PORT`);
  }
  return ports;
}

export interface TemporalPostgres {
  port: number;
  /** Trust authentication on loopback (scripts/servers/postgres.ts): no password. */
  user: string;
}

export interface TemporalClusterOptions {
  /** The frontend's gRPC port; the server takes the TEMPORAL_CLUSTER_PORT_SPAN ports from it. */
  port: number;
  postgres: TemporalPostgres;
  namespace?: string;
  logFile?: string;
}

/** KEY=value lines of config/temporal/server.env. */
export function temporalServerSettings(file = TEMPORAL_SERVER_ENV_FILE): Record<string, string> {
  const lines = fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim());
  return Object.fromEntries(lines.filter((line) => line && !line.startsWith('#')).map((line) => line.split(/=(.*)/s, 2) as [string, string]));
}

function serverEnv(options: TemporalClusterOptions): NodeJS.ProcessEnv {
  const ports = Object.fromEntries(Object.entries(PORT_OFFSETS).map(([name, offset]) => [name, String(options.port + offset)]));
  const { METRICS_PORT, ...servicePorts } = ports;
  return {
    PATH: process.env.PATH,
    ...temporalServerSettings(),
    ...servicePorts,
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(options.postgres.port),
    POSTGRES_USER: options.postgres.user,
    POSTGRES_PWD: '',
    BIND_ON_IP: '127.0.0.1',
    PROMETHEUS_ENDPOINT: `127.0.0.1:${METRICS_PORT}`,
    DYNAMIC_CONFIG_FILE_PATH: TEMPORAL_DYNAMIC_CONFIG_FILE,
  };
}

/**
 * Both databases made when missing, and their schemas brought to the version this server needs, by the server's own
 * tool (its embedded schema files): idempotent, so it runs at every start and upgrades a database an older build made.
 */
export async function setupTemporalSchema(postgres: TemporalPostgres, settings = temporalServerSettings()): Promise<void> {
  const { sqlTool } = temporalClusterTools();
  for (const [database, schema] of [
    [settings.DBNAME, 'postgresql/v12/temporal'],
    [settings.VISIBILITY_DBNAME, 'postgresql/v12/visibility'],
  ]) {
    const tool = (...args: string[]) =>
      run(sqlTool, ['--plugin', settings.DB, '--ep', '127.0.0.1', '-p', String(postgres.port), '-u', postgres.user, '--db', database, ...args]);
    await tool('create-database').catch((err: { stderr?: string }) => {
      if (!/already exists/.test(err.stderr ?? '')) throw new Error(`temporal-sql-tool create-database ${database}: ${err.stderr?.trim() ?? err}`);
    });
    await tool('setup-schema', '-v', '0.0');
    await tool('update-schema', '--schema-name', schema);
  }
}

/** The schema, the server, its namespace and search attributes: resolves once a workflow could be started. */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<ManagedProcess> {
  await setupTemporalSchema(options.postgres);
  const namespace = options.namespace ?? 'default';
  const server = await startTemporalServer(options);
  try {
    if (!(await ensureNamespace(`127.0.0.1:${options.port}`, namespace))) return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
  // Search attributes just added: the history service reads them from a cache refreshed once a minute, so a case
  // upserting them before then would fail its workflow task. A restart reads them afresh (once, on a new database).
  await server.stop();
  return startTemporalServer(options);
}

async function startTemporalServer(options: TemporalClusterOptions): Promise<ManagedProcess> {
  const tail: string[] = [];
  const server = spawnService({
    name: 'temporal',
    command: temporalClusterTools().server,
    args: ['--allow-no-auth', 'start'],
    env: serverEnv(options),
    logFile: options.logFile,
    onLine: (line) => {
      tail.push(line.slice(0, 400));
      if (tail.length > 5) tail.shift();
    },
  });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntil(`Temporal server on ${address}`, () => frontendServing(address), { failFast: server, timeoutMs: 120_000 });
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}; its last output:\n  ${tail.join('\n  ')}`, { cause: err });
  }
  return server;
}

async function withConnection<T>(address: string, use: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}

function frontendServing(address: string): Promise<boolean> {
  return withConnection(address, async (connection) => {
    await connection.workflowService.getSystemInfo({});
    return true;
  });
}

/** The API's type of each search attribute type (operatorService.addSearchAttributes). */
export const INDEXED_VALUE_TYPES: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

const ALREADY_EXISTS = 6;

/**
 * The namespace (3 days' retention, the dev server's default) and the case search attributes, each registered unless
 * there; waits until the namespace serves workflow calls. Answers whether search attributes were added.
 */
async function ensureNamespace(address: string, namespace: string): Promise<boolean> {
  return withConnection(address, async (connection) => {
    await connection.workflowService
      .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') })
      .catch((err: { code?: number }) => {
        if (err.code !== ALREADY_EXISTS) throw err;
      });
    // A namespace is served once each service's namespace cache has it (refreshed every few seconds).
    await waitUntil(`namespace ${namespace}`, async () => {
      await connection.workflowService.countWorkflowExecutions({ namespace });
      return true;
    });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = CASE_SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
    if (missing.length === 0) return false;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]])),
    });
    return true;
  });
}

export interface TemporalUiOptions {
  port: number;
  temporalAddress: string;
  logFile?: string;
}

/** The Temporal UI server, configured as the temporalio/ui image is (its config/docker.yaml, from environment variables). */
export async function startTemporalUi(options: TemporalUiOptions): Promise<ManagedProcess> {
  const { uiServer, uiRoot } = temporalClusterTools();
  const ui = spawnService({
    name: 'temporal-ui',
    command: uiServer,
    args: ['--root', uiRoot, '--env', 'docker', 'start'],
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_UI_PORT: String(options.port),
      // Its default fetches news from an outside host.
      TEMPORAL_DISABLE_NEWS_FETCH: 'true',
    },
    logFile: options.logFile,
  });
  try {
    await waitUntil(`Temporal UI on :${options.port}`, async () => (await fetch(`http://127.0.0.1:${options.port}/`, { signal: AbortSignal.timeout(2000) })).ok, { failFast: ui });
  } catch (err) {
    await ui.stop();
    throw err;
  }
  return ui;
}

/** A frontend port whose TEMPORAL_CLUSTER_PORT_SPAN ports from it are all free (tests, faults, benches). */
export async function freeTemporalClusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * (HIGHEST_MEMBERSHIP_PORT - 20_000 - TEMPORAL_CLUSTER_PORT_SPAN));
    const free = await Promise.all(temporalClusterPorts(port).map((p) => isPortFree(p)));
    if (free.every(Boolean)) return port;
  }
}
