import { NativeConnection, Worker } from '@temporalio/worker';
import type { RuntimeConfig } from '../config/env';

export interface WorkerDeps {
  connection: NativeConnection;
  config: Pick<RuntimeConfig, 'temporalNamespace' | 'taskQueue'>;
  activities: object;
}

/** The case worker: bundles the workflows in workflows/ and serves the given activities. */
export function createCaseWorker({ connection, config, activities }: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities,
  });
}
