/**
 * The system a fault scenario runs against, every piece on a free port and thrown away afterwards: the Temporal dev
 * server on a SQLite file (so it can be killed and started again on the same data), FerretDB on PostgreSQL behind a TCP
 * gate (so the store can be taken down), the partner sandbox (in this process: its fault rules and ledger are read
 * directly), and the worker and the API as processes of their own (so they can be killed and restarted).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type mongoose from 'mongoose';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { startSandbox, type RunningSandbox } from '../sandbox/app';
import { startCaseStore } from '../servers/case-store';
import { freePort, type ManagedProcess } from '../servers/process';
import { startTemporalDevServer } from '../servers/temporal-dev';
import { projectRoot } from '../servers/tools';
import type { Teardown } from '../bench/teardown';
import { startTcpGate, type TcpGate } from './gate';
import { killHard, startNodeService } from './node-process';

export interface FaultStack {
  apiUrl: string;
  /** The worker's Prometheus text (its own metrics and the Temporal SDK's). */
  workerMetricsUrl: string;
  taskQueue: string;
  sandbox: RunningSandbox;
  /** The store seen by the worker and the API goes through this gate. */
  storeGate: TcpGate;
  /** A store connection of the checker's own, straight to FerretDB (not through the gate). */
  store: mongoose.Connection;
  /** A client of the checker's own. */
  client: Client;
  worker(): ManagedProcess;
  restartWorker(): Promise<void>;
  killWorker(): Promise<void>;
  /** SIGTERM to the API process (it closes its server), then a new one on the same port. */
  restartApi(): Promise<void>;
  /** SIGKILL to the Temporal dev server; `startTemporal` brings it back on the same port and SQLite file. */
  killTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
}

const logDir = path.join(projectRoot, '.data', 'logs');

export async function startFaultStack(teardown: Teardown, say: (line: string) => void): Promise<FaultStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
  // As root PostgreSQL runs as the `postgres` user, who must be able to pass through this directory (mkdtemp makes 0700).
  fs.chmodSync(dataDir, 0o711);
  teardown.add('fault stack data', async () => fs.rmSync(dataDir, { recursive: true, force: true }));

  const temporalPort = await freePort();
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const temporalOptions = { port: temporalPort, dbFile: path.join(dataDir, 'temporal.db'), logFile: path.join(logDir, 'faults-temporal.log') };
  let temporal = await startTemporalDevServer(temporalOptions);
  teardown.add('Temporal dev server', () => temporal.stop());

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
  const [apiPort, workerMetricsPort, sdkMetricsPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    MONGODB_URI: `mongodb://127.0.0.1:${storeGate.port}/faults`,
    PARTNER_SANDBOX_URL: sandbox.url,
    API_PORT: String(apiPort),
    API_HOST: '127.0.0.1',
    WORKER_METRICS_PORT: String(workerMetricsPort),
    TEMPORAL_SDK_METRICS_PORT: String(sdkMetricsPort),
  };
  const startWorker = () => startNodeService({ name: 'worker', env, logFile: path.join(logDir, 'faults-worker.log') });
  const startApi = () => startNodeService({ name: 'api', env, logFile: path.join(logDir, 'faults-api.log') });
  let worker = await startWorker();
  teardown.add('worker', () => worker.stop(5000));
  let api = await startApi();
  teardown.add('API', () => api.stop(5000));

  const connection = await Connection.connect({ address: temporalAddress });
  teardown.add('checker Temporal connection', () => connection.close());
  say(`fault stack: Temporal ${temporalAddress} (SQLite in ${dataDir}), FerretDB ${caseStore.uri} behind gate :${storeGate.port}, sandbox ${sandbox.url}, API http://127.0.0.1:${apiPort}, worker pid ${worker.child.pid} (metrics :${workerMetricsPort})`);

  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`,
    taskQueue,
    sandbox,
    storeGate,
    store,
    client: new Client({ connection }),
    worker: () => worker,
    killWorker: () => killHard(worker),
    restartWorker: async () => {
      worker = await startWorker();
    },
    restartApi: async () => {
      await api.stop(10_000);
      api = await startApi();
    },
    killTemporal: () => killHard(temporal),
    startTemporal: async () => {
      temporal = await startTemporalDevServer(temporalOptions);
    },
  };
}
