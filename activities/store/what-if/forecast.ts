/**
 * Deadlines coming due: every running clock of an open case whose deadline falls in a window, counted per hour of the
 * window, per owing party, role queue, clock and merchant, with how many are at risk (warned, not satisfied). Pure: read
 * from the counts kept per key (due-counts.ts), a binary search per hour and key.
 */
import { byKey } from '../reports/stats';
import type { DueCounts, KeyCounts, SortedInstants } from './due-counts';

const MERCHANTS_SHOWN = 50;
const HOUR_MS = 3_600_000;

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

/** How many of `counts` fall in each hour of the window: `bounds` are the hours' starts and the window's end. */
function perHour(counts: SortedInstants, bounds: readonly number[]): number[] {
  const out = new Array<number>(bounds.length - 1);
  let before = counts.before(bounds[0]);
  for (let h = 1; h < bounds.length; h++) {
    const next = counts.before(bounds[h]);
    out[h - 1] = next - before;
    before = next;
  }
  return out;
}

/** The keys with a deadline in the window, by key. */
function rows(map: Map<string, KeyCounts>, bounds: readonly number[]): ForecastRow[] {
  const from = bounds[0];
  const to = bounds[bounds.length - 1];
  const out: ForecastRow[] = [];
  for (const [key, counts] of byKey(map)) {
    const due = counts.due.before(to) - counts.due.before(from);
    if (due === 0) continue;
    out.push({ key, due, atRisk: counts.warned.before(to) - counts.warned.before(from), perHour: perHour(counts.due, bounds) });
  }
  return out;
}

export function forecast(counts: DueCounts, fromMs: number, hours: number): Forecast {
  const bounds = Array.from({ length: hours + 1 }, (_, h) => fromMs + h * HOUR_MS);
  const due = perHour(counts.all.due, bounds);
  const atRisk = perHour(counts.all.warned, bounds);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const merchants = rows(counts.by.merchant, bounds).sort((a, b) => b.due - a.due || (a.key < b.key ? -1 : 1));
  return {
    total: { due: sum(due), atRisk: sum(atRisk) },
    hours: due.map((d, i) => ({ start: bounds[i], due: d, atRisk: atRisk[i] })),
    byOwingParty: rows(counts.by.owner, bounds),
    byQueue: rows(counts.by.queue, bounds),
    byClock: rows(counts.by.clock, bounds),
    byMerchant: merchants.slice(0, MERCHANTS_SHOWN),
    merchantsOmitted: Math.max(0, merchants.length - MERCHANTS_SHOWN),
  };
}
