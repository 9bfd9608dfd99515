/**
 * The system a fault scenario runs against, every piece on a free port and thrown away afterwards: Temporal
 * (temporal-under-test.ts: the dev server on a SQLite file, or with --cluster the Temporal server on PostgreSQL, killed
 * and started again on the same data), FerretDB on PostgreSQL behind a TCP gate (so the store can be taken down), the
 * partner sandbox (in this process: its fault rules and ledger are read directly), and the worker (two with --cluster)
 * and the API as processes of their own (so they can be killed and restarted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type mongoose from 'mongoose';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { startCaseStore } from '../../scripts/servers/case-store';
import type { PostgresServer } from '../../scripts/servers/postgres';
import { freePort, type ManagedProcess } from '../../scripts/servers/process';
import { projectRoot } from '../../scripts/servers/tools';
import type { Teardown } from '../bench/teardown';
import type { MemoryTarget } from '../bench/deadlines/memory';
import { startTcpGate, type TcpGate } from './gate';
import { killHard, startNodeService } from './node-process';
import { startTemporalUnderTest, type Restartable } from './temporal-under-test';

export interface FaultStack {
  apiUrl: string;
  /** The first worker's Prometheus text (its own metrics and the Temporal SDK's). */
  workerMetricsUrl: string;
  taskQueue: string;
  sandbox: RunningSandbox;
  /** The store seen by the worker and the API goes through this gate. */
  storeGate: TcpGate;
  /** A store connection of the checker's own, straight to FerretDB (not through the gate). */
  store: mongoose.Connection;
  /** A client of the checker's own. */
  client: Client;
  /** The worker processes (one; two with --cluster), all polling the same task queues. */
  workers(): ManagedProcess[];
  restartWorker(index?: number): Promise<void>;
  killWorker(index?: number): Promise<void>;
  /** SIGTERM to the API process (it closes its server), then a new one on the same port. */
  restartApi(): Promise<void>;
  /** SIGKILL to the Temporal server; `startTemporal` brings it back on the same port and data. */
  killTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  /** With --cluster: the PostgreSQL under the Temporal server. */
  temporalPostgres?: Restartable;
  /** PostgreSQL URLs: the case store's (FerretDB's database) and, with --cluster, Temporal's. */
  postgresUrls: { store: string; temporal?: string };
  /** The processes of the system under test now (PostgreSQL with its backends), e.g. to read their CPU time. */
  processes(): MemoryTarget[];
}

const logDir = path.join(projectRoot, '.data', 'logs');

/** `cluster`: the Temporal server on PostgreSQL instead of the dev server; `workers`: worker processes (1, or 2 with cluster). */
export async function startFaultStack(teardown: Teardown, say: (line: string) => void, options: { cluster?: boolean; workers?: number } = {}): Promise<FaultStack> {
  const cluster = options.cluster ?? false;
  const workerCount = options.workers ?? (cluster ? 2 : 1);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
  // As root PostgreSQL runs as the `postgres` user, who must be able to pass through this directory (mkdtemp makes 0700).
  fs.chmodSync(dataDir, 0o711);
  teardown.add('fault stack data', async () => fs.rmSync(dataDir, { recursive: true, force: true }));

  const temporal = await startTemporalUnderTest({ cluster, dataDir, logDir, teardown });
  const temporalAddress = temporal.address;

  const caseStore = await startCaseStore({
    dataDir: path.join(dataDir, 'store'),
    logDir,
    logPrefix: 'faults-',
    ephemeral: true,
    onStarted: (server) => teardown.add(server.name, () => server.stop()),
  });
  const ferretPort = Number(new URL(caseStore.uri).port);
  const storeGate = await startTcpGate({ host: '127.0.0.1', port: ferretPort });
  teardown.add('store gate', () => storeGate.close());
  const store = await openStore(`${caseStore.uri}faults`);
  teardown.add('checker store connection', () => store.close());
  await syncCaseIndexes(store);

  const sandbox = await startSandbox();
  teardown.add('partner sandbox', () => sandbox.close());

  const taskQueue = `faults-${process.pid}`;
  const apiPort = await freePort();
  const env = {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: `mongodb://127.0.0.1:${storeGate.port}/faults`,
    PARTNER_SANDBOX_URL: sandbox.url,
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
  };
  // Each worker its own metrics ports.
  const workerEnvs: NodeJS.ProcessEnv[] = [];
  for (let i = 0; i < workerCount; i++) {
    workerEnvs.push({ ...env, WORKER_METRICS_PORT: String(await freePort()), TEMPORAL_SDK_METRICS_PORT: String(await freePort()) });
  }
  const startWorker = (i: number) => startNodeService({ name: 'worker', env: workerEnvs[i], logFile: path.join(logDir, `faults-worker${i ? `-${i + 1}` : ''}.log`) });
  const startApi = () => startNodeService({ name: 'api', env, logFile: path.join(logDir, 'faults-api.log') });
  const workers = await Promise.all(workerEnvs.map((_, i) => startWorker(i)));
  teardown.add('workers', () => Promise.all(workers.map((worker) => worker.stop(5000))));
  let api = await startApi();
  teardown.add('API', () => api.stop(5000));

  const connection = await Connection.connect({ address: temporalAddress });
  teardown.add('checker Temporal connection', () => connection.close());
  say(`fault stack: ${temporal.description} at ${temporalAddress}, FerretDB ${caseStore.uri} behind gate :${storeGate.port}, sandbox ${sandbox.url}, API http://127.0.0.1:${apiPort}, worker pid ${workers.map((w, i) => `${w.child.pid} (metrics :${workerEnvs[i].WORKER_METRICS_PORT})`).join(', ')}`);

  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    workerMetricsUrl: `http://127.0.0.1:${workerEnvs[0].WORKER_METRICS_PORT}/metrics`,
    taskQueue,
    sandbox,
    storeGate,
    store,
    client: new Client({ connection }),
    workers: () => workers,
    killWorker: (i = 0) => killHard(workers[i]),
    restartWorker: async (i = 0) => {
      workers[i] = await startWorker(i);
    },
    restartApi: async () => {
      await api.stop(10_000);
      api = await startApi();
    },
    killTemporal: () => temporal.kill(),
    startTemporal: () => temporal.start(),
    temporalPostgres: temporal.postgres,
    postgresUrls: { store: (caseStore.servers[0] as PostgresServer).url, temporal: temporal.postgres?.url },
    processes: () => [
      { name: 'temporal', pid: temporal.pid() },
      ...(temporal.postgres ? [{ name: 'temporal-postgres', pid: temporal.postgres.pid(), tree: true }] : []),
      ...workers.map((worker, i) => ({ name: `worker-${i + 1}`, pid: worker.child.pid! })),
      { name: 'api', pid: api.child.pid! },
      ...caseStore.servers.map((server) => ({ name: server.name === 'postgres' ? 'store-postgres' : server.name, pid: server.child.pid!, tree: server.name === 'postgres' })),
    ],
  };
}
