import { getHeapStatistics } from 'node:v8';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { RuntimeConfig } from '../config/env';
import { sideTaskQueues } from '../workflows/task-queues';
import type { Tracing } from '../telemetry/tracing';
import { workerTracingOptions } from './tracing';
import { caseWorkflowCode } from './workflow-bundle';
import { caseStoreSinks, ProjectionDelivery } from './projection-sink';
import type { StoreActivities } from '../workflows/case/activities';

export interface WorkerDeps {
  connection: NativeConnection;
  config: Pick<RuntimeConfig, 'temporalNamespace' | 'taskQueue'>;
  activities: object;
  /** A bundle built ahead (writeCaseWorkflowBundle); without it the worker bundles the workflow code itself. */
  workflowBundlePath?: string;
  /** Cases kept in the workflow cache (WORKER_MAX_CACHED_WORKFLOWS); by default sized from the heap (cachedCasesFor). */
  maxCachedWorkflows?: number;
  /** The process's tracing (telemetry/tracing.ts): activity spans; with `traceWorkflows`, workflow spans too (the bundle must carry the interceptors then). */
  tracing?: Tracing;
  traceWorkflows?: boolean;
  /** Told how long each workflow task's completion waited for the store write of its version (worker/projection-sink.ts). */
  onProjectionWait?: (ms: number) => void;
}

export interface CaseWorkers {
  workers: Worker[];
  /** Runs every worker until shut down (the runtime's SIGINT/SIGTERM handling drains them). */
  run(): Promise<void>;
  /** Runs every worker until `fn` settles, then shuts them down. */
  runUntil<R>(fn: () => Promise<R>): Promise<R>;
}

/** How long a stopping worker waits for its store writes still under way. */
const PROJECTION_DRAIN_MS = 10_000;

/** Worker RSS per open case, measured with 2,000 open returns (`npm run bench:capacity`, docs/performance.md "Many open cases"). */
const MEASURED_CASE_KIB = 293;
/** Room for a case to grow (audit trail, clocks, a dispute) and for garbage between collections. */
const CASE_HEADROOM = 2.5;

/**
 * How many cases fit the workflow cache of a heap of `heapLimitMiB`: the heap less 512 MiB for everything else, at
 * the measured size of a case times its headroom (about 730 KiB: 5,077 cases of the 4,144 MiB heap Node gives a 24 GiB machine). Beyond it the least
 * recently used cases are evicted and replayed from their history when they next have work.
 */
export function cachedCasesFor(heapLimitMiB = getHeapStatistics().heap_size_limit / 2 ** 20): number {
  return Math.max(100, Math.floor(((heapLimitMiB - 512) * 1024) / (MEASURED_CASE_KIB * CASE_HEADROOM)));
}

/**
 * The case workers: workflows and the money path (refunds, reships, partner decisions) on the case task queue, store
 * writes and notifications each on a queue of its own with its own slots (workflows/task-queues.ts). Every worker
 * registers every activity, so an activity scheduled on the case queue by an older history still runs.
 */
export async function createCaseWorkers({ connection, config, activities, workflowBundlePath, maxCachedWorkflows = cachedCasesFor(), tracing, traceWorkflows = false, onProjectionWait }: WorkerDeps): Promise<CaseWorkers> {
  const side = sideTaskQueues(config.taskQueue);
  const { interceptors, sinks } = workerTracingOptions(tracing, traceWorkflows);
  const { projectCase } = activities as StoreActivities;
  const projection = new ProjectionDelivery((view, historyLength) => projectCase(view, historyLength), {
    onFailure: (view, err) => Runtime.instance().logger.warn('case projection failed, retrying until it lands', { caseId: view.caseId, version: view.version, error: err instanceof Error ? err.message : String(err) }),
    onWaited: onProjectionWait,
  });
  const base = { connection, namespace: config.temporalNamespace, activities, interceptors };
  const workflowCode = workflowBundlePath ? { workflowBundle: { codePath: workflowBundlePath } } : caseWorkflowCode(undefined, { traceWorkflows });
  const workers = await Promise.all([
    Worker.create({
      ...base,
      taskQueue: config.taskQueue,
      ...workflowCode,
      interceptors: { ...interceptors, ...('interceptors' in workflowCode && workflowCode.interceptors) },
      sinks: { ...sinks, ...caseStoreSinks(projection) },
      maxCachedWorkflows,
    }),
    // Projection activities wait on a coalescing writer, not on CPU: many may wait at once.
    Worker.create({ ...base, taskQueue: side.projection, maxConcurrentActivityTaskExecutions: 1000 }),
    Worker.create({ ...base, taskQueue: side.notifications, maxConcurrentActivityTaskExecutions: 200 }),
  ]);
  return {
    workers,
    run: async () => {
      const runs = workers.map((w) => w.run());
      try {
        await Promise.all(runs);
      } catch (err) {
        // One worker failed (its workflow thread out of memory, say): drain the others so the process can close its
        // connection and exit with the first failure, for its supervisor to restart it.
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await Promise.allSettled(runs);
        throw err;
      } finally {
        await projection.drain(PROJECTION_DRAIN_MS);
      }
    },
    runUntil: async <R>(fn: () => Promise<R>) => {
      const done = fn();
      await Promise.all(workers.map((w) => w.runUntil(done.then(() => undefined, () => undefined)))).finally(() => projection.drain(PROJECTION_DRAIN_MS));
      return done;
    },
  };
}
