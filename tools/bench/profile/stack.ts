/**
 * The system `npm run profile` and `npm run bench:capacity` measure, every piece on a free port and thrown away after:
 * an in-memory Temporal dev server, FerretDB on PostgreSQL over a temporary directory, the partner sandbox and the API
 * in this process, a no-op worker (the engine's baseline) in this process, and the case worker as a process of its own
 * (`worker/main.ts` loading a bundle built ahead), so that its CPU and memory are its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { syncCaseIndexes } from '../../../activities/store/case-model';
import { openStore } from '../../../activities/store/connection';
import { createApp } from '../../../api/app';
import { DEV_API_KEYS } from '../../../config/api-keys';
import { loadRuntimeConfig } from '../../../config/env';
import { loadPolicy } from '../../../config/policy';
import { writeCaseWorkflowBundle } from '../../../worker/workflow-bundle';
import { workerProcessArgs } from '../../../worker/process-args';
import { WORKER_READY_LINE } from '../../../worker/ready-line';
import { startSandbox } from '../../../sandbox/app';
import { startCaseStore } from '../../../scripts/servers/case-store';
import { freePort, spawnService, waitUntil, type ManagedProcess } from '../../../scripts/servers/process';
import { startTemporalDevServer } from '../../../scripts/servers/temporal-dev';
import { projectRoot } from '../../../scripts/servers/tools';
import type { Teardown } from '../teardown';

export interface MeasuredStack {
  apiUrl: string;
  client: Client;
  taskQueue: string;
  noopTaskQueue: string;
  worker: ManagedProcess;
  temporalPid: number;
  bundleFile: string;
  workerLogFile: string;
}

export interface MeasuredStackOptions {
  /** Where the bundle goes (kept when inside a kept directory). */
  bundleFile?: string;
  /** Node options of the worker process (e.g. --cpu-prof). */
  workerNodeArgs?: string[];
  /** Log file prefix under .data/logs. */
  name: string;
}

const logDir = path.join(projectRoot, '.data', 'logs');

export async function startMeasuredStack(teardown: Teardown, options: MeasuredStackOptions): Promise<MeasuredStack> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name}-`));
  fs.chmodSync(work, 0o711); // as root, PostgreSQL runs as `postgres`, who must pass through it
  teardown.add(`${options.name} data`, async () => fs.rmSync(work, { recursive: true, force: true }));
  const bundleFile = options.bundleFile ?? path.join(work, 'workflow-bundle.js');

  const temporalPort = await freePort();
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const [temporalServer, caseStore] = await Promise.all([
    startTemporalDevServer({ port: temporalPort, logFile: path.join(logDir, `${options.name}-temporal.log`) }),
    startCaseStore({ dataDir: path.join(work, 'store'), logDir, logPrefix: `${options.name}-`, ephemeral: true, onStarted: (s) => teardown.add(s.name, () => s.stop()) }),
    // TRACE_WORKFLOWS with OTEL_EXPORTER_OTLP_ENDPOINT: the worker traces workflow code too (its cost measured so).
    writeCaseWorkflowBundle(bundleFile, { traceWorkflows: loadRuntimeConfig().traceWorkflows }),
  ]);
  teardown.add('Temporal dev server', () => temporalServer.stop());
  const mongoUri = `${caseStore.uri}${options.name}`;
  const store = await openStore(mongoUri);
  teardown.add('store connection', () => store.close());
  await syncCaseIndexes(store);
  const sandbox = await startSandbox();
  teardown.add('sandbox', () => sandbox.close());

  const taskQueue = `${options.name}-${process.pid}`;
  const workerLogFile = path.join(logDir, `${options.name}-worker.log`);
  let ready = false;
  const worker = spawnService({
    name: 'worker',
    command: process.execPath,
    args: workerProcessArgs(options.workerNodeArgs),
    cwd: projectRoot,
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_TASK_QUEUE: taskQueue, MONGODB_URI: mongoUri, PARTNER_SANDBOX_URL: sandbox.url, WORKFLOW_BUNDLE_PATH: bundleFile },
    logFile: workerLogFile,
    onLine: (line) => (ready ||= line.includes(WORKER_READY_LINE)),
  });
  teardown.add('worker', () => worker.stop(60_000));
  await waitUntil('worker', async () => ready, { timeoutMs: 120_000, failFast: worker });

  const connection = await Connection.connect({ address: temporalAddress });
  teardown.add('client connection', () => connection.close());
  const client = new Client({ connection });
  const app = createApp({ temporal: client, store, taskQueue, policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  teardown.add('API', () => new Promise((r) => server.close(r)));
  const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  teardown.add('no-op worker connection', () => nativeConnection.close());
  const noopTaskQueue = `${taskQueue}-noop`;
  const noopWorker = await Worker.create({ connection: nativeConnection, taskQueue: noopTaskQueue, workflowsPath: require.resolve('../noop-workflow') });
  const noopRun = noopWorker.run();
  teardown.add('no-op worker', async () => {
    noopWorker.shutdown();
    await noopRun;
  });
  return { apiUrl, client, taskQueue, noopTaskQueue, worker, temporalPid: temporalServer.child.pid!, bundleFile, workerLogFile };
}

/**
 * A wait until the worker is idle: its CPU over the last second under 300 ms and no more than 80 ms above the least it
 * has used in a second so far (its floor: the profiler's sampling threads and the SDK's own threads), for `quietMs`, so
 * the work earlier calls started is done. The floor is kept across calls.
 */
export function workerIdleWaiter(workerCpuSeconds: () => number): (quietMs?: number, timeoutMs?: number) => Promise<void> {
  let floor = Infinity;
  return async (quietMs = 1500, timeoutMs = 300_000) => {
    const deadline = Date.now() + timeoutMs;
    const samples = [workerCpuSeconds()];
    let quietSince = Date.now();
    while (samples.length < 5 || Date.now() - quietSince < quietMs) {
      if (Date.now() > deadline) throw new Error('the worker stayed busy');
      await new Promise((r) => setTimeout(r, 250));
      samples.push(workerCpuSeconds());
      if (samples.length > 5) samples.shift();
      if (samples.length < 5) continue;
      const lastSecond = samples[4]! - samples[0]!;
      floor = Math.min(floor, lastSecond);
      if (lastSecond - floor > 0.08 || lastSecond > 0.3) quietSince = Date.now();
    }
  };
}

export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Rows as an aligned text table, the first row its header. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
