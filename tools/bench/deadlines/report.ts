/**
 * The deadline bench's table: one row per figure, grouped by scenario, each with its goal (from the issue "Deadlines
 * that fire under load") and whether this run met it. Figures only: nothing here fails the run.
 */
import os from 'node:os';
import { percentile } from '../pool';
import type { TemporalDb } from '../stack';
import type { DeadlineRun } from './deadlines';
import type { MemoryFigures } from './memory';
import type { CatchUp, OutageRun, StoreLagRun } from './store-lag';
import type { StuckRun } from './stuck-cases';

export interface DeadlineResults {
  bursts: DeadlineRun[];
  spread?: DeadlineRun;
  lag?: StoreLagRun;
  outage?: OutageRun;
  stuck?: StuckRun;
  /** Parts left out, with why. */
  skipped: string[];
}

type Row = [scenario: string, figure: string, value: string, goal: string, verdict: string];

const count = (n: number) => n.toLocaleString('en-US');
export const duration = (ms: number | undefined) => {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const abs = Math.abs(ms);
  if (abs >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(abs >= 100 ? 0 : 1)} ms`;
};
const spread3 = (samples: number[]) => (samples.length ? `${duration(percentile(samples, 50))} / ${duration(percentile(samples, 99))} / ${duration(Math.max(...samples))}` : '-');
const verdict = (ok: boolean | undefined) => (ok === undefined ? 'NOT MEASURED' : ok ? 'met' : 'MISSED');
const mib = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(0)}`);

function memoryRow(scenario: string, m: MemoryFigures): Row {
  const pg = m.processes.postgres;
  return [
    scenario,
    'RSS peak MiB: bench process / Temporal / PostgreSQL / FerretDB',
    `${mib(m.peakMiB['bench process'])} / ${mib(m.peakMiB.temporal)} / ${mib(m.peakMiB.postgres)}${pg ? ` (${pg} procs)` : ''} / ${mib(m.peakMiB.ferretdb)}` +
      (m.peakGauges.cachedWorkflows !== undefined ? `; up to ${count(m.peakGauges.cachedWorkflows)} workflows cached` : ''),
    '',
    '',
  ];
}

const cpuCell = (c: Record<string, number>) => ['bench process', 'temporal', 'postgres', 'ferretdb'].map((k) => (c[k] === undefined ? '-' : c[k].toFixed(0))).join(' / ');

function deadlineRows(run: DeadlineRun): Row[] {
  const name = run.shape === 'burst' ? `burst ${count(run.cases)} (same instant)` : `spread ${count(run.cases)} over ${(run.windowMs ?? 0) / 1000} s`;
  const rows: Row[] = [];
  const allFired = run.fired === run.cases;
  const notFired = run.cases - run.fired;
  rows.push([name, 'deadlines fired (the workflow\'s clock breached)', `${count(run.fired)}/${count(run.cases)}`, 'all', verdict(allFired) + (notFired ? `: ${count(notFired)} did not` : '')]);
  const opening =
    `${count(run.cases - run.startErrors.length)} started in ${duration(run.startMs)}, ${count(run.opened)} in the store after ${duration(run.openedMs)}` +
    (run.quietBeforeMs !== undefined ? `, ${run.quietBeforeMs >= 0 ? `${duration(run.quietBeforeMs)} idle before` : `${duration(-run.quietBeforeMs)} past`} the first deadline` : '') +
    (run.lateStarts ? `; ${count(run.lateStarts)} started after their deadline` : '');
  rows.push([name, 'opening (direct starts)', opening, 'before the deadline', run.quietBeforeMs !== undefined && run.quietBeforeMs >= 0 && run.lateStarts === 0 ? 'ok' : 'OVERRAN']);
  rows.push([name, 'actual deadline − target instant p50/max (alignment)', run.deadlineOffsetMs.length ? `${duration(percentile(run.deadlineOffsetMs, 50))} / ${duration(Math.max(...run.deadlineOffsetMs))}` : '-', '', '']);
  const p99 = (s: number[]) => (s.length ? percentile(s, 99) : undefined);
  const spreadGoal = run.shape === 'spread' ? 'p99 < 1 s' : '';
  const spreadVerdict = (s: number[]) => (run.shape === 'spread' ? verdict(p99(s) === undefined ? undefined : (p99(s) as number) < 1000) : '');
  rows.push([name, 'lateness, workflow time p50/p99/max', spread3(run.workflowLatenessMs), spreadGoal, spreadVerdict(run.workflowLatenessMs)]);
  rows.push([name, 'while firing: a task\'s wait for its store write p50/p99/max (at the 200 ms bound)', `${spread3(run.sinkWaitsMs)} (${count(run.sinkWaitsMs.filter((ms) => ms >= 200).length)} of ${count(run.sinkWaitsMs.length)})`, '', '']);
  rows.push([name, 'fired cases the store shows approved (read back at the end)', `${count(run.inStore)}/${count(run.fired)}`, 'all', verdict(run.inStore === run.fired)]);
  rows.push([name, 'lateness, observed in store p50/p99/max', spread3(run.observedLatenessMs) + (run.unobserved ? ` (${count(run.unobserved)} never seen)` : ''), spreadGoal, spreadVerdict(run.observedLatenessMs)]);
  const burstGoal = run.shape === 'burst' && run.cases <= 1000;
  const clearLabel = run.shape === 'burst' ? 'cleared: last breach − the instant, workflow / observed' : 'last breach − last deadline, workflow / observed';
  rows.push([
    name,
    clearLabel,
    `${duration(run.clearWorkflowMs)} / ${duration(run.clearObservedMs)}`,
    burstGoal ? '≤ 10 s (at 1,000)' : '',
    burstGoal ? verdict(run.clearWorkflowMs === undefined ? undefined : allFired && run.clearWorkflowMs <= 10_000 && (run.clearObservedMs ?? Infinity) <= 10_000) : '',
  ]);
  if (run.sweepErrors.length) rows.push([name, 'workflows that could not be read', `${count(run.sweepErrors.length)} (first: ${run.sweepErrors[0].slice(0, 80)})`, '', '']);
  if (run.notFired.length) rows.push([name, 'e.g. not fired', run.notFired.join(', ').slice(0, 120), '', '']);
  rows.push(memoryRow(name, run.memory));
  rows.push([name, 'CPU s opening / firing: bench process / Temporal / PostgreSQL / FerretDB', `${cpuCell(run.cpuOpening)}  |  ${cpuCell(run.cpuFiring)} in ${duration(run.firingMs)}`, '', '']);
  rows.push([name, 'load average (1 min) start → end; scenario wall time', `${run.loadAvg.start.toFixed(1)} → ${run.loadAvg.end.toFixed(1)}; ${duration(run.wallMs)}`, '', '']);
  return rows;
}

