import path from 'node:path';

/** Node arguments that start a worker process (worker/main.ts) with the workflow thread's preload. */
export function workerProcessArgs(nodeArgs: readonly string[] = []): string[] {
  return [...nodeArgs, '--require', path.join(__dirname, 'workflow-thread-preload.cjs'), '--import', 'tsx', path.join(__dirname, 'main.ts')];
}
