/**
 * `npm run bench:cluster`: what one more worker process buys, and what the Temporal server on PostgreSQL costs against
 * the dev server. For each shape of BENCH_CLUSTER_SHAPES (default `cluster:1,cluster:2,dev:1`: Temporal, worker
 * processes) a fresh system (the fault run's, tools/faults/stack.ts: worker and API processes, FerretDB on PostgreSQL,
 * the sandbox) is started and measured in three phases:
 *   creates   BENCH_CLUSTER_CREATES returns opened through the API, BENCH_CLUSTER_CONCURRENCY at once;
 *   returns   BENCH_CLUSTER_RETURNS returns driven through the API from review to their refund;
 *   burst     BENCH_CLUSTER_DEADLINES merchant-review deadlines falling due at one instant (default action: approve),
 *             all confirmed open before it, the instant set from the measured opening rate (review-deadlines.ts);
 *             lateness is each breach against its own clock's deadline, the time to clear (and the CPU) from the
 *             first clock's deadline to the last approval message.
 * A size of 0 skips its phase. CPU is user + system time from /proc of each process (PostgreSQL with its backends),
 * per case of the phase: other sessions' work on the machine does not inflate it, but does slow the wall times. Prints
 * one table.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { faultParams } from '../faults/params';
import { ApiClient, sleep } from '../faults/api-client';
import { readViews } from '../faults/check';
import { ReturnDriver } from '../faults/returns';
import { openReviewCases } from '../faults/review-deadlines';
import { runId, type ScenarioContext } from '../faults/scenarios/context';
import { startFaultStack, type FaultStack } from '../faults/stack';
import { postgresBinDir } from '../../scripts/servers/postgres';
import { cpuSeconds } from './deadlines/memory';
import { runPool } from './pool';
import { Teardown } from './teardown';

const run = promisify(execFile);

interface Shape {
  temporal: 'cluster' | 'dev';
  workers: number;
}

interface Phase {
  cases: number;
  wallMs: number;
  /** CPU ms per case, by process group. */
  cpuMsPerCase: Record<string, number>;
  errors: number;
}

interface Burst extends Phase {
  /** Each breach against its own clock's deadline, sorted. */
  latenessMs: number[];
  /** How long before the shared instant the last case was confirmed open. */
  leadMs: number;
  /** The clocks' own deadlines against the instant, sorted (each clock starts at its case's first task). */
  dueMs: number[];
}

interface ShapeResult {
  shape: Shape;
  /** Bytes per case of the run (every case it opened), by database, after a CHECKPOINT. */
  bytesPerCase?: Record<string, number>;
  creates?: Phase;
  returns?: Phase;
  burst?: Burst;
  failed?: string;
}

const env = (name: string, fallback: number) => Number(process.env[name] || fallback);
const sizes = {
  creates: env('BENCH_CLUSTER_CREATES', 300),
  returns: env('BENCH_CLUSTER_RETURNS', 100),
  deadlines: env('BENCH_CLUSTER_DEADLINES', 1000),
  concurrency: env('BENCH_CLUSTER_CONCURRENCY', 32),
};

function shapes(): Shape[] {
  return (process.env.BENCH_CLUSTER_SHAPES || 'cluster:1,cluster:2,dev:1').split(',').map((spec) => {
    const [temporal, workers] = spec.trim().split(':');
    if ((temporal !== 'cluster' && temporal !== 'dev') || !(Number(workers) >= 1)) throw new Error(`BENCH_CLUSTER_SHAPES: "${spec}" is not <cluster|dev>:<workers>`);
    return { temporal, workers: Number(workers) };
  });
}

/** Process groups a figure is given for: the Temporal server (with its PostgreSQL under --cluster), each worker, the rest. */
function groupOf(name: string): string {
  if (name === 'temporal-postgres') return 'temporal PG';
  if (name === 'ferretdb' || name === 'store-postgres') return 'store';
  return name;
}

async function measured(stack: FaultStack, cases: () => number, work: () => Promise<number>): Promise<Phase> {
  const targets = stack.processes();
  const before = cpuSeconds(targets);
  const began = Date.now();
  const errors = await work();
  const wallMs = Date.now() - began;
  const after = cpuSeconds(targets);
  const cpuMsPerCase: Record<string, number> = {};
  for (const { name } of targets) {
    const group = groupOf(name);
    cpuMsPerCase[group] = (cpuMsPerCase[group] ?? 0) + ((after[name] - before[name]) * 1000) / Math.max(1, cases());
  }
  return { cases: cases(), wallMs, cpuMsPerCase, errors };
}

