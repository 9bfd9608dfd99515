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

/** How long the API asks Temporal whether it took the work, once the work's own answer is late. */
const ACCEPTED_CHECK_MS = 2000;

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
export async function startedWith(ctx: CaseApiContext, caseId: string): Promise<{ requestHash?: unknown } | undefined> {
  try {
    const description = await withDeadline(ctx, () => ctx.temporal.workflow.getHandle(caseId).describe(), ACCEPTED_CHECK_MS);
    return { requestHash: description.memo?.requestHash };
  } catch {
    return undefined;
  }
}

/** Temporal holds the update (admitted or further): the command will run through the workflow's validator and handler. */
export async function updateAdmitted(ctx: CaseApiContext, caseId: string, updateId: string): Promise<boolean> {
  try {
    await withDeadline(
      ctx,
      () =>
        ctx.temporal.workflowService.pollWorkflowExecutionUpdate({
          namespace: ctx.temporal.options.namespace,
          updateRef: { workflowExecution: { workflowId: caseId }, updateId },
          identity: ctx.temporal.options.identity,
          waitPolicy: { lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED },
        }),
      ACCEPTED_CHECK_MS,
    );
    return true;
  } catch {
    return false;
  }
}
