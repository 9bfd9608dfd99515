/**
 * `npm run bench:what-if`: the what-if simulation over WHAT_IF_CASES (default 100,000) recorded cases and the deadline
 * forecast at as many open cases, in FerretDB on PostgreSQL over a temporary directory, through the API over real HTTP
 * (the express app in this process). The store is seeded directly with clock histories of the shape the worker projects
 * (toClockHistory of a view): returns through review, ship-back, inspection and refund, feedback tickets with a priority
 * change, some paused by a supervisor. Prints one table (wall time, and the CPU time of this process, where the API
 * runs) with the load average beside it; asserts nothing.
 */
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { percentile } from '../../activities/store/reports/stats';
import type { ClockHistory, RecordedClock } from '../../activities/store/what-if/clock-history';
import { clockHistoryModel, toClockHistoryDocument } from '../../activities/store/what-if/history-store';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { startDevMongo } from '../../test/support/servers';

const CASES = Number(process.env.WHAT_IF_CASES ?? 100_000);
const SIMULATIONS = Number(process.env.WHAT_IF_SIMULATIONS ?? 5);
const FORECASTS = Number(process.env.WHAT_IF_FORECASTS ?? 200);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RANGE_START = Date.UTC(2026, 8, 1);
const RANGE_DAYS = 60;
const SEED_BATCH = 2_000;

const clock = (name: string, owner: string, startedAt: number, limitMs: number, doneAfter: number | undefined, breachAction: string): RecordedClock => {
  const deadline = startedAt + limitMs;
  if (doneAfter === undefined) return { name, owner, status: 'breached', startedAt, deadline, warned: true, breachAction, breachedAt: deadline };
  const doneAt = startedAt + doneAfter;
  return doneAt <= deadline
    ? { name, owner, status: 'satisfied', startedAt, deadline, warned: doneAfter > limitMs / 2, breachAction, satisfiedAt: doneAt }
    : { name, owner, status: 'breached', startedAt, deadline, warned: true, breachAction, breachedAt: deadline, satisfiedAt: doneAt };
};

/** A recorded return (3 of 4) or feedback ticket, closed; i spreads merchants, timings and pauses. */
function recordedCase(i: number): ClockHistory {
  const openedAt = RANGE_START + (i % RANGE_DAYS) * DAY + ((i * 7_919) % DAY);
  const base = { caseId: `case-whatif-${String(i).padStart(7, '0')}`, version: 12, openedAt, merchantId: `merchant-${i % 200}`, category: 'kitchen', policyVersion: '2026.3', events: [], queues: [], priorityChanges: [] };
  const spread = (k: number) => ((i * k) % 97) / 97;
  if (i % 4 === 3) {
    const registered = openedAt + spread(13) * 40 * 60_000;
    return {
      ...base,
      kind: 'feedback',
      closedAt: openedAt + 3 * DAY,
      priorityChanges: [{ at: registered, priority: i % 3 === 0 ? 'urgent' : 'normal' }],
      clocks: [clock('registration', 'agent', openedAt, 30 * 60_000, registered - openedAt, 'alert_cs_lead'), clock('first_response', 'agent', openedAt, 24 * HOUR, spread(17) * 30 * HOUR, 'escalate_to_senior_agent')],
    };
  }
  const review = clock('merchant_review', 'merchant', openedAt, 48 * HOUR, i % 11 === 0 ? undefined : spread(19) * 60 * HOUR, 'approve');
  const approvedAt = review.satisfiedAt ?? review.breachedAt!;
  const shipBack = clock('customer_ship_back', 'customer', approvedAt, 7 * DAY, i % 13 === 0 ? undefined : spread(23) * 8 * DAY, 'close_abandoned');
  const clocks = [review, shipBack];
  const paused = i % 9 === 0;
  if (shipBack.satisfiedAt !== undefined) {
    const inspection = clock('merchant_inspection', 'merchant', shipBack.satisfiedAt + 2 * DAY, 48 * HOUR, spread(29) * 55 * HOUR, 'deem_accepted');
    const refundAt = (inspection.satisfiedAt ?? inspection.breachedAt!) + HOUR;
    clocks.push(inspection, clock('refund_start', 'merchant', refundAt, 3 * DAY, spread(31) * 4 * DAY, 'refund_on_behalf_of_merchant'));
  }
  return {
    ...base,
    kind: 'return',
    closedAt: openedAt + 20 * DAY,
    clocks,
    ...(paused && {
      events: [
        { at: openedAt + HOUR, clock: 'merchant_review', type: 'pause' as const, role: 'supervisor' },
        { at: openedAt + 5 * HOUR, clock: 'merchant_review', type: 'resume' as const, role: 'supervisor' },
      ],
    }),
  };
}

/** An open case with one or two running deadlines over the coming week; a third warned. */
function openCase(i: number, now: number): ClockHistory {
  const openedAt = now - ((i * 31) % 5) * DAY - HOUR;
  const deadline = now + ((i * 7_919) % (7 * DAY));
  const running = (name: string, owner: string, at: number): RecordedClock => ({ name, owner, status: 'running', startedAt: openedAt, deadline: at, warned: i % 3 === 0, breachAction: 'approve' });
  return {
    caseId: `case-open-${String(i).padStart(7, '0')}`,
    version: 4,
    kind: 'return',
    openedAt,
    merchantId: `merchant-${i % 200}`,
    policyVersion: '2026.3',
    priorityChanges: [],
    events: [],
    queues: i % 10 === 0 ? ['platform'] : [],
    clocks: i % 2 === 0 ? [running('merchant_review', 'merchant', deadline)] : [running('customer_ship_back', 'customer', deadline), running('refund_start', 'merchant', deadline + 3 * HOUR)],
  };
}