/** The running shape's teardown, run on Ctrl-C or SIGTERM too. */
let current = new Teardown();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void current.run().finally(() => process.exit(130)));

async function measureShape(shape: Shape, say: (line: string) => void): Promise<ShapeResult> {
  const teardown = (current = new Teardown());
  try {
    const stack = await startFaultStack(teardown, say, { cluster: shape.temporal === 'cluster', workers: shape.workers });
    const api = new ApiClient(stack.apiUrl);
    const bytesBefore = await databaseBytes(stack);
    const run = runId('bench');
    const driver = new ReturnDriver(api, run, Date.now() + 3_600_000);

    const creates = sizes.creates ? await measureCreates(stack, driver, say) : undefined;
    const returns = sizes.returns ? await measureReturns(stack, driver, say) : undefined;
    const burst = sizes.deadlines ? await measureBurst({ stack, params: { ...faultParams([]), concurrency: sizes.concurrency }, say, run, teardown }) : undefined;
    const bytesAfter = await databaseBytes(stack);
    // The burst's warm-up round (its first `concurrency` cases, due in two days) stays open too.
    const cases = sizes.creates + sizes.returns + sizes.deadlines + Math.min(sizes.concurrency, sizes.deadlines);
    const bytesPerCase = Object.fromEntries(Object.entries(bytesAfter).map(([db, bytes]) => [db, (bytes - bytesBefore[db]) / cases]));
    return { shape, creates, returns, burst, bytesPerCase };
  } catch (err) {
    return { shape, failed: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  } finally {
    await teardown.run();
  }
}

async function measureCreates(stack: FaultStack, driver: ReturnDriver, say: (line: string) => void): Promise<Phase> {
  say(`creates: ${sizes.creates} returns through the API, ${sizes.concurrency} at once`);
  const creates = await measured(stack, () => sizes.creates, async () => {
    const pool = await runPool(Array.from({ length: sizes.creates }, (_, i) => i), sizes.concurrency, (i) => driver.open(i).then(() => undefined));
    return pool.errors.length;
  });
  say(`  ${((creates.cases * 1000) / creates.wallMs).toFixed(1)} creates/s; CPU ms per create: ${cpu(creates)}`);
  return creates;
}

async function measureReturns(stack: FaultStack, driver: ReturnDriver, say: (line: string) => void): Promise<Phase> {
  say(`returns: ${sizes.returns} returns from review to refund`);
  const refundsBefore = stack.sandbox.state.refunds.length;
  const returns = await measured(stack, () => sizes.returns, async () => {
    const pool = await runPool(Array.from({ length: sizes.returns }, (_, i) => sizes.creates + i), Math.min(16, sizes.concurrency), async (i) => {
      await driver.driveToRefund(await driver.open(i));
    });
    while (stack.sandbox.state.refunds.length - refundsBefore < sizes.returns - pool.errors.length) await sleep(200);
    return pool.errors.length;
  });
  say(`  ${ms(returns.wallMs)}; CPU ms per return: ${cpu(returns)}`);
  return returns;
}

/** The deadline burst, measured from the first clock's deadline until the last approval message. */
async function measureBurst(ctx: ScenarioContext): Promise<Burst> {
  const { stack, say, run } = ctx;
  const review = await openReviewCases(ctx, sizes.deadlines, 'burst');
  if (review.failures.length) throw new Error(`burst: ${review.failures.join('; ')}`);
  await sleep(review.firstDue - Date.now());
  const messaged = () => stack.sandbox.state.records.customerNotifications.filter((r) => r.template === 'return_approved' && r.caseId.startsWith(`case-${run}-`)).length;
  const burst = await measured(stack, () => sizes.deadlines, async () => {
    const until = Date.now() + 600_000;
    while (messaged() < sizes.deadlines && Date.now() < until) await sleep(200);
    return sizes.deadlines - messaged();
  });
  const views = await readViews(stack.client, review.ids);
  const latenessMs = [...views]
    .flatMap(([id, view]) => view.audit.filter((a) => a.action === 'sla_breached').map((a) => a.at - review.deadlines.get(id)!))
    .sort((a, b) => a - b);
  say(`  all approved ${ms(burst.wallMs)} after the first deadline; lateness p50 ${ms(quantile(latenessMs, 0.5))}, max ${ms(latenessMs.at(-1) ?? NaN)}; CPU ms per deadline: ${cpu(burst)}`);
  const dueMs = [...review.deadlines.values()].map((due) => due - review.deadline).sort((a, b) => a - b);
  return { ...burst, latenessMs, leadMs: review.deadline - review.openedAt, dueMs };
}

/** Each database's size now (after a CHECKPOINT): the case store's and, on the cluster, Temporal's two. */
async function databaseBytes(stack: FaultStack): Promise<Record<string, number>> {
  const size = async (url: string, databases: string[]) => {
    const sql = `CHECKPOINT; SELECT ${databases.map((d) => `pg_database_size('${d}')`).join(` || ',' || `)}`;
    const { stdout } = await run(path.join(postgresBinDir(), 'psql'), [url, '--no-psqlrc', '--tuples-only', '--no-align', `--command=${sql}`]);
    return stdout.trim().split('\n').at(-1)!.split(',').map(Number);
  };
  const [store] = await size(stack.postgresUrls.store, ['ferretdb']);
  if (!stack.postgresUrls.temporal) return { store };
  const [temporal, visibility] = await size(stack.postgresUrls.temporal, ['temporal', 'temporal_visibility']);
  return { store, temporal, 'temporal visibility': visibility };
}

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);
const cpu = (phase: Phase) =>
  Object.entries(phase.cpuMsPerCase)
    .map(([group, value]) => `${group} ${value.toFixed(1)}`)
    .join(', ');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

