import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startCaseStore, type CaseStore } from '../../scripts/servers/case-store';
import { freePort } from '../../scripts/servers/process';
import { INDEXED_VALUE_TYPES } from '../../scripts/servers/temporal-cluster';
import { startTemporalDevServer, type TemporalDevServerOptions } from '../../scripts/servers/temporal-dev';
import { toolPath } from '../../scripts/servers/tools';

/** A time-skipping environment on Temporal's Java test server, one per test file, knowing the case search attributes. */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await createTimeSkippingWithRetries(5);
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(CASE_SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_VALUE_TYPES[key.type]])),
  });
  return env;
}

/**
 * The SDK waits only 5 s for the JVM to listen; on a loaded machine it sometimes takes longer, and the next try
 * usually makes it (each try on a fresh port).
 */
async function createTimeSkippingWithRetries(attempts: number): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: toolPath('temporal-test-server') } } });
    } catch (err) {
      if (attempt >= attempts || !/did not start within/.test(String((err as Error).message))) throw err;
    }
  }
}

export interface DevTemporal {
  address: string;
  stop(): Promise<void>;
}

/** A real Temporal dev server (in-memory) on a free port, or the one TEMPORAL_ADDRESS names unless the test needs its own settings. */
export async function startDevTemporal(dynamicConfig?: TemporalDevServerOptions['dynamicConfig']): Promise<DevTemporal> {
  if (process.env.TEMPORAL_ADDRESS && !dynamicConfig) return { address: process.env.TEMPORAL_ADDRESS, stop: async () => undefined };
  // A free port can be taken again between the check and the server's bind (test files start servers side by side),
  // and the dev server binds ports of its own: a server that exits before it is ready gets a new port, twice at most.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const server = await startTemporalDevServer({ port, dynamicConfig });
      return { address: `127.0.0.1:${port}`, stop: () => server.stop() };
    } catch (err) {
      if (attempt >= 3 || !/exited with code/.test(String(err))) throw err;
    }
  }
}

export interface DevMongo {
  /** Connection string with a database of this test's own. */
  uri: string;
  stop(): Promise<void>;
}

/**
 * FerretDB on a PostgreSQL cluster of its own (without fsync), both on free ports over a temporary directory, or the
 * MongoDB that MONGODB_URI names.
 */
export async function startDevMongo(database = `test_${process.pid}_${Date.now()}`): Promise<DevMongo> {
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/${database}`;
    return { uri: url.toString(), stop: async () => undefined };
  }
  // As for Temporal: a free port can be taken again before FerretDB or PostgreSQL binds it (a fresh-clone run saw
  // FerretDB exit with code 1 before it was ready); a store that exits before it is ready is started again on new ports.
  let dataDir: string;
  let store: CaseStore;
  for (let attempt = 1; ; attempt++) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'case-store-test-'));
    try {
      store = await startCaseStore({ dataDir, ephemeral: true });
      break;
    } catch (err) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (attempt >= 3 || !/exited with code/.test(String(err))) throw err;
    }
  }
  return {
    uri: `${store.uri}${database}`,
    stop: async () => {
      await store.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Temporal and the store, started side by side; when either fails to start, the other is stopped before the error. */
export async function startDevServers(): Promise<[DevTemporal, DevMongo]> {
  const [temporal, mongo] = await Promise.allSettled([startDevTemporal(), startDevMongo()]);
  if (temporal.status === 'fulfilled' && mongo.status === 'fulfilled') return [temporal.value, mongo.value];
  await Promise.all([temporal, mongo].map((started) => (started.status === 'fulfilled' ? started.value.stop().catch(() => undefined) : undefined)));
  throw temporal.status === 'rejected' ? temporal.reason : (mongo as PromiseRejectedResult).reason;
}
