/**
 * One search-attribute upsert per workflow activation. The projector upserts once per microtask round that changed the
 * case (projector.ts), and one activation can take a case through several rounds. This workflow interceptor (bundled
 * by worker/workflow-bundle.ts) merges a run's upsert commands of one activation into the first of them, each attribute
 * with its last value, once the run has asked for it (SEARCH_ATTRIBUTES_PER_ACTIVATION_PATCH); a history recorded
 * before replays its upserts one by one.
 */
import type { ConcludeActivationInput, WorkflowInterceptors } from '@temporalio/workflow';
import { runFlag, setRunFlag } from './run-flags';

type Commands = ConcludeActivationInput['commands'];

const MERGING = 'upsertsMergedPerActivation';

/** From now on this run's upserts of one activation go out as one command. */
export function mergeUpsertsPerActivation(): void {
  setRunFlag(MERGING, true);
}

/** The commands with every upsert merged into the first one; attributes upserted later override earlier values. */
export function mergeUpserts(commands: Commands): Commands {
  const upserts = commands.filter((c) => c.upsertWorkflowSearchAttributes);
  if (upserts.length < 2) return commands;
  const indexedFields = Object.assign({}, ...upserts.map((c) => c.upsertWorkflowSearchAttributes!.searchAttributes?.indexedFields));
  const merged = { ...upserts[0], upsertWorkflowSearchAttributes: { searchAttributes: { indexedFields } } };
  return commands.filter((c) => c === upserts[0] || !c.upsertWorkflowSearchAttributes).map((c) => (c === upserts[0] ? merged : c));
}

export const interceptors = (): WorkflowInterceptors => ({
  internals: [{ concludeActivation: (input, next) => next(runFlag(MERGING) ? { commands: mergeUpserts(input.commands) } : input) }],
});
