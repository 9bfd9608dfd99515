import path from 'node:path';
import { spawnService, waitUntil, type ManagedProcess } from '../../scripts/servers/process';
import { workerProcessArgs } from '../../worker/process-args';
import { WORKER_READY_LINE } from '../../worker/ready-line';

const projectRoot = path.resolve(__dirname, '../..');

export interface WorkerEnv {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_TASK_QUEUE: string;
  MONGODB_URI: string;
  PARTNER_SANDBOX_URL: string;
}

/** The real worker (worker/main.ts) as its own process, so a test can kill it like a crash would. */
export async function startWorkerProcess(env: WorkerEnv): Promise<ManagedProcess> {
  let ready = false;
  const output: string[] = [];
  const worker = spawnService({
    name: 'worker',
    command: process.execPath,
    args: workerProcessArgs(),
    cwd: projectRoot,
    env: { ...process.env, ...env },
    onLine: (line) => {
      output.push(line);
      if (line.includes(WORKER_READY_LINE)) ready = true;
    },
  });
  try {
    await waitUntil('worker process', async () => ready, { timeoutMs: 60_000, failFast: worker });
  } catch (err) {
    await worker.stop(1000);
    throw new Error(`${(err as Error).message}\n${output.slice(-20).join('\n')}`, { cause: err });
  }
  return worker;
}

/** Kills the process without letting it drain, as a crash or an OOM kill would. */
export async function crash(worker: ManagedProcess): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}