function lagRows(lag: StoreLagRun): Row[] {
  const name = `store lag, ${count(lag.creates)} creates`;
  const rate = ((lag.creates - lag.createErrors.length) / lag.createMs) * 1000;
  const c = lag.afterCreates;
  return [
    [name, `POST /cases at ${lag.concurrency} in flight`, `${count(lag.creates - lag.createErrors.length)} in ${duration(lag.createMs)} (${rate.toFixed(1)}/s)${lag.createErrors.length ? `, ${lag.createErrors.length} failed` : ''}`, '', lag.createErrors.length ? 'ERRORS' : ''],
    [name, 'per case: in store at its version − POST answered p50/p99/max', spread3(lag.perCaseLagMs), '', ''],
    [name, 'every case at its workflow version, after the last answer', c.ms !== undefined ? duration(c.ms) : catchUpMiss(c), '< 5 s', verdict(c.ms === undefined ? false : c.ms < 5000)],
    ...(c.movedOn || c.sweepErrors.length ? [[name, 'workflows past the answered version / unreadable', `${c.movedOn} / ${c.sweepErrors.length}`, '', ''] as Row] : []),
    ...(c.examples.length ? [[name, 'e.g. behind', c.examples.join('; '), '', ''] as Row] : []),
    memoryRow(name, lag.memory),
    [name, 'load average (1 min) start → end', `${lag.loadAvg.start.toFixed(1)} → ${lag.loadAvg.end.toFixed(1)}`, '', ''],
  ];
}

function catchUpMiss(c: CatchUp): string {
  return c.stalled ? `never: ${count(c.behind)} cases stuck behind (no progress for 90 s)` : `not within the timeout: ${count(c.behind)} behind`;
}

function outageRows(o: OutageRun): Row[] {
  const name = `store outage ${(o.outageMs / 1000).toFixed(0)} s`;
  const c = o.afterOutage;
  return [
    [name, `API calls during the outage (${o.concurrency} in flight)`, `${count(o.callsDuringOutage)} answered; ${count(o.callsOk)} in all${o.callErrors.length ? `, ${o.callErrors.length} failed (first: ${o.callErrors[0].slice(0, 80)})` : ', none failed'}`, '', o.callErrors.length ? 'ERRORS' : ''],
    [name, 'every case at its workflow version, after the store is back', c.ms !== undefined ? duration(c.ms) : catchUpMiss(c), '< 30 s', verdict(c.ms === undefined ? false : c.ms < 30_000)],
    ...(c.movedOn || c.sweepErrors.length ? [[name, 'workflows past the answered version / unreadable', `${c.movedOn} / ${c.sweepErrors.length}`, '', ''] as Row] : []),
    ...(c.examples.length ? [[name, 'e.g. behind', c.examples.join('; '), '', ''] as Row] : []),
    memoryRow(name, o.memory),
    [name, 'load average (1 min) start → end', `${o.loadAvg.start.toFixed(1)} → ${o.loadAvg.end.toFixed(1)}`, '', ''],
  ];
}

