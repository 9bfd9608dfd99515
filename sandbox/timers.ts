/**
 * Cancellable timers for injected delays and held ("timeout") responses. Every pending wait is
 * tracked so that reset/close can release them at once and nothing keeps a test process alive.
 */

export type WaitOutcome = 'elapsed' | 'aborted' | 'cancelled';

export interface PendingWait {
  /** Resolves with 'elapsed' when the time is up, 'aborted' after abort(), 'cancelled' after cancelAll(). */
  readonly done: Promise<WaitOutcome>;
  /** Ends this wait early (e.g. the client went away). */
  abort(): void;
}

export class PendingTimers {
  private readonly pending = new Set<(outcome: WaitOutcome) => void>();

  wait(ms: number): PendingWait {
    let settle!: (outcome: WaitOutcome) => void;
    const done = new Promise<WaitOutcome>((resolve) => {
      const timer = setTimeout(() => settle('elapsed'), Math.max(0, ms));
      timer.unref();
      settle = (outcome) => {
        if (!this.pending.delete(settle)) return;
        clearTimeout(timer);
        resolve(outcome);
      };
      this.pending.add(settle);
    });
    return { done, abort: () => settle('aborted') };
  }

  get size(): number {
    return this.pending.size;
  }

  /** Releases every pending wait with 'cancelled'. */
  cancelAll(): void {
    for (const settle of [...this.pending]) settle('cancelled');
  }
}
