/**
 * Sends a command to its workflow as an update and answers what the command did, also when the command finished the
 * workflow. The server answers an update whose run completed before the update's handler answered with the failure
 * AcceptedUpdateCompletedWorkflow, although the command was accepted and took effect (a supervisor's reversal that
 * settled a statement was answered 422 that way). Such an answer is replaced by the update's own outcome recorded in
 * the run's history, or, when the handler never answered, by the run's result: every command update answers with the
 * workflow's state, and that state is also what the run returns.
 */
import crypto from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { decodeFromPayloadsAtIndex, decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { withDeadline, type TemporalCallContext } from './context';

const COMPLETED_BEFORE_UPDATE = 'AcceptedUpdateCompletedWorkflow';

export async function executeCommandUpdate<Ret, Args extends [unknown, ...unknown[]]>(
  ctx: TemporalCallContext,
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  options: { args: Args; updateId?: string },
): Promise<Ret> {
  const updateId = options.updateId ?? `cmd-${crypto.randomUUID()}`;
  try {
    return await withDeadline(ctx, () => handle.executeUpdate(update, { args: options.args, updateId }));
  } catch (err) {
    if (!completedBeforeUpdate(err)) throw err;
    return withDeadline(ctx, () => answerOfCompletedRun<Ret>(ctx, handle, updateId));
  }
}

function completedBeforeUpdate(err: unknown): boolean {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === COMPLETED_BEFORE_UPDATE;
}

async function answerOfCompletedRun<Ret>(ctx: TemporalCallContext, handle: WorkflowHandle, updateId: string): Promise<Ret> {
  const converter = ctx.temporal.options.loadedDataConverter;
  const history = await handle.fetchHistory();
  const completed = history.events?.find((e) => e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === updateId)?.workflowExecutionUpdateCompletedEventAttributes;
  if (completed?.outcome?.failure) throw new WorkflowUpdateFailedError('Workflow Update failed', await decodeOptionalFailureToOptionalError(converter, completed.outcome.failure));
  if (completed?.outcome?.success) return decodeFromPayloadsAtIndex<Ret>(converter, 0, completed.outcome.success.payloads);
  return (await handle.result()) as Ret;
}
