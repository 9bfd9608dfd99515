/** An update sent to many cases at once (bulk assignment, a calendar year applied): each case answers for itself. */
import type { WorkflowHandle } from '@temporalio/client';
import { withDeadline, type CaseApiContext } from './context';
import { isWorkflowNotFound, refusalProblem } from './errors';

/** Updates in flight at once. */
const CONCURRENCY = 8;

export type CaseOutcome<R> = { caseId: string; ok: true; value: R } | { caseId: string; ok: false; error: { status: number; code: string; detail: string } };

/** Sends `send` to each case, at most a few at a time; each outcome is its answer, or its error as the API would answer it alone. */
export function sendToEach<R>(ctx: CaseApiContext, caseIds: readonly string[], send: (handle: WorkflowHandle) => Promise<R>): Promise<CaseOutcome<R>[]> {
  return mapBounded(caseIds, CONCURRENCY, async (caseId): Promise<CaseOutcome<R>> => {
    try {
      return { caseId, ok: true, value: await withDeadline(ctx, () => send(ctx.temporal.workflow.getHandle(caseId))) };
    } catch (err) {
      if (isWorkflowNotFound(err)) return { caseId, ok: false, error: { status: 404, code: 'case_not_found', detail: 'no open case with this id' } };
      const refusal = refusalProblem(err);
      if (refusal) return { caseId, ok: false, error: { status: refusal.status, code: refusal.code, detail: refusal.detail ?? refusal.title } };
      return { caseId, ok: false, error: { status: 503, code: 'dependency_unavailable', detail: err instanceof Error ? err.message : String(err) } };
    }
  });
}

/** Runs `fn` over `items` with at most `limit` at a time; results in the order of `items`. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
