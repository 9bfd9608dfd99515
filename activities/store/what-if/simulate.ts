/**
 * Re-times one case's recorded clocks under another policy version: each clock starts where it started (counting from
 * where it counted from), under the version's limit for the case (its overrides matched on the case's traits and its
 * priority at the time, its calendar), then takes its recorded pauses, resumptions, extensions and priority changes in
 * order, and ends where it ended. The arithmetic is the workflow's own (workflows/sla/clock.ts and the playbooks' clock
 * definitions), so a case simulated under the version it ran with comes out as it ran.
 *
 * What is assumed: a step is done when it was done (a party that acted after 30 h acts after 30 h under any limit), and a
 * step never done stays undone (its clock breaches at whatever deadline the version gives). Later steps keep their
 * recorded times even where an earlier default action would have moved them.
 */
import { clockSpecAt, type ClockDefinition } from '../../../workflows/case/clock-definition';
import { playbookFor, supportedKinds } from '../../../workflows/kinds/playbooks';
import type { CasePolicy } from '../../../workflows/policy';
import { matchPolicy, type PolicyRules } from '../../../workflows/policy-rules';
import type { BusinessCalendar } from '../../../workflows/sla/calendar';
import { cancelClock, extendClock, markBreached, markWarned, nextDue, pauseClock, resumeClock, retimeClock, satisfyClock, startClock, type ClockState } from '../../../workflows/sla/clock';
import { clockOutcome, type ClockOutcome } from '../reports/report-facts';
import { priorityAt, type ClockEvent, type ClockHistory, type RecordedClock } from './clock-history';

/** Why a case's history cannot be re-timed; such cases are counted apart. */
export type HistoryGap = 'unknown_clock' | 'no_limit_in_version' | 'clock_restarted' | 'paused_without_record';

export interface ClockComparison {
  name: string;
  owner: string;
  /** Undefined: the clock was cancelled before anything was owed. */
  actual?: ClockOutcome;
  simulated?: ClockOutcome;
  /** The default action at the breach, when the clock breached. */
  actualAction?: string;
  simulatedAction?: string;
}

export type CaseSimulation = { clocks: ClockComparison[] } | { gap: HistoryGap };

/** Every clock a playbook runs, by name (the first playbook's definition of a shared clock). */
export function clockDefinitions(): Map<string, ClockDefinition> {
  const byName = new Map<string, ClockDefinition>();
  for (const kind of supportedKinds()) for (const clock of playbookFor(kind).clocks) if (!byName.has(clock.name)) byName.set(clock.name, clock);
  return byName;
}

type Step = { at: number; apply: (s: ClockState) => ClockState };
const NO_EVENTS: ClockEvent[] = [];
const NO_STEPS: Step[] = [];

export function simulateCase(history: ClockHistory, rules: PolicyRules<CasePolicy>, definitions: Map<string, ClockDefinition>, now: number): CaseSimulation {
  const clocks: ClockComparison[] = [];
  for (const recorded of history.clocks) {
    const definition = definitions.get(recorded.name);
    if (!definition) return { gap: 'unknown_clock' };
    const events = history.events.length ? history.events.filter((e) => e.clock === recorded.name) : NO_EVENTS;
    if (events.some((e) => e.at < recorded.startedAt)) return { gap: 'clock_restarted' };
    if (recorded.status === 'paused' && !events.some((e) => e.type === 'pause')) return { gap: 'paused_without_record' };
    const simulated = retime(history, recorded, definition, rules, events, now);
    if (!simulated) return { gap: 'no_limit_in_version' };
    const actual = clockOutcome(recorded.status);
    const outcome = clockOutcome(simulated.status);
    const comparison: ClockComparison = { name: recorded.name, owner: recorded.owner };
    if (actual) comparison.actual = actual;
    if (outcome) comparison.simulated = outcome;
    if (actual === 'breached') comparison.actualAction = recorded.breachAction;
    if (outcome === 'breached') comparison.simulatedAction = simulated.breachAction;
    clocks.push(comparison);
  }
  return { clocks };
}

function policyFor(history: ClockHistory, rules: PolicyRules<CasePolicy>, at: number) {
  return matchPolicy(rules, { kind: history.kind, priority: priorityAt(history, at), category: history.category, merchantTier: history.merchantTier }).policy;
}

/** The recorded clock run again under `rules`; undefined when the version gives it no limit. */
function retime(history: ClockHistory, recorded: RecordedClock, definition: ClockDefinition, rules: PolicyRules<CasePolicy>, events: ClockEvent[], now: number): ClockState | undefined {
  const policy = policyFor(history, rules, recorded.startedAt);
  if (!definition.terms(policy).limit) return undefined;
  const calendar = rules.base.calendar;
  const start = recorded.countedFrom === undefined ? {} : { countedFrom: recorded.countedFrom };
  let state = startClock(clockSpecAt(definition, policy, start, recorded.startedAt), recorded.startedAt, calendar);
  let cursor = recorded.startedAt;
  for (const step of steps(history, recorded, definition, rules, events, calendar)) {
    state = advance(state, cursor, step.at);
    cursor = Math.max(cursor, step.at);
    state = step.apply(state);
  }
  const end = recorded.satisfiedAt ?? recorded.cancelledAt;
  if (end === undefined) return advance(state, cursor, now);
  state = advance(state, cursor, end);
  return recorded.satisfiedAt !== undefined ? satisfyClock(state, end) : cancelClock(state, end);
}

/** The clock's recorded pauses, resumptions and extensions, and the case's priority changes (a new limit), in order. */
function steps(history: ClockHistory, recorded: RecordedClock, definition: ClockDefinition, rules: PolicyRules<CasePolicy>, events: ClockEvent[], calendar: BusinessCalendar): Step[] {
  if (events.length === 0 && history.priorityChanges.length === 0) return NO_STEPS;
  const end = recorded.satisfiedAt ?? recorded.cancelledAt ?? Infinity;
  const out: Step[] = events.filter((e) => e.at <= end).map((e) => ({
    at: e.at,
    apply: (s: ClockState) => (e.type === 'pause' ? pauseClock(s, e.at) : e.type === 'resume' ? resumeClock(s, e.at) : e.by ? extendClock(s, e.by, calendar) : s),
  }));
  for (const change of history.priorityChanges) {
    if (change.at < recorded.startedAt || change.at >= end) continue;
    const before = definition.terms(policyFor(history, rules, change.at - 1)).limit;
    const after = definition.terms(policyFor(history, rules, change.at)).limit;
    if (JSON.stringify(before) !== JSON.stringify(after)) out.push({ at: change.at, apply: (s) => retimeClock(s, after, calendar) });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Fires the warnings and the breach that fall due after `from` and before `to`, at their instants, as the workflow's
 * timers would. Due exactly at `to` is left to after the event at `to`: the workflow runs a message before a timer of
 * the same instant, so a step done at its deadline is done in time.
 */
function advance(state: ClockState, from: number, to: number): ClockState {
  let s = state;
  let at = from;
  for (;;) {
    const due = nextDue([s], at);
    if (!due || due.at >= to) return s;
    at = Math.max(at, due.at);
    s = due.kind === 'warn' ? markWarned(s) : markBreached(s, due.at);
  }
}
