/**
 * The forecast read from the counts kept per key answers what a walk over every deadline in the window answers: over a
 * few thousand generated deadlines (some on an hour's boundary, at the window's edges, several per instant), after
 * batches of cases added, changed and closed, for windows that start at any instant.
 */
import { DueCounts, NO_QUEUE, type DueDeadline } from '../../activities/store/what-if/due-counts';
import { forecast, type Forecast } from '../../activities/store/what-if/forecast';
import { random } from '../support/random';

const HOUR = 3_600_000;
const FROM = Date.UTC(2026, 10, 2, 7, 13, 5);

/** The forecast walked deadline by deadline. */
function walked(deadlines: DueDeadline[], fromMs: number, hours: number): Forecast {
  const toMs = fromMs + hours * HOUR;
  const hourly = Array.from({ length: hours }, (_, i) => ({ start: fromMs + i * HOUR, due: 0, atRisk: 0 }));
  const groups = { owner: new Map(), queue: new Map(), clock: new Map(), merchant: new Map() } as Record<string, Map<string, { key: string; due: number; atRisk: number; perHour: number[] }>>;
  const add = (group: string, key: string, hour: number, warned: boolean) => {
    const rows = groups[group];
    const row = rows.get(key) ?? { key, due: 0, atRisk: 0, perHour: new Array<number>(hours).fill(0) };
    rows.set(key, row);
    row.due += 1;
    row.perHour[hour] += 1;
    if (warned) row.atRisk += 1;
  };
  for (const d of deadlines) {
    if (d.deadline < fromMs || d.deadline >= toMs) continue;
    const hour = Math.floor((d.deadline - fromMs) / HOUR);
    hourly[hour].due += 1;
    if (d.warned) hourly[hour].atRisk += 1;
    add('owner', d.owner, hour, d.warned);
    add('clock', d.clock, hour, d.warned);
    add('merchant', d.merchantId, hour, d.warned);
    for (const q of d.queues.length ? d.queues : [NO_QUEUE]) add('queue', q, hour, d.warned);
  }
  const sorted = (group: string) => [...groups[group].values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const merchants = sorted('merchant').sort((a, b) => b.due - a.due || (a.key < b.key ? -1 : 1));
  return {
    total: { due: hourly.reduce((s, h) => s + h.due, 0), atRisk: hourly.reduce((s, h) => s + h.atRisk, 0) },
    hours: hourly,
    byOwingParty: sorted('owner'),
    byQueue: sorted('queue'),
    byClock: sorted('clock'),
    byMerchant: merchants.slice(0, 50),
    merchantsOmitted: Math.max(0, merchants.length - 50),
  };
}

function generatedCase(next: () => number): DueDeadline[] {
  const queues = next() < 0.2 ? ['platform'] : next() < 0.1 ? ['platform', 'senior_agent'] : [];
  const merchantId = `m-${Math.floor(next() * 80)}`;
  return Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
    // A third on an hour's boundary from FROM, or a second off it.
    const hours = Math.floor(next() * 60) - 6;
    const deadline = next() < 0.33 ? FROM + hours * HOUR + [0, -1_000, 1_000][Math.floor(next() * 3)] : FROM + Math.floor(next() * 60 * HOUR) - 6 * HOUR;
    return { deadline, warned: next() < 0.3, clock: ['merchant_review', 'customer_ship_back', 'refund_start'][Math.floor(next() * 3)], owner: next() < 0.6 ? 'merchant' : 'customer', merchantId, queues };
  });
}

describe('the forecast from the counts kept per key', () => {
  it('answers as the walk over every deadline, after cases are added, changed and closed', () => {
    const next = random(27);
    const counts = new DueCounts();
    const cases = new Map<number, DueDeadline[]>();
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 800; i++) {
        const id = Math.floor(next() * 3_000);
        for (const d of cases.get(id) ?? []) counts.remove(d);
        if (next() < 0.2) {
          cases.delete(id);
          continue;
        }
        const deadlines = generatedCase(next);
        for (const d of deadlines) counts.add(d);
        cases.set(id, deadlines);
      }
      counts.flush();
      const all = [...cases.values()].flat();
      for (const [from, hours] of [[FROM, 24], [FROM - 1_000, 24], [FROM + 37 * 60_000, 48], [FROM + 10 * HOUR, 1], [FROM - 12 * HOUR, 168]]) {
        expect(forecast(counts, from, hours)).toEqual(walked(all, from, hours));
      }
    }
    expect(forecast(counts, FROM, 24).total.due).toBeGreaterThan(500);
  });

  it('drops a key whose deadlines are all gone', () => {
    const counts = new DueCounts();
    const deadline: DueDeadline = { deadline: FROM + HOUR, warned: true, clock: 'merchant_review', owner: 'merchant', merchantId: 'm-1', queues: [] };
    counts.add(deadline);
    counts.flush();
    expect([...counts.by.merchant.keys()]).toEqual(['m-1']);
    counts.remove(deadline);
    counts.flush();
    expect(counts.by.merchant.size).toBe(0);
    expect(forecast(counts, FROM, 24).total).toEqual({ due: 0, atRisk: 0 });
  });
});
