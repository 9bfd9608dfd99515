/**
 * SLA lateness: N returns whose merchant-review deadlines fall on one instant (a burst) or evenly over a window (a
 * spread). Every case is opened first (started through the Temporal client, each with a review limit that ends at its
 * target instant: see startAligned) and has reached the store before the first deadline; then the bench waits for every deadline to
 * fire, and reads each case's review clock from its workflow.
 *
 * Per case: lateness in workflow time = clock.breachedAt − clock.deadline (breachedAt is the workflow time of the task
 * that ran the breach, as the `sla_breached` audit entry's `at`; read from the view the workflow projected, or by a
 * query of the workflow when no projection showed the breach); observed lateness = the wall-clock instant the store
 * first held the case with its clock breached (ProjectionObserver) − clock.deadline.
 */
import os from 'node:os';
import { caseModel } from '../../../activities/store/case-model';
import type { BenchStack } from '../stack';
import { newCaseIds, startAligned } from './cases';
import { cpuBetween, cpuSeconds, stackSampler, type MemoryFigures } from './memory';
import { REVIEW_CLOCK, type ProjectionObserver } from './observer';
import type { DeadlineParams } from './params';
import { sweepClock } from './sweep';
import type { ClockState } from '../../../workflows/sla/clock';

export interface DeadlineRun {
  shape: 'burst' | 'spread';
  cases: number;
  /** Spread only: the window the deadlines are spread over, ms. */
  windowMs?: number;
  startErrors: string[];
  /** From the first start sent to the last answered, ms; and from the first start to every case in the store. */
  startMs: number;
  openedMs?: number;
  opened: number;
  /** Time every case was open and stored before the first deadline, ms (negative: the opening overran it). */
  quietBeforeMs?: number;
  /** Cases whose start was sent after their target instant (their limit was cut to zero). */
  lateStarts: number;
  /** Actual deadline − target instant, per case, ms: the start-to-first-task delay (the clock starts there). */
  deadlineOffsetMs: number[];
  /** Cases whose review clock the workflow reports breached. */
  fired: number;
  /** Cases whose workflow could not be read, and the first error. */
  sweepErrors: string[];
  /** Ids of cases whose deadline did not fire (up to 5). */
  notFired: string[];
  /** Per fired case, ms. */
  workflowLatenessMs: number[];
  observedLatenessMs: number[];
  /** Fired but never seen breached in the store within the wait. */
  unobserved: number;
  /** Fired cases whose summary in the store has left merchant review (read back from the store at the end). */
  inStore: number;
  /** Last breach − the target instant (burst) or the last target instant (spread), ms, in workflow time and as observed (over the cases that fired). */
  clearWorkflowMs?: number;
  clearObservedMs?: number;
  memory: MemoryFigures;
  /** CPU seconds per process while the cases were opened, and from then until every breach was in the store (or the wait ended). */
  cpuOpening: Record<string, number>;
  cpuFiring: Record<string, number>;
  /** From the first deadline until every breach was in the store (or the wait ended), ms. */
  firingMs: number;
  /** While firing: how long each workflow task's completion waited for its store write (bounded at 200 ms). */
  sinkWaitsMs: number[];
  loadAvg: { start: number; end: number };
  /** Whole scenario, ms. */
  wallMs: number;
}