const none = '—';
const signedMs = (value: number) => `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;

function report(results: ShapeResult[], loads: number[][]): string {
  const lines = [
    `npm run bench:cluster: ${sizes.creates} creates, ${sizes.returns} returns to refund, ${sizes.deadlines} deadlines at once per shape; ${os.availableParallelism()} cores; load average (1 min) at each shape's start→end (peak): ${loads.map(([start, end, peak]) => `${start.toFixed(1)}→${end.toFixed(1)} (${peak.toFixed(1)})`).join(', ')}`,
    '',
    `| Temporal | workers | creates/s (errors) | CPU ms per create | returns to refund: wall | CPU ms per return | ${sizes.deadlines} deadlines: open before the instant | clocks due p1 / p99 | all approved after the first | lateness p50 / p99 / max | CPU ms per deadline |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const name = r.shape.temporal === 'cluster' ? 'server on PostgreSQL' : 'dev server (SQLite)';
    if (r.failed) {
      lines.push(`| ${name} | ${r.shape.workers} | failed: ${r.failed} | | | | | | | | |`);
      continue;
    }
    const { creates, returns, burst } = r;
    const cells = [
      creates ? `${((creates.cases * 1000) / creates.wallMs).toFixed(1)} (${creates.errors})` : none,
      creates ? cpu(creates) : none,
      returns ? `${ms(returns.wallMs)} (${returns.errors} errors)` : none,
      returns ? cpu(returns) : none,
      burst ? ms(burst.leadMs) : none,
      burst ? `${signedMs(quantile(burst.dueMs, 0.01))} / ${signedMs(quantile(burst.dueMs, 0.99))}` : none,
      burst ? `${ms(burst.wallMs)} (${burst.errors} missing)` : none,
      burst ? `${ms(quantile(burst.latenessMs, 0.5))} / ${ms(quantile(burst.latenessMs, 0.99))} / ${ms(burst.latenessMs.at(-1) ?? NaN)}` : none,
      burst ? cpu(burst) : none,
    ];
    lines.push(`| ${name} | ${r.shape.workers} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'Database bytes per case (every case the shape opened: creates, burst and its warm-up cases open, the returns closed):');
  for (const r of results) {
    if (r.bytesPerCase) lines.push(`  ${r.shape.temporal}:${r.shape.workers}  ${Object.entries(r.bytesPerCase).map(([db, bytes]) => `${db} ${(bytes / 1024).toFixed(1)} KiB`).join(', ')}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const say = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
  const results: ShapeResult[] = [];
  const loads: number[][] = [];
  for (const shape of shapes()) {
    say(`--- Temporal ${shape.temporal}, ${shape.workers} worker process(es)`);
    const start = os.loadavg()[0];
    let peak = start;
    const sampler = setInterval(() => (peak = Math.max(peak, os.loadavg()[0])), 5000);
    results.push(await measureShape(shape, say));
    clearInterval(sampler);
    loads.push([start, os.loadavg()[0], peak]);
    say(report(results.slice(-1), loads.slice(-1)));
  }
  const table = report(results, loads);
  console.log(`\n${table}`);
  if (process.env.BENCH_CLUSTER_OUT) fs.writeFileSync(process.env.BENCH_CLUSTER_OUT, `${table}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
