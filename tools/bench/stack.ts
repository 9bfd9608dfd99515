/**
 * The embedded system the bench measures, every piece on a free port and thrown away afterwards: an in-memory Temporal
 * dev server, FerretDB on a PostgreSQL cluster over a temporary directory, the partner sandbox, the case worker, the
 * bench's no-op worker and the API (the express app listening over real HTTP), all but the three servers in this
 * process.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type mongoose from 'mongoose';
import { createActivities } from '../../activities';
import { partnerUrlsFor } from '../../activities/partners/urls';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { createCaseWorkers } from '../../worker/create-worker';
import { startSandbox } from '../../sandbox/app';
import { startCaseStore } from '../../scripts/servers/case-store';
import { freePort } from '../../scripts/servers/process';
import { startTemporalDevServer } from '../../scripts/servers/temporal-dev';
import { projectRoot } from '../../scripts/servers/tools';
import type { CaseActivities } from '../../workflows/case/activities';
import type { Teardown } from './teardown';

export interface BenchStack {
  /** Base URL of the API, e.g. http://127.0.0.1:41234 */
  apiUrl: string;
  /** A client of its own for the direct side (the API has another connection). */
  client: Client;
  /** Task queue of the bench's no-op workflow. */
  noopTaskQueue: string;
  /** Resolves once neither worker has had anything in flight for a second (background work of earlier calls done). */
  settle(signal?: AbortSignal): Promise<void>;
  /** Task queue of the case workflows (for starting cases directly). */
  caseTaskQueue: string;
  /** The store connection the API and the case worker share. */
  store: mongoose.Connection;
  /** The servers started as child processes (Temporal, PostgreSQL, FerretDB), e.g. to read their memory or suspend them. */
  servers: Array<{ name: string; pid: number }>;
  /** Status of each case worker (workflows, store writes, notifications), e.g. how many workflows it caches. */
  caseWorkerStatus(): Array<ReturnType<Worker['getStatus']>>;
  /** How long each workflow task's completion waited for its version's store write (worker/projection-sink.ts), in order. */
  projectionWaitsMs: number[];
}

/** Where the bench's Temporal dev server keeps its histories (see BenchStackOptions.temporalDb). */
export const TEMPORAL_DBS = ['memory', 'file'] as const;
export type TemporalDb = (typeof TEMPORAL_DBS)[number];

export interface BenchStackOptions {
  /** Wraps the case worker's activities, e.g. to observe when a projection reached the store. */
  wrapActivities?: (activities: CaseActivities) => CaseActivities;
  /**
   * Where the Temporal dev server keeps its histories: in memory (the default), or in a SQLite file (WAL) in a temporary
   * directory. In memory, SQLite failed with "out of memory (7)" at about 64,000 open returns, and the server's RSS then
   * grew by 4 GiB a minute.
   */
  temporalDb?: TemporalDb;
}

const logDir = path.join(projectRoot, '.data', 'logs');

