/**
 * `npm run bench:what-if`: the what-if simulation over WHAT_IF_CASES (default 100,000) recorded cases and the deadline
 * forecast at as many open cases, in FerretDB on PostgreSQL over a temporary directory, through the API over real HTTP
 * (the express app in this process). The store is seeded directly with clock histories of the shape the worker projects
 * (toClockHistory of a view): returns through review, ship-back, inspection and refund, feedback tickets with a priority
 * change, some paused by a supervisor. The recorded cases are packed first, as the clock-history-packing schedule does in
 * the worker (timed apart: no simulation packs). Prints one table (wall time, and the CPU time of this process, where the API
 * runs) with the load average beside it; asserts nothing.
 */
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { percentile } from '../../activities/store/reports/stats';
import type { ClockHistory } from '../../activities/store/what-if/clock-history';
import { clockHistoryModel, packClosedHistories, toClockHistoryDocument } from '../../activities/store/what-if/history-store';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { startDevMongo } from '../../test/support/servers';
import { DAY, openCase, RANGE_DAYS, RANGE_START, recordedCase } from './what-if-cases';

const CASES = Number(process.env.WHAT_IF_CASES ?? 100_000);
const SIMULATIONS = Number(process.env.WHAT_IF_SIMULATIONS ?? 5);
const FORECASTS = Number(process.env.WHAT_IF_FORECASTS ?? 200);
const SEED_BATCH = 2_000;

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
    // What the clock-history-packing schedule's activity does in the worker, off the request path.
    before = load();
    const packStarted = performance.now();
    const packCpu = process.cpuUsage();
    await packClosedHistories(store);
    const packCpuUsed = process.cpuUsage(packCpu);
    row(`pack ${CASES} closed cases (the schedule's)`, seconds(performance.now() - packStarted), seconds((packCpuUsed.user + packCpuUsed.system) / 1000), '', 1, before);
    before = load();
    const first = await simulate();
    if (first.body.cases !== CASES) throw new Error(`simulated ${String(first.body.cases)} cases, not ${CASES}`);
    row(`simulate ${CASES} cases, first`, seconds(first.ms), seconds(first.cpuMs), '', 1, before);
    before = load();
    const simulations = [];
    for (let s = 0; s < SIMULATIONS; s++) simulations.push(await simulate());
    const simulationMs = simulations.map((r) => r.ms);
    const simulationCpu = simulations.map((r) => r.cpuMs);
    row(`simulate ${CASES} cases p50`, seconds(percentile(simulationMs, 50)!), seconds(percentile(simulationCpu, 50)!), '≤ 5 s', SIMULATIONS, before);
    row(`simulate ${CASES} cases max`, seconds(Math.max(...simulationMs)), seconds(Math.max(...simulationCpu)), '≤ 5 s', SIMULATIONS, '');

    before = load();
    const firstForecast = await call('/supervisor/forecast');
    row(`forecast at ${CASES} open cases, first (loads them; the API process warms it at start)`, seconds(firstForecast.ms), seconds(firstForecast.cpuMs), '', 1, before);
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
