import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type InjectedSinks } from '@temporalio/worker';
import { caseWorkflow } from '../../workflows';
import { caseWorkflowInterceptorModules } from '../../worker/workflow-bundle';
import { sideTaskQueues } from '../../workflows/task-queues';
import { reach, send, type CaseHandle } from '../support/case-env';
import { customer, merchant } from '../support/case-fixtures';
import { caseInput, recordingActivities } from '../support/case-fixtures';
import { startDevTemporal, type DevTemporal } from '../support/servers';
import type { ActivationJobsSinks } from './fixtures/activation-jobs';
import type { CaseStoreSinks } from '../../workflows/case/store-sink';

const CASES = 6;
const workflowsPath = require.resolve('../../workflows');

/**
 * A worker that keeps no case in its cache (maxCachedWorkflows 0) treats every workflow task as a restarted worker
 * does: it replays the history, then runs the new jobs. Core then delivers the results of a preceding workflow task that
 * produced no commands (a finished projection or message) in the same activation as an update, where a replay of the
 * full history may deliver them one activation earlier. The histories such a worker writes must replay all the same:
 * before COMMANDS_AFTER_RESULTS_PATCH, about one return in four did not (the projection was scheduled before the
 * update's completion on one side and after it on the other), which stalled cases after a worker was killed.
 */
/** Waits until the case has no activity in flight and (unless `workflowTaskToo` is false) no workflow task pending. */
async function untilIdle(handle: CaseHandle, workflowTaskToo = true): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { raw } = await handle.describe();
    if (raw.pendingActivities?.length === 0 && !(workflowTaskToo && raw.pendingWorkflowTask)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`case ${handle.workflowId} never went idle`);
}

const untilNoActivity = (handle: CaseHandle) => untilIdle(handle, false);

describe('cases run by a worker without a workflow cache (dev server)', () => {
  let temporal: DevTemporal;
  beforeAll(async () => {
    temporal = await startDevTemporal();
  }, 120_000);
  afterAll(async () => {
    await temporal?.stop();
  });

  it('write histories that replay, though the worker grouped results with updates', async () => {
    const connection = await NativeConnection.connect({ address: temporal.address });
    const client = new Client({ connection: await Connection.connect({ address: temporal.address }) });
    const taskQueue = `cold-${randomUUID()}`;
    const side = sideTaskQueues(taskQueue);
    const { activities } = recordingActivities();
    const liveActivations: string[][] = [];
    const sinks: InjectedSinks<ActivationJobsSinks & CaseStoreSinks> = {
      activationJobs: { seen: { fn: (_info, _id, replaying, jobs) => void (replaying || liveActivations.push(jobs)) } },
      caseStore: { project: { fn: () => undefined } },
    };
    const base = { connection, namespace: 'default', activities };
    const bundle = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules: [...caseWorkflowInterceptorModules(), require.resolve('./fixtures/activation-jobs')] });
    const sideWorkers = await Promise.all([Worker.create({ ...base, taskQueue: side.projection }), Worker.create({ ...base, taskQueue: side.notifications })]);
    /** Runs a case-queue worker (no cache) until `step` settles. */
    const withCaseWorker = async <R>(step: () => Promise<R>): Promise<R> => {
      const worker = await Worker.create({ ...base, taskQueue, workflowBundle: bundle, maxCachedWorkflows: 0, sinks });
      const done = step();
      await worker.runUntil(done.then(() => undefined, () => undefined));
      return done;
    };
    const handles: CaseHandle[] = [];
    const driveCases = async () => {
      for (let i = 0; i < CASES; i++) {
        const input = caseInput(`cold-${i}-${randomUUID()}`, { kind: 'return', reason: 'quality_defect' });
        const tracking = `T-COLD-${i}`;
        const handle = await withCaseWorker(async () => {
          const started = await client.workflow.start(caseWorkflow, { args: [input], taskQueue, workflowId: input.caseId });
          await untilIdle(started);
          await send(started, 'merchant_review', { actor: merchant, decision: 'approve' });
          return started;
        });
        handles.push(handle);
        // No case worker now: the approval's message to the customer finishes and the shipment's update waits, so the
        // next worker gets both in one workflow task, as a restarted worker would.
        await untilNoActivity(handle);
        const shipped = send(handle, 'ship_back', { actor: customer, trackingNumber: tracking });
        await new Promise((resolve) => setTimeout(resolve, 500));
        await withCaseWorker(async () => {
          await shipped;
          await handle.signal('courier_event', { dedupKey: `${tracking}-delivered`, trackingNumber: tracking, event: 'delivered', at: 0 });
          await reach(handle, 'awaiting_inspection');
          await untilIdle(handle);
          await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'as described' });
          await new Promise((resolve) => setTimeout(resolve, 1000)); // the refund and messages that follow the inspection
        });
      }
      return Promise.all(handles.map((handle) => handle.fetchHistory()));
    };
    const done = driveCases();
    await Promise.all(sideWorkers.map((w) => w.runUntil(done.then(() => undefined, () => undefined))));
    const histories = await done;
    await Promise.all(handles.map((handle) => handle.terminate('test finished')));
    await connection.close();

    expect(liveActivations.some((jobs) => jobs.includes('doUpdate') && jobs.includes('resolveActivity'))).toBe(true);
    const failures: string[] = [];
    for (const [i, history] of histories.entries()) {
      await Worker.runReplayHistory({ workflowsPath, interceptors: { workflowModules: caseWorkflowInterceptorModules() } }, history, handles[i]!.workflowId).catch((err) => failures.push(`${handles[i]!.workflowId}: ${String(err)}`));
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
