/**
 * Deadlines coming due: every running clock of an open case whose deadline falls in a window, counted per hour of the
 * window, per owing party, role queue, clock and merchant, with how many are at risk (warned, not satisfied). Pure.
 */
import { byKey } from '../reports/stats';

const NO_QUEUE = '(none)';
const MERCHANTS_SHOWN = 50;
const HOUR_MS = 3_600_000;

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

export interface Bucket {
  due: number;
  atRisk: number;
}

export interface ForecastRow extends Bucket {
  key: string;
  /** Due per hour of the window (index 0: the first hour). */
  perHour: number[];
}

export interface Forecast {
  total: Bucket;
  hours: Array<Bucket & { start: number }>;
  byOwingParty: ForecastRow[];
  byQueue: ForecastRow[];
  byClock: ForecastRow[];
  /** The merchants with the most deadlines due, at most 50; merchantsOmitted says how many more there are. */
  byMerchant: ForecastRow[];
  merchantsOmitted: number;
}

class Rows {
  private readonly map = new Map<string, ForecastRow>();
  constructor(private readonly hours: number) {}

  add(key: string, hour: number, atRisk: boolean): void {
    let row = this.map.get(key);
    if (!row) this.map.set(key, (row = { key, due: 0, atRisk: 0, perHour: new Array<number>(this.hours).fill(0) }));
    row.due += 1;
    row.perHour[hour] += 1;
    if (atRisk) row.atRisk += 1;
  }

  sorted(): ForecastRow[] {
    return byKey(this.map).map(([, row]) => row);
  }
}

/** The first index of `sorted` (by deadline) whose deadline is at or after `at`. */
function firstAtOrAfter(sorted: readonly DueDeadline[], at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].deadline < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `sorted`: every running deadline, by deadline; only those in the window are read. */
export function forecast(sorted: readonly DueDeadline[], fromMs: number, hours: number): Forecast {
  const toMs = fromMs + hours * HOUR_MS;
  const total: Bucket = { due: 0, atRisk: 0 };
  const perHour: Bucket[] = Array.from({ length: hours }, () => ({ due: 0, atRisk: 0 }));
  const rows = { owner: new Rows(hours), queue: new Rows(hours), clock: new Rows(hours), merchant: new Rows(hours) };
  for (let i = firstAtOrAfter(sorted, fromMs); i < sorted.length && sorted[i].deadline < toMs; i++) {
    const due = sorted[i];
    const hour = Math.floor((due.deadline - fromMs) / HOUR_MS);
    const atRisk = due.warned;
    total.due += 1;
    perHour[hour].due += 1;
    if (atRisk) {
      total.atRisk += 1;
      perHour[hour].atRisk += 1;
    }
    rows.owner.add(due.owner, hour, atRisk);
    rows.clock.add(due.clock, hour, atRisk);
    rows.merchant.add(due.merchantId, hour, atRisk);
    for (const queue of due.queues.length ? due.queues : [NO_QUEUE]) rows.queue.add(queue, hour, atRisk);
  }
  const merchants = rows.merchant.sorted().sort((a, b) => b.due - a.due || (a.key < b.key ? -1 : 1));
  return {
    total,
    hours: perHour.map((b, i) => ({ start: fromMs + i * HOUR_MS, ...b })),
    byOwingParty: rows.owner.sorted(),
    byQueue: rows.queue.sorted(),
    byClock: rows.clock.sorted(),
    byMerchant: merchants.slice(0, MERCHANTS_SHOWN),
    merchantsOmitted: Math.max(0, merchants.length - MERCHANTS_SHOWN),
  };
}