async function seed(store: Awaited<ReturnType<typeof openStore>>, make: (i: number) => ClockHistory, projectedAt: Date): Promise<number> {
  const started = performance.now();
  for (let start = 0; start < CASES; start += SEED_BATCH) {
    const docs = Array.from({ length: Math.min(SEED_BATCH, CASES - start) }, (_, k) => ({ ...toClockHistoryDocument(make(start + k)), projectedAt }));
    await clockHistoryModel(store).collection.insertMany(docs as never[], { ordered: false });
  }
  return performance.now() - started;
}

/** CPU time of 10^8 integer additions: how fast this machine's cores are while the bench runs (a 2020s core: ~0.1 s). */
function calibration(): number {
  const cpu = process.cpuUsage();
  let sum = 0;
  for (let i = 0; i < 1e8; i++) sum += i;
  const used = process.cpuUsage(cpu);
  if (sum < 0) throw new Error('unreachable');
  return (used.user + used.system) / 1000;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${ms.toFixed(1)} ms`;
const load = () => os.loadavg()[0].toFixed(1);

async function main(): Promise<void> {
  const mongo = await startDevMongo('what_if_bench');
  const store = await openStore(mongo.uri);
  const rows: string[][] = [];
  const row = (figure: string, value: string, cpu: string, goal: string, samples: number, loadBefore: string) => rows.push([figure, value, cpu, goal, String(samples), `${loadBefore} → ${load()}`]);
  try {
    await syncCaseIndexes(store);
    const now = Date.now();
    let before = load();
    row('calibration: 10^8 additions', '', seconds(calibration()), '', 1, before);
    before = load();
    // Written ten minutes ago: the recorded cases are past the packing's one-minute lag.
    row(`seed ${CASES} recorded cases`, seconds(await seed(store, recordedCase, new Date(now - 10 * 60_000))), '', '', 1, before);
    before = load();
    row(`seed ${CASES} open cases`, seconds(await seed(store, (i) => openCase(i, now), new Date(now - 10 * 60_000))), '', '', 1, before);

    const server = createApp({ temporal: {} as Client, store, taskQueue: 'what-if-bench', policy: loadPolicy({}), apiKeys: DEV_API_KEYS }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The API runs in this process: its CPU time is this process's, which other jobs on the machine do not inflate.
    const call = async (path: string, init: RequestInit = {}) => {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const res = await fetch(`${base}${path}`, { ...init, headers: { Authorization: 'Bearer dev-admin-key', 'Content-Type': 'application/json', ...init.headers } });
      const body = (await res.json()) as Record<string, unknown>;
      if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
      const used = process.cpuUsage(cpu);
      return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, body };
    };
    await call('/admin/policies', { method: 'POST', body: JSON.stringify({ version: 'bench-short', reason: 'bench', policy: { merchantReviewReminder: { hours: 12 }, merchantReviewTimeout: { hours: 24 } } }) });

    const range = JSON.stringify({ from: new Date(RANGE_START).toISOString().slice(0, 10), to: new Date(RANGE_START + (RANGE_DAYS - 1) * DAY).toISOString().slice(0, 10) });
    const simulate = () => call('/admin/policies/bench-short/simulate', { method: 'POST', body: range });
    before = load();
    const first = await simulate();
    if (first.body.cases !== CASES) throw new Error(`simulated ${String(first.body.cases)} cases, not ${CASES}`);
    row(`simulate ${CASES} cases, first (packs them)`, seconds(first.ms), seconds(first.cpuMs), '', 1, before);
    before = load();
    const simulations = [];
    for (let s = 0; s < SIMULATIONS; s++) simulations.push(await simulate());
    const simulationMs = simulations.map((r) => r.ms);
    const simulationCpu = simulations.map((r) => r.cpuMs);
    row(`simulate ${CASES} cases p50`, seconds(percentile(simulationMs, 50)!), seconds(percentile(simulationCpu, 50)!), '≤ 5 s', SIMULATIONS, before);
    row(`simulate ${CASES} cases max`, seconds(Math.max(...simulationMs)), seconds(Math.max(...simulationCpu)), '≤ 5 s', SIMULATIONS, '');

    before = load();
    const firstForecast = await call('/supervisor/forecast');
    row(`forecast at ${CASES} open cases, first (loads them)`, seconds(firstForecast.ms), seconds(firstForecast.cpuMs), '', 1, before);
    before = load();
    const forecasts = [];
    for (let s = 0; s < FORECASTS; s++) forecasts.push(await call('/supervisor/forecast'));
    const forecastMs = forecasts.map((r) => r.ms);
    const forecastCpu = forecasts.map((r) => r.cpuMs);
    row(`forecast at ${CASES} open cases p50`, millis(percentile(forecastMs, 50)!), millis(percentile(forecastCpu, 50)!), '', FORECASTS, before);
    row(`forecast at ${CASES} open cases p99`, millis(percentile(forecastMs, 99)!), millis(percentile(forecastCpu, 99)!), '≤ 100 ms', FORECASTS, '');
    before = load();
    row('calibration: 10^8 additions', '', seconds(calibration()), '', 1, before);
    console.log(`forecast: ${(firstForecast.body.total as { due: number }).due} deadlines due in the next 24 h`);
    server.close();
  } finally {
    await store.close();
    await mongo.stop();
  }
  const table = [['figure', 'wall time', 'API CPU', 'goal', 'samples', 'load average (1 min) before → after'], ...rows];
  const widths = table[0].map((_, col) => Math.max(...table.map((r) => r[col].length)));
  for (const [i, r] of table.entries()) {
    console.log(r.map((c, col) => c.padEnd(widths[col])).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log(`${os.cpus().length} cores`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
