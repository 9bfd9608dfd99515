/**
 * Opening cases for the deadline bench: directly through the Temporal client (the input `POST /cases` builds, without
 * the HTTP round trip), each with a policy of its own so that its merchant-review deadline falls on a chosen instant.
 */
import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { loadPolicy } from '../../../config/policy';
import { caseWorkflow } from '../../../workflows';
import type { CaseInput, KindDetails, OrderSnapshot } from '../../../workflows/domain/case';
import { getClocksQuery } from '../../../workflows/messages';
import type { CasePolicy } from '../../../workflows/policy';
import { returnCaseBody } from '../fixtures';
import { runPool, type PoolResult } from '../pool';

const BASE_POLICY: CasePolicy = loadPolicy({});

/** A return for a quality defect (so it goes to merchant review) whose review deadline is `deadline` (epoch ms) if it starts now. */
export function returnInput(caseId: string, deadline: number, now = Date.now()): CaseInput {
  const body = returnCaseBody(`order-${caseId}`);
  const minutes = Math.max(0, deadline - now) / 60_000;
  return {
    caseId,
    kind: 'return',
    // The reminder (24 h by default) falls after such a deadline, so the clock has no warning: one timer per case.
    policy: { ...BASE_POLICY, merchantReviewTimeout: { minutes }, merchantReviewTimeoutAction: 'approve' },
    openedBy: { id: 'agent-dev', role: 'agent' },
    receivedAt: now,
    channel: 'online',
    customer: body.customer,
    order: body.order as OrderSnapshot,
    description: body.description,
    evidence: body.evidence as CaseInput['evidence'],
    details: body.details as KindDetails,
  };
}

export function newCaseIds(prefix: string, n: number): string[] {
  const run = randomBytes(4).toString('hex');
  return Array.from({ length: n }, (_, i) => `case-bench-${prefix}-${run}-${i.toString().padStart(6, '0')}`);
}

/**
 * Starts one case workflow per id, `concurrency` at a time, so that case i's review deadline falls on `targetOf(i)`
 * (epoch ms). The clock starts at the workflow's first task, some time after the start is sent: each start then
 * queries the new case's clocks (which waits for that first task, as `POST /cases` does) and the delay it saw corrects
 * the limit of the next starts (a moving average), first measured on `concurrency` warm-up cases (deadline in two
 * days; they stay open). Answers the actual deadline of each case it could read.
 */
export async function startAligned(
  client: Client,
  taskQueue: string,
  ids: readonly string[],
  targetOf: (i: number) => number,
  concurrency: number,
  signal?: AbortSignal,
  progress?: (started: number) => void,
): Promise<PoolResult & { deadlines: Map<string, number>; lateStarts: number }> {
  const deadlines = new Map<string, number>();
  let delayMs = 0;
  let lateStarts = 0;
  const warmUp = newCaseIds('warm-up', Math.min(concurrency, ids.length));
  const warmTarget = Date.now() + 2 * 86_400_000;
  const delays: number[] = [];
  await runPool(
    warmUp,
    concurrency,
    async (id) => {
      const sentAt = Date.now();
      const handle = await client.workflow.start(caseWorkflow, { workflowId: id, taskQueue, args: [returnInput(id, warmTarget, sentAt)], workflowIdConflictPolicy: 'FAIL' });
      delays.push((await firstDeadline(handle, signal)) - warmTarget);
    },
    signal,
  );
  if (delays.length) delayMs = delays.reduce((a, b) => a + b, 0) / delays.length;
  const indexed = ids.map((id, i) => ({ id, i }));
  let lastReport = Date.now();
  const result = await runPool(
    indexed,
    concurrency,
    async ({ id, i }) => {
      const target = targetOf(i);
      const correction = delayMs;
      const sentAt = Date.now();
      if (sentAt + correction >= target) lateStarts++;
      const handle = await client.workflow.start(caseWorkflow, {
        workflowId: id,
        taskQueue,
        args: [returnInput(id, target - correction, sentAt)],
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      const deadline = await firstDeadline(handle, signal);
      deadlines.set(id, deadline);
      if (progress && Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        progress(deadlines.size);
      }
      // deadline = first task + limit, limit = target − correction − sentAt: so the first task came this long after the send.
      const observed = deadline - target + correction;
      delayMs = 0.8 * delayMs + 0.2 * observed;
    },
    signal,
  );
  return { ...result, deadlines, lateStarts };
}

/** The review clock's deadline once the workflow has run its first task (a query waits for it; retried until it answers). */
async function firstDeadline(handle: WorkflowHandle<typeof caseWorkflow>, signal?: AbortSignal): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      const clock = (await handle.query(getClocksQuery)).find((c) => c.name === 'merchant_review');
      if (clock) return clock.deadline;
      throw new Error(`case ${handle.workflowId} has no merchant_review clock`);
    } catch (err) {
      if (attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