export async function runDeadlines(
  stack: BenchStack,
  observer: ProjectionObserver,
  params: DeadlineParams,
  shape: 'burst' | 'spread',
  n: number,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<DeadlineRun> {
  const began = Date.now();
  const loadStart = os.loadavg()[0];
  const memory = stackSampler(stack).start();
  const cpuAtStart = cpuSeconds(memory.targets);
  const ids = newCaseIds(shape, n);
  const windowMs = shape === 'spread' ? params.spreadWindowS * 1000 : 0;
  const leadMs = params.leadS(n) * 1000;
  const first = Date.now() + leadMs;
  const targetOf = (i: number) => (shape === 'burst' ? first : first + Math.floor((i * windowMs) / n));
  const last = targetOf(n - 1);
  say(`${shape} ${n}: opening ${n} returns (${params.startConcurrency} starts in flight); ${shape === 'burst' ? 'every deadline' : 'deadlines from'} ${leadMs / 1000} s from now${shape === 'spread' ? ` over ${windowMs / 1000} s` : ''}`);

  const started = await startAligned(stack.client, stack.caseTaskQueue, ids, targetOf, params.startConcurrency, signal, (k) =>
    say(`  ${k}/${n} open, ${((first - Date.now()) / 1000).toFixed(0)} s before the first deadline`),
  );
  const { lateStarts } = started;
  say(`${shape} ${n}: ${n - started.errors.length} started in ${(started.wallMs / 1000).toFixed(1)} s${started.errors.length ? `, ${started.errors.length} failed (first: ${started.errors[0]})` : ''}; waiting until every case is in the store`);
  const opened = await observer.waitFor(ids, (m) => m.openStoredAt !== undefined || m.breachStoredAt !== undefined, Date.now() + params.catchUpTimeoutS * 1000, (k) => say(`  ${k}/${n} in the store`), signal);
  const openedAt = Date.now();
  const openedMs = opened === n ? openedAt - began : undefined;
  if (opened === n && openedAt < first) {
    // Let the opening's notifications and projections finish too, so the deadlines meet an idle worker.
    await stack.settle(signal).catch(() => undefined);
  }
  const quietBeforeMs = opened === n ? first - Date.now() : undefined;
  say(`${shape} ${n}: ${opened}/${n} in the store ${((openedAt - began) / 1000).toFixed(1)} s after the first start; ${quietBeforeMs !== undefined ? `${(quietBeforeMs / 1000).toFixed(1)} s left before the first deadline` : 'not all opened'}`);

  const cpuOpened = cpuSeconds(memory.targets);
  const waitsBeforeFiring = stack.projectionWaitsMs.length;
  // Every deadline gets fireTimeoutS after the last one (after now, when the opening overran them all).
  const until = Math.max(last, Date.now()) + params.fireTimeoutS * 1000;
  const passed = () => (shape === 'burst' ? n : Math.min(n, Math.floor(((Date.now() - first) * n) / windowMs) + 1));
  await observer.waitFor(ids, (m) => m.breachStoredAt !== undefined, until, (k) => Date.now() > first && say(`  ${k}/${n} breaches in the store, ${passed()} deadlines passed`), signal);
  const cpuFired = cpuSeconds(memory.targets);
  const sinkWaitsMs = stack.projectionWaitsMs.slice(waitsBeforeFiring);
  const firingMs = Date.now() - first;
  // The workflow's own clock: as it projected it (its view) for the cases seen breached; by a query for the others.
  const unseen = ids.filter((id) => observer.marks.get(id)?.breachedAt === undefined);
  say(`${shape} ${n}: ${n - unseen.length} breaches seen in the workflows' projections; querying the other ${unseen.length} workflows...`);
  const clocks = await sweepClock(stack.client, unseen, REVIEW_CLOCK, 16, signal);
  const clockOf = (id: string): Pick<ClockState, 'status' | 'deadline' | 'breachedAt'> | undefined => {
    const m = observer.marks.get(id);
    if (m?.breachedAt !== undefined && m.deadline !== undefined) return { status: 'breached', deadline: m.deadline, breachedAt: m.breachedAt };
    return clocks.values.get(id);
  };
  const mem = memory.stop();
  // Read back: the store's own word on which cases have left merchant review (approved by default at the breach).
  const docs = await caseModel(stack.store).find({}, { _id: 1, status: 1 }).lean<Array<{ _id: string; status: string }>>().exec();
  const storedStatus = new Map(docs.map((d) => [d._id, d.status]));

  const workflowLatenessMs: number[] = [];
  const observedLatenessMs: number[] = [];
  const deadlineOffsetMs: number[] = [];
  const notFired: string[] = [];
  let fired = 0;
  let unobserved = 0;
  let inStore = 0;
  let lastBreach = -Infinity;
  let lastSeen = -Infinity;
  ids.forEach((id, i) => {
    const clock = clockOf(id);
    if (clock) deadlineOffsetMs.push(clock.deadline - targetOf(i));
    if (clock?.status !== 'breached' || clock.breachedAt === undefined) {
      if (clocks.values.has(id) && notFired.length < 5) notFired.push(`${id} (${clock?.status ?? 'no review clock'})`);
      return;
    }
    fired++;
    const status = storedStatus.get(id);
    if (status !== undefined && status !== 'awaiting_merchant_review') inStore++;
    workflowLatenessMs.push(clock.breachedAt - clock.deadline);
    lastBreach = Math.max(lastBreach, clock.breachedAt);
    const seen = observer.marks.get(id)?.breachStoredAt;
    if (seen === undefined) unobserved++;
    else {
      observedLatenessMs.push(seen - clock.deadline);
      lastSeen = Math.max(lastSeen, seen);
    }
  });
  const clearFrom = shape === 'burst' ? first : last;
  return {
    shape,
    cases: n,
    ...(shape === 'spread' && { windowMs }),
    startErrors: started.errors,
    startMs: started.wallMs,
    openedMs,
    opened,
    quietBeforeMs,
    lateStarts,
    deadlineOffsetMs,
    fired,
    sweepErrors: clocks.errors,
    notFired,
    workflowLatenessMs,
    observedLatenessMs,
    unobserved,
    inStore,
    clearWorkflowMs: fired > 0 ? lastBreach - clearFrom : undefined,
    clearObservedMs: observedLatenessMs.length > 0 ? lastSeen - clearFrom : undefined,
    memory: mem,
    cpuOpening: cpuBetween(cpuAtStart, cpuOpened),
    cpuFiring: cpuBetween(cpuOpened, cpuFired),
    firingMs,
    sinkWaitsMs,
    loadAvg: { start: loadStart, end: os.loadavg()[0] },
    wallMs: Date.now() - began,
  };
}
