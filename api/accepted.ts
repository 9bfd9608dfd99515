/**
 * Overload answered as accepted: a create or command that Temporal took, but whose first answer did not come within the
 * API's bound, is answered 202 with the case id and a Location to poll, never 503 for work that will happen. A 503
 * stays for what Temporal did not take.
 */
import { temporal } from '@temporalio/proto';
import type { Response } from 'express';
import { z } from 'zod';
import { withDeadline, type CaseApiContext } from './context';
import { isUnavailable } from './errors';

/**
 * How long the API asks Temporal whether it took the work, once the work's own answer is late. A busy server can take
 * seconds to answer a describe, and a start still being written is not found yet: asked again until this is up.
 */
const ACCEPTED_CHECK_MS = 5000;
const ASK_AGAIN_MS = 250;

export const AcceptedDoc = z
  .object({
    caseId: z.string(),
    status: z.literal('accepted'),
    detail: z.string(),
    updateId: z.string().optional().openapi({ description: 'The command’s workflow update, when a command was accepted' }),
  })
  .openapi('Accepted');

/** The 202 answer's documentation, for a route's `responses`. */
export const acceptedResponse = (what: string) => ({
  description: `${what} was accepted by Temporal, but its first answer did not come within the API’s bound (10 s): it will happen; read the case at Location (a retry with the same Idempotency-Key answers its result)`,
  headers: z.object({ Location: z.string().openapi({ description: 'The case, e.g. /cases/case-…', example: '/cases/case-0123456789abcdef01234567' }) }),
  content: { 'application/json': { schema: AcceptedDoc } },
});

export function answerAccepted(res: Response, caseId: string, detail: string, updateId?: string): void {
  res
    .status(202)
    .location(`/cases/${caseId}`)
    .set('Retry-After', '2')
    .json({ caseId, status: 'accepted', detail, ...(updateId && { updateId }) });
}

/** Whether `err` is a late answer (deadline, transport) rather than a refusal: only then is it worth asking Temporal. */
export const isLateAnswer = (err: unknown) => isUnavailable(err);

/** The case's workflow exists: the start was taken (its memo says with which request). */
export function startedWith(ctx: CaseApiContext, caseId: string): Promise<{ requestHash?: unknown } | undefined> {
  return askUntil(async (remainingMs) => {
    const description = await withDeadline(ctx, () => ctx.temporal.workflow.getHandle(caseId).describe(), remainingMs);
    return { requestHash: description.memo?.requestHash };
  });
}

/**
 * The workflow accepted the update (its validator passed and the acceptance is in the history): its handler will run
 * to completion. An update only admitted (no worker has seen it yet) is not durable: a restart of the server or a
 * failed workflow task loses it (npm run faults lost one ship-back that way), so it is not called accepted.
 */
export async function updateAccepted(ctx: CaseApiContext, caseId: string, updateId: string): Promise<boolean> {
  const accepted = await askUntil(async (remainingMs) => {
    await withDeadline(
      ctx,
      () =>
        ctx.temporal.workflowService.pollWorkflowExecutionUpdate({
          namespace: ctx.temporal.options.namespace,
          updateRef: { workflowExecution: { workflowId: caseId }, updateId },
          identity: ctx.temporal.options.identity,
          waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED },
        }),
      remainingMs,
    );
    return true;
  });
  return accepted === true;
}

/** Asks until an answer or ACCEPTED_CHECK_MS is up; undefined when Temporal never said yes. */
async function askUntil<T>(ask: (remainingMs: number) => Promise<T>): Promise<T | undefined> {
  const until = Date.now() + ACCEPTED_CHECK_MS;
  for (;;) {
    const remainingMs = until - Date.now();
    if (remainingMs <= 0) return undefined;
    try {
      return await ask(remainingMs);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, Math.min(ASK_AGAIN_MS, Math.max(0, until - Date.now()))));
    }
  }
}
