/**
 * Every patched() id of the settlement workflows, with what it changed. Histories recorded before a patch (no marker)
 * replay the old path; test/replay/settlement-histories holds recordings of both sides.
 */

/**
 * patched() id of a statement that settles only once its handlers finished: a supervisor's last decision (its reversal
 * entry and save) answers before the run completes. Histories from before went on at once (`allHandlersFinished()` was
 * awaited as if it were a promise), so a courier or warehouse statement could complete before the decision answered and
 * the caller got AcceptedUpdateCompletedWorkflow.
 */
export const STATEMENT_HANDLERS_FINISHED_PATCH = 'statement-handlers-finished';
