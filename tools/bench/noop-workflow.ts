/**
 * The bench's no-op workflow, the baseline for "start a case": it starts, registers a signal handler and waits for
 * `finish`, so it stays open like a case but does no work (no activity, no timer). Only the bench worker runs it, on
 * its own task queue; it is not part of the case worker's bundle.
 */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const finishSignal = defineSignal('finish');

export async function benchNoopWorkflow(): Promise<void> {
  let finished = false;
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
}
