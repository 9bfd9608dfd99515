/**
 * The open cases' running deadlines, counted for the forecast: for all of them, and per owing party, role queue, clock
 * and merchant, the deadline instants kept sorted (and those warned apart), so a window's count per hour is a binary
 * search per hour and key, whatever the number of deadlines in it. Changes are gathered and merged in by `flush`, once
 * per read of the store (not while answering).
 */

/** A running deadline of an open case, with where the case sits. */
export interface DueDeadline {
  deadline: number;
  warned: boolean;
  clock: string;
  owner: string;
  merchantId: string;
  /** The role queues the case sits in (its open escalations). */
  queues: readonly string[];
}

export const NO_QUEUE = '(none)';

/** Instants, sorted; additions and removals wait for `flush`. */
export class SortedInstants {
  private instants = new Float64Array(0);
  private added: number[] = [];
  private removed: number[] = [];

  add(at: number): void {
    this.added.push(at);
  }

  remove(at: number): void {
    this.removed.push(at);
  }

  get size(): number {
    return this.instants.length;
  }

  /** How many are before `at`. */
  before(at: number): number {
    const instants = this.instants;
    let lo = 0;
    let hi = instants.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (instants[mid] < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Merges the additions in and takes the removals out, in one pass. */
  flush(): void {
    if (this.added.length === 0 && this.removed.length === 0) return;
    const kept = this.instants;
    const added = Float64Array.from(this.added).sort();
    const removed = Float64Array.from(this.removed).sort();
    const out = new Float64Array(kept.length + added.length);
    let k = 0;
    let a = 0;
    let r = 0;
    let n = 0;
    while (k < kept.length || a < added.length) {
      const at = a >= added.length || (k < kept.length && kept[k] <= added[a]) ? kept[k++] : added[a++];
      while (r < removed.length && removed[r] < at) r++;
      if (r < removed.length && removed[r] === at) r++;
      else out[n++] = at;
    }
    this.instants = out.slice(0, n);
    this.added = [];
    this.removed = [];
  }
}

export interface KeyCounts {
  due: SortedInstants;
  warned: SortedInstants;
}

const keyCounts = (): KeyCounts => ({ due: new SortedInstants(), warned: new SortedInstants() });

export type Dimension = 'owner' | 'queue' | 'clock' | 'merchant';

export class DueCounts {
  readonly all = keyCounts();
  readonly by: Record<Dimension, Map<string, KeyCounts>> = { owner: new Map(), queue: new Map(), clock: new Map(), merchant: new Map() };

  add(deadline: DueDeadline): void {
    for (const counts of this.keysOf(deadline)) {
      counts.due.add(deadline.deadline);
      if (deadline.warned) counts.warned.add(deadline.deadline);
    }
  }

  remove(deadline: DueDeadline): void {
    for (const counts of this.keysOf(deadline)) {
      counts.due.remove(deadline.deadline);
      if (deadline.warned) counts.warned.remove(deadline.deadline);
    }
  }

  /** Applies what was added and removed since the last flush; a key left with no deadline goes. */
  flush(): void {
    this.all.due.flush();
    this.all.warned.flush();
    for (const map of Object.values(this.by)) {
      for (const [key, counts] of map) {
        counts.due.flush();
        counts.warned.flush();
        if (counts.due.size === 0) map.delete(key);
      }
    }
  }

  private keysOf(deadline: DueDeadline): KeyCounts[] {
    const at = (dimension: Dimension, key: string) => {
      const map = this.by[dimension];
      let counts = map.get(key);
      if (!counts) map.set(key, (counts = keyCounts()));
      return counts;
    };
    const queues = deadline.queues.length ? deadline.queues : [NO_QUEUE];
    return [this.all, at('owner', deadline.owner), at('clock', deadline.clock), at('merchant', deadline.merchantId), ...queues.map((queue) => at('queue', queue))];
  }
}
