import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseActivities } from '../../workflows/case/activities';
import { customer, merchant } from './case-fixtures';
import type { CaseInput } from '../../workflows/domain/case';
import { caseWorkflow } from '../../workflows';
import { createCaseWorkers } from '../../worker/create-worker';
import { commandUpdates, getCaseQuery, type CommandName, type CommandPayloads } from '../../workflows/messages';

/**
 * A worker for the real case workflows with the given (fake) activities, on a task queue of its own. Its runUntil
 * terminates the cases the test started: the time-skipping server does not skip past a workflow task that no
 * worker will pick up, so a case left running would stall the next test's clock.
 */
export async function caseWorker(env: Pick<TestWorkflowEnvironment, 'nativeConnection' | 'client'>, activities: CaseActivities) {
  const taskQueue = `cases-${randomUUID()}`;
  const worker = await createCaseWorkers({ connection: env.nativeConnection, config: { temporalNamespace: 'default', taskQueue }, activities });
  const started: CaseHandle[] = [];
  const start = async (input: CaseInput) => {
    const handle = await env.client.workflow.start(caseWorkflow, { args: [input], taskQueue, workflowId: input.caseId });
    started.push(handle);
    return handle;
  };
  const runUntil = <R>(test: () => Promise<R>) =>
    worker.runUntil(async () => {
      try {
        return await test();
      } finally {
        if (process.env.RECORD_HISTORIES) await Promise.all(started.map((handle) => recordHistory(handle, process.env.RECORD_HISTORIES!)));
        await Promise.all(started.map((handle) => handle.terminate('test finished').catch(() => undefined)));
      }
    });
  return { worker: { runUntil }, taskQueue, start };
}

/** Saves the case's history so far for the replay test (see test/replay/README.md). */
async function recordHistory(handle: CaseHandle, dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${handle.workflowId}.binpb`), temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
}

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

export function send<N extends CommandName>(handle: CaseHandle, name: N, payload: CommandPayloads[N]) {
  return handle.executeUpdate(commandUpdates[name], { args: [payload] as [CommandPayloads[N]] });
}

export const view = (handle: CaseHandle) => handle.query(getCaseQuery);

/** Polls the case (real time, no skipping) until it reaches `status`. */
export async function reach(handle: CaseHandle, status: string) {
  for (let i = 0; i < 100; i++) {
    const v = await view(handle);
    if (v.status === status) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`case ${handle.workflowId} never reached ${status}; it is ${(await view(handle)).status}`);
}

/** Approve → ship back (with the postage the customer advanced, if any) → delivered → inspected and accepted. */
export async function returnGoods(handle: CaseHandle, tracking: string, { postageCents, findings = 'as described by the customer' }: { postageCents?: number; findings?: string } = {}) {
  await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
  await send(handle, 'ship_back', { actor: customer, trackingNumber: tracking, ...(postageCents !== undefined && { postageCents }) });
  await handle.signal('courier_event', { dedupKey: `${tracking}-delivered`, trackingNumber: tracking, event: 'delivered', at: 0 });
  await reach(handle, 'awaiting_inspection');
  await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings });
}

/**
 * The workflow's history events other than workflow tasks, once the history has stopped growing. A rejected update
 * writes nothing durable; Temporal's Java test server (unlike the real server) still records the workflow task that
 * ran the validator, so those task events are left out of the comparison.
 */
export async function durableEvents(handle: CaseHandle): Promise<string[]> {
  const read = async () =>
    ((await handle.fetchHistory()).events ?? [])
      .filter((e) => !e.workflowTaskScheduledEventAttributes && !e.workflowTaskStartedEventAttributes && !e.workflowTaskCompletedEventAttributes)
      .map((e) => `${e.eventId}:${e.eventType}`);
  let last = await read();
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const now = await read();
    if (now.length === last.length) return now;
    last = now;
  }
  return last;
}
