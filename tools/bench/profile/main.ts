/**
 * `npm run profile`: what a case costs the worker, and where it goes. Starts a system of its own on free ports (an
 * in-memory Temporal dev server, FerretDB on PostgreSQL over a temporary directory, the partner sandbox and the API in
 * this process, the case worker as a process of its own under `node --cpu-prof`), then, each at concurrency 8:
 * 1. starts PROFILE_CASES no-op workflows directly (the engine's own cost of a start);
 * 2. opens PROFILE_CASES returns through `POST /cases`;
 * 3. drives each of them to its refund (approve, ship back, delivered, inspect, start refund: the fault runner's
 *    ReturnDriver), then waits until the worker is idle (the refund paid, the survey sent).
 * It prints, per phase, the throughput and the CPU per case of the worker and of Temporal, the worker's RSS per open
 * case, the history events and activities of one return, and from the worker's CPU profile the top costs per case.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { temporal } from '@temporalio/proto';
import { projectRoot } from '../../../scripts/servers/tools';
import { cpuSeconds } from '../deadlines/memory';
import { benchNoopWorkflow } from '../noop-workflow';
import { runPool } from '../pool';
import { Teardown } from '../teardown';
import { ApiClient } from '../../faults/api-client';
import { ReturnDriver } from '../../faults/returns';
import { analyseProfiles, type ThreadCost } from './cpu-profile';
import { rssMiB, startMeasuredStack, table, workerIdleWaiter } from './stack';

const CASES = Number(process.env.PROFILE_CASES ?? 300);
const CONCURRENCY = Number(process.env.PROFILE_CONCURRENCY ?? 8);

interface Phase {
  name: string;
  count: number;
  wallS: number;
  cpu: Record<string, number>;
}

async function main(): Promise<void> {
  const teardown = new Teardown();
  process.on('SIGINT', () => void teardown.run().finally(() => process.exit(130)));
  const say = (line: string) => console.log(line);
  try {
    // Kept after the run (git-ignored), to open in Chrome DevTools or a profile viewer.
    const profileDir = path.join(projectRoot, '.data', 'profile', new Date().toISOString().replace(/[:.]/g, '-'));
    const stack = await startMeasuredStack(teardown, { name: 'profile', bundleFile: path.join(profileDir, 'workflow-bundle.js'), workerNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
    const { client, worker, taskQueue } = stack;
    const targets = [
      { name: 'worker', pid: worker.child.pid! },
      { name: 'temporal', pid: stack.temporalPid },
    ];
    const idle = workerIdleWaiter(() => cpuSeconds(targets).worker!);
    const phase = async (name: string, items: readonly string[], op: (item: string) => Promise<unknown>): Promise<Phase> => {
      await idle();
      const before = cpuSeconds(targets);
      const began = performance.now();
      const run = await runPool(items, CONCURRENCY, op);
      if (run.errors.length) throw new Error(`${name}: ${run.errors.length} failed, first: ${run.errors[0]}`);
      const wallS = (performance.now() - began) / 1000;
      await idle(); // the work a call started (activities, projections) counts for its phase
      const after = cpuSeconds(targets);
      const cpu = Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - before[k]!]));
      say(`${name}: ${items.length} in ${wallS.toFixed(1)} s`);
      return { name, count: items.length, wallS, cpu };
    };

    // The fault runner's driver: each step sent once and the status read only when a step must wait.
    const driver = (run: string) => new ReturnDriver(new ApiClient(stack.apiUrl), `${taskQueue}-${run}`, Date.now() + 3_600_000);
    const warm = driver('warm');
    await runPool([0, 1], 2, async (i) => warm.driveToRefund(await warm.open(i)));
    const returns = driver('case');
    const keys = Array.from({ length: CASES }, (_, i) => String(i));
    const caseIds: string[] = [];
    const noop = await phase('no-op start (direct)', keys, (k) => client.workflow.start(benchNoopWorkflow, { taskQueue: stack.noopTaskQueue, workflowId: `noop-${taskQueue}-${k}` }));
    const rssBefore = rssMiB(worker.child.pid!);
    const open = await phase('open (POST /cases)', keys, async (k) => caseIds.push(await returns.open(Number(k))));
    const rssOpen = rssMiB(worker.child.pid!);
    const drive = await phase('open → refund (API)', caseIds, (id) => returns.driveToRefund(id));

    const history = await client.workflow.getHandle(caseIds[0]!).fetchHistory();
    await worker.stop(60_000); // the profiles are written as it exits
    const bundle = fs.readFileSync(stack.bundleFile, 'utf8');
    const profiles = analyseProfiles(profileDir, bundle);

    console.log('');
    console.log(phaseTable([noop, open, drive]));
    console.log(`\nworker RSS: ${rssBefore.toFixed(0)} MiB before opening, ${rssOpen.toFixed(0)} MiB with ${CASES} more open cases: ${(((rssOpen - rssBefore) * 1024) / CASES).toFixed(0)} KiB per open case`);
    console.log(`\n${historyTable(history)}`);
    const perCase = CASES + 2;
    if (profiles.workflowThread) console.log(`\n${costTable('workflow thread', profiles.workflowThread, perCase)}`);
    const main = profiles.others[0];
    if (main) console.log(`\n${costTable('busiest other thread (activities, SDK)', main, perCase)}`);
    console.log(`\nthe worker's CPU profiles (one per thread) and its workflow bundle: ${path.relative(projectRoot, profileDir)}`);
    console.log(`\nload average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  } finally {
    await teardown.run();
  }
}

const ms = (s: number, n: number) => `${((s * 1000) / n).toFixed(1)} ms`;

function phaseTable(phases: Phase[]): string {
  const rows = [['phase', 'count', 'throughput', 'worker CPU / case', 'Temporal CPU / case']];
  for (const p of phases) rows.push([p.name, String(p.count), `${(p.count / p.wallS).toFixed(1)} /s`, ms(p.cpu.worker!, p.count), ms(p.cpu.temporal!, p.count)]);
  return table(rows);
}

function historyTable(history: temporal.api.history.v1.IHistory): string {
  const events = history.events ?? [];
  const byType = new Map<string, number>();
  const activities = new Map<string, number>();
  for (const e of events) {
    const type = temporal.api.enums.v1.EventType[e.eventType ?? 0]!.replace(/^EVENT_TYPE_/, '').toLowerCase();
    byType.set(type, (byType.get(type) ?? 0) + 1);
    const activity = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (activity) activities.set(activity, (activities.get(activity) ?? 0) + 1);
  }
  const rows = [['one return, open → refund → survey', 'count']];
  rows.push(['history events', String(events.length)]);
  for (const [type, n] of [...byType].sort((a, b) => b[1] - a[1])) rows.push([`  ${type}`, String(n)]);
  rows.push(['activities', String([...activities.values()].reduce((a, b) => a + b, 0))]);
  for (const [type, n] of [...activities].sort((a, b) => b[1] - a[1])) rows.push([`  ${type}`, String(n)]);
  return table(rows);
}

function costTable(title: string, cost: ThreadCost, cases: number): string {
  const rows = [[`${title}: ${(cost.busyMs / cases).toFixed(1)} ms busy per case`, 'self ms / case', 'share']];
  for (const s of cost.sources.slice(0, 12)) rows.push([s.source, (s.ms / cases).toFixed(2), `${((100 * s.ms) / cost.busyMs).toFixed(1)} %`]);
  if (title.startsWith('workflow')) rows.push(['(inclusive) module initialisation', (cost.moduleInitMs / cases).toFixed(2), `${((100 * cost.moduleInitMs) / cost.busyMs).toFixed(1)} %`]);
  return table(rows);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('profile failed:', err);
    process.exit(1);
  },
);
