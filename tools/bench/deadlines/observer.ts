/**
 * Watches the case worker's projection writes (wrapping its `projectCase` activity): when a write resolves, the store
 * holds that version of the case or a newer one, so the wall-clock instant a breach became visible to supervisors is
 * known per case without polling the store.
 */
import type { CaseActivities } from '../../../workflows/case/activities';
import type { CaseView } from '../../../workflows/domain/case';

export const REVIEW_CLOCK = 'merchant_review';

export interface CaseMarks {
  /** Highest version the store was seen to hold. */
  storedVersion: number;
  /** First instant (wall clock, ms) the store held the case awaiting merchant review with its clock running. */
  openStoredAt?: number;
  /** The review clock's deadline and breach instant (workflow time), as projected. */
  deadline?: number;
  breachedAt?: number;
  /** First instant (wall clock, ms) the store held the case with its review clock breached. */
  breachStoredAt?: number;
}

export class ProjectionObserver {
  readonly marks = new Map<string, CaseMarks>();

  readonly wrap = (activities: CaseActivities): CaseActivities => ({
    ...activities,
    projectCase: async (view: CaseView) => {
      const outcome = await activities.projectCase(view);
      this.stored(view, Date.now());
      return outcome;
    },
  });

  private stored(view: CaseView, at: number): void {
    const marks = this.marks.get(view.caseId) ?? { storedVersion: 0 };
    this.marks.set(view.caseId, marks);
    marks.storedVersion = Math.max(marks.storedVersion, view.version);
    const clock = view.clocks?.find((c) => c.name === REVIEW_CLOCK);
    if (clock) marks.deadline = clock.deadline;
    if (clock?.status === 'running' && marks.openStoredAt === undefined) marks.openStoredAt = at;
    if (clock?.status === 'breached') {
      marks.breachedAt ??= clock.breachedAt;
      marks.breachStoredAt ??= at;
    }
  }

  /** Cases of `ids` for which `done` holds. */
  count(ids: readonly string[], done: (m: CaseMarks) => boolean): number {
    let n = 0;
    for (const id of ids) {
      const m = this.marks.get(id);
      if (m && done(m)) n++;
    }
    return n;
  }

  /** Resolves once `done` holds for every id, or at `until` (epoch ms); answers how many it holds for. Checks every 250 ms. */
  async waitFor(ids: readonly string[], done: (m: CaseMarks) => boolean, until: number, progress?: (n: number) => void, signal?: AbortSignal): Promise<number> {
    let lastReport = 0;
    for (;;) {
      signal?.throwIfAborted();
      const n = this.count(ids, done);
      if (n === ids.length || Date.now() >= until) return n;
      if (progress && Date.now() - lastReport >= 10_000) {
        progress(n);
        lastReport = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
