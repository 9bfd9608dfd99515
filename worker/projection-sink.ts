/**
 * The store projection as a sink: the workflow hands each new version of a case to the worker as its workflow task
 * completes (workflows/case/projector.ts), with no activity and no history event. The worker finishes the activation
 * only once the write is done or `waitMs` has passed, so normally the store holds a version before Temporal records
 * the task that made it (hence each write's history length: a task that is not recorded runs again, later, and its
 * version replaces the first one); a write the store does not take in time goes on in the background, retried until
 * it lands or a newer version of the case replaces it. The last version of a run still goes through an activity, so a case's
 * final state reaches the store durably even if this process dies with writes pending.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { CaseView } from '../workflows/domain/case';
import type { CaseStoreSinks } from '../workflows/case/store-sink';
import { isLater, type Stamp } from '../activities/store/projection-writer';

export interface ProjectionDeliveryOptions {
  /** How long a workflow task's completion waits for its write. */
  waitMs?: number;
  /** First and longest pause between the attempts of a write the store refused. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Told when a write first fails (it is retried until it lands or a newer version of the case replaces it). */
  onFailure?: (view: CaseView, err: unknown) => void;
  /** Told how long each workflow task's completion waited for its write. */
  onWaited?: (ms: number) => void;
}

export class ProjectionDelivery {
  /** Per case with a write under way: the latest version handed over and how many of its writes are under way. */
  private readonly cases = new Map<string, { latest: Stamp; writes: number }>();
  private readonly underWay = new Set<Promise<void>>();
  private readonly waitMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly project: (view: CaseView, historyLength: number) => Promise<unknown>,
    private readonly options: ProjectionDeliveryOptions = {},
  ) {
    this.waitMs = options.waitMs ?? 200;
    this.retryInitialMs = options.retryInitialMs ?? 1000;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
  }

  /**
   * Resolves once the view is written or `waitMs` has passed (the write then goes on). `historyLength`: where in its
   * history the version was made (a retried workflow task makes the same version again, later).
   */
  deliver(view: CaseView, historyLength: number): Promise<void> {
    const made = { version: view.version, historyLength };
    const known = this.cases.get(view.caseId);
    if (known && !isLater(made, known.latest)) return Promise.resolve();
    const entry = known ?? { latest: made, writes: 0 };
    entry.latest = made;
    entry.writes += 1;
    this.cases.set(view.caseId, entry);
    const write = this.writeUntilDone(view, made).finally(() => {
      this.underWay.delete(write);
      if (--entry.writes === 0) this.cases.delete(view.caseId);
    });
    this.underWay.add(write);
    const since = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.waitMs)));
    return Promise.race([write, waited]).finally(() => {
      clearTimeout(timer);
      this.options.onWaited?.(performance.now() - since);
    });
  }

  /** Writes still under way. */
  get pending(): number {
    return this.underWay.size;
  }

  /** Waits for the writes under way, at most `timeoutMs` (a shutting-down worker gives them a last chance). */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.allSettled([...this.underWay]), timeout]).finally(() => clearTimeout(timer));
  }

  private async writeUntilDone(view: CaseView, made: Stamp): Promise<void> {
    for (let pause = this.retryInitialMs; ; pause = Math.min(pause * 2, this.retryMaxMs)) {
      try {
        await this.project(view, made.historyLength);
        return;
      } catch (err) {
        if (pause === this.retryInitialMs) this.options.onFailure?.(view, err);
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      if (isLater(this.cases.get(view.caseId)!.latest, made)) return;
    }
  }
}

/** The sink the case workflow calls; never during replay, when the versions it hands over were written before. */
export function caseStoreSinks(delivery: ProjectionDelivery): InjectedSinks<CaseStoreSinks> {
  return { caseStore: { project: { fn: (_info, view, historyLength) => delivery.deliver(view, historyLength), callDuringReplay: false } } };
}

