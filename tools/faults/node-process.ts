/** The worker and the API as processes of their own (worker/main.ts, api/main.ts), so a scenario can kill or restart them. */
import path from 'node:path';
import { spawnService, waitUntil, type ManagedProcess } from '../../scripts/servers/process';
import { projectRoot } from '../../scripts/servers/tools';
import { workerProcessArgs } from '../../worker/process-args';
import { WORKER_READY_LINE } from '../../worker/ready-line';

export interface NodeServiceSpec {
  name: 'worker' | 'api';
  env: NodeJS.ProcessEnv;
  logFile: string;
}

const ENTRY = { worker: 'worker/main.ts', api: 'api/main.ts' } as const;
const READY = { worker: WORKER_READY_LINE, api: 'API listening on' } as const;

/** Starts the process and resolves once it prints its ready line. */
export async function startNodeService(spec: NodeServiceSpec): Promise<ManagedProcess> {
  let ready = false;
  const tail: string[] = [];
  const child = spawnService({
    name: spec.name,
    command: process.execPath,
    args: spec.name === 'worker' ? workerProcessArgs() : ['--import', 'tsx', path.join(projectRoot, ENTRY[spec.name])],
    cwd: projectRoot,
    env: { ...process.env, ...spec.env },
    logFile: spec.logFile,
    onLine: (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      if (line.includes(READY[spec.name])) ready = true;
    },
  });
  try {
    await waitUntil(`${spec.name} process`, async () => ready, { timeoutMs: 120_000, failFast: child });
  } catch (err) {
    await child.stop(1000);
    throw new Error(`${(err as Error).message}\n${tail.join('\n')}`, { cause: err });
  }
  return child;
}

/** SIGKILL: no drain, as a crash or an OOM kill. */
export async function killHard(service: ManagedProcess): Promise<void> {
  service.child.kill('SIGKILL');
  await service.exited;
}