function stuckRows(s: StuckRun): Row[] {
  const name = `stuck-cases ${count(s.live)} live / ${count(s.stored)} stored`;
  const all = s.byQuery.flatMap((q) => q.latenciesMs);
  const p99 = all.length ? percentile(all, 99) : undefined;
  return [
    [name, `GET /supervisor/stuck-cases p50/p99/max (${all.length} requests)`, spread3(all), 'p99 < 50 ms', verdict(p99 === undefined ? undefined : p99 < 50 && s.errors.length === 0)],
    ...s.byQuery.map((q): Row => [name, `  ${q.name} p50/p99/max (items)`, `${spread3(q.latenciesMs)} (${q.items})`, '', '']),
    ...(s.errors.length ? [[name, 'failed requests', `${s.errors.length} (first: ${s.errors[0].slice(0, 100)})`, '', 'ERRORS'] as Row] : []),
    [name, 'CPU s during the requests: bench process / Temporal / PostgreSQL / FerretDB', `${cpuCell(s.cpuRequests)} in ${duration(s.requestsMs)}`, '', ''],
    [name, 'closed summaries inserted', `${count(s.seeded)} in ${duration(s.seedMs)}`, '', ''],
    memoryRow(name, s.memory),
    [name, 'load average (1 min) start → end', `${s.loadAvg.start.toFixed(1)} → ${s.loadAvg.end.toFixed(1)}`, '', ''],
  ];
}

/** The table alone: header, rule and one line per figure. */
export function formatTable(results: DeadlineResults): string[] {
  const rows: Row[] = [
    ...results.bursts.flatMap(deadlineRows),
    ...(results.spread ? deadlineRows(results.spread) : []),
    ...(results.lag ? lagRows(results.lag) : []),
    ...(results.outage ? outageRows(results.outage) : []),
    ...(results.stuck ? stuckRows(results.stuck) : []),
  ];
  const header: Row = ['scenario', 'figure', 'value', 'goal', 'verdict'];
  const widths = header.map((_, col) => Math.max(...[header, ...rows].map((r) => r[col].length)));
  const line = (r: Row) => r.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd();
  let previous = '';
  const body = rows.map((r) => {
    const shown: Row = [r[0] === previous ? '' : r[0], r[1], r[2], r[3], r[4]];
    previous = r[0];
    return line(shown);
  });
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body];
}

export function formatDeadlineReport(results: DeadlineResults, command: string, totalMs: number, temporalDb: TemporalDb): string {
  return [
    ...formatTable(results),
    '',
    `${command}; whole run ${duration(totalMs)} (start-up and teardown included); ${os.cpus().length} cores, shared with the load generator, the API, the workers and the three servers.`,
    ...(results.skipped.length ? [`SKIPPED: ${results.skipped.join('; ')}`] : []),
    `Each scenario runs on a fresh embedded stack (Temporal dev server ${temporalDb === 'file' ? 'on a SQLite file' : 'in memory'}, FerretDB on PostgreSQL with fsync on, workers and API in this process).`,
    'Deadlines: returns (quality defect) started with client.workflow.start (the input POST /cases builds, 16 starts in flight unless',
    '  BENCH_START_CONCURRENCY says otherwise), each with a merchantReviewTimeout in minutes that ends at its target instant; the clock',
    '  starts at the first workflow task, so each start queries the new case (waiting for that task) and the delay seen shortens',
    '  the next limits (row "actual deadline − target instant").',
    '  Every case is open and in the store before the first deadline; the default action (approve) runs at the breach.',
    '  workflow time: clock.breachedAt − clock.deadline as the workflow reports them (in the view it projected; a query of',
    '  the workflow for every case no projection showed breached);',
    '  observed: the instant the store first held the case breached (the projection activity\'s write resolved) − clock.deadline.',
    'Store lag: POST /cases (agent key); the store (all of `cases`) is polled every 200 ms, also while the creates run, for every',
    '  case at the version the API answered; then each workflow is queried to check none moved on since.',
    '  Outage: FerretDB suspended (SIGSTOP: connections open, nothing answers) while',
    '  POST /cases and merchant approvals go on, then resumed (SIGCONT); measured from the resumption.',
    'stuck-cases: one request at a time, supervisor key, round-robin over the combinations shown, after one untimed request each;',
    '  the stored documents beyond the live cases are closed summaries inserted directly into `cases`.',
    'RSS: VmRSS of this process (case workers, API and load generator together) and of the Temporal and FerretDB servers;',
    '  PostgreSQL as Pss summed over the postmaster and its backends; peak of samples every 2 s during the scenario, with the',
    '  most workflows the case worker held in its cache (each costs the worker memory; beyond it a workflow is replayed).',
    'CPU s: user + system seconds per process (PostgreSQL: all its processes) while the cases were opened, and from the end of',
    '  the opening until every breach was in the store (idle time before the first deadline included; "in" = from the first',
    '  deadline). 2 cores give at most 2 CPU-seconds per second to share.',
  ].join('\n');
}