/** Starts the stack; each piece registers its stop with `teardown` as soon as it is up (the caller runs it). */
export async function startBenchStack(teardown: Teardown, say: (line: string) => void, options: BenchStackOptions = {}): Promise<BenchStack> {
  const onStop = (what: string, stop: () => Promise<unknown>) => teardown.add(what, stop);
  const servers: BenchStack['servers'] = [];
  const started = (name: string, pid: number | undefined) => pid !== undefined && servers.push({ name, pid });
  // allSettled: a server that comes up while the other fails has registered its stop before the error goes on.
  const [temporalAddress, mongoUri] = await allSucceeded([
    (async () => {
      const port = await freePort();
      let dbFile: string | undefined;
      if (options.temporalDb === 'file') {
        const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-bench-'));
        onStop('Temporal data', async () => fs.rmSync(dbDir, { recursive: true, force: true }));
        dbFile = path.join(dbDir, 'temporal.db');
      }
      const server = await startTemporalDevServer({ port, dbFile, logFile: path.join(logDir, 'bench-temporal.log') });
      onStop('Temporal dev server', () => server.stop());
      started('temporal', server.child.pid);
      return `127.0.0.1:${port}`;
    })(),
    (async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'case-store-bench-'));
      onStop('case store data', async () => fs.rmSync(dataDir, { recursive: true, force: true }));
      // PostgreSQL, then FerretDB on it, both on free ports; logs in .data/logs/bench-postgres.log, bench-ferretdb.log.
      const store = await startCaseStore({
        dataDir,
        logDir,
        logPrefix: 'bench-',
        onStarted: (server) => {
          onStop(server.name === 'postgres' ? 'PostgreSQL' : 'FerretDB', () => server.stop());
          started(server.name, server.child.pid);
        },
      });
      return `${store.uri}bench`;
    })(),
  ]);
  say(`Temporal dev server ${temporalAddress} (${options.temporalDb === 'file' ? 'SQLite file' : 'in memory'}), FerretDB on PostgreSQL ${mongoUri}`);

  const sandbox = await startSandbox();
  onStop('partner sandbox', () => sandbox.close());
  const store = await openStore(mongoUri);
  onStop('case store connection', () => store.close());
  await syncCaseIndexes(store);

  const native = await NativeConnection.connect({ address: temporalAddress });
  onStop('worker connection', () => native.close());
  const caseTaskQueue = `bench-cases-${process.pid}`;
  const projectionWaitsMs: number[] = [];
  const noopTaskQueue = `bench-noop-${process.pid}`;
  const [caseWorkers, noopWorker] = await Promise.all([
    createCaseWorkers({
      connection: native,
      config: { temporalNamespace: 'default', taskQueue: caseTaskQueue },
      activities: (options.wrapActivities ?? ((a) => a))(createActivities({ store, partnerUrls: partnerUrlsFor(sandbox.url) })),
      onProjectionWait: (ms) => projectionWaitsMs.push(ms),
    }),
    Worker.create({ connection: native, namespace: 'default', taskQueue: noopTaskQueue, workflowsPath: require.resolve('./noop-workflow') }),
  ]);
  const workers = [...caseWorkers.workers, noopWorker];
  for (const [i, worker] of workers.entries()) {
    const what = i < caseWorkers.workers.length ? `case worker ${i + 1}` : 'no-op worker';
    const running = worker.run();
    onStop(what, async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
  }
  say(`workers: cases on ${caseTaskQueue}, no-op on ${noopTaskQueue}; partner sandbox ${sandbox.url}`);

  const apiConnection = await Connection.connect({ address: temporalAddress });
  onStop('API Temporal connection', () => apiConnection.close());
  const app = createApp({
    temporal: new Client({ connection: apiConnection }),
    store,
    taskQueue: caseTaskQueue,
    policy: loadPolicy({}),
    apiKeys: DEV_API_KEYS,
  });
  const server = await listen(app.listen(0, '127.0.0.1'));
  onStop('API server', () => closeServer(server));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const directConnection = await Connection.connect({ address: temporalAddress });
  onStop('direct Temporal connection', () => directConnection.close());
  say(`API ${apiUrl}`);
  return { apiUrl, client: new Client({ connection: directConnection }), noopTaskQueue, settle: (signal) => settle(workers, signal), caseTaskQueue, store, servers, caseWorkerStatus: () => caseWorkers.workers.map((w) => w.getStatus()), projectionWaitsMs };
}

async function settle(workers: Worker[], signal?: AbortSignal, quietMs = 1000, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() - quietSince < quietMs) {
    signal?.throwIfAborted();
    if (Date.now() > deadline) throw new Error(`workers still busy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
    const busy = workers.some((w) => {
      const status = w.getStatus();
      return status.numInFlightWorkflowActivations > 0 || status.numInFlightActivities > 0;
    });
    if (busy) quietSince = Date.now();
  }
}

async function allSucceeded<T extends readonly unknown[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(starts);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
