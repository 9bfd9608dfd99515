/**
 * patched() for the case workflow, answered by one marker for every patch of patches.ts when the run recorded
 * PATCHES_BASELINE. Each marker costs a history event and, added by Temporal's Core, an upsert of the
 * TemporalChangeVersion search attribute (a visibility write): a return passed five patches, its first workflow task
 * four. A run that opened before the baseline checks each patch where it did.
 */
import { IllegalStateError, patched } from '@temporalio/workflow';
import { PATCHES_BASELINE } from './patches';
import { runFlag, setRunFlag } from './run-flags';

const BASELINE = 'patchesBaseline';

/**
 * The first thing a run does. Checked once: later in a run that opened before it, patched() would answer true (it
 * answers false only while replaying) and record the marker in the middle of the history.
 */
export function checkPatchesBaseline(): void {
  setRunFlag(BASELINE, patched(PATCHES_BASELINE));
}

/** Whether the run takes the patched path of `patchId` (one of patches.ts, older than PATCHES_BASELINE). */
export function patchApplied(patchId: string): boolean {
  const baseline = runFlag(BASELINE);
  if (baseline === undefined) throw new IllegalStateError('checkPatchesBaseline() must run before a patch is checked');
  return baseline || patched(patchId);
}
