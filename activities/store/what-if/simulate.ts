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
import { addDuration, type BusinessCalendar, type Limit } from '../../../workflows/sla/calendar';
import { cancelClock, extendClock, markBreached, markWarned, nextDue, pauseClock, resumeClock, retimeClock, satisfyClock, startClock, type ClockSpec, type ClockState } from '../../../workflows/sla/clock';
import { clockOutcome, type ClockOutcome } from '../reports/report-facts';
import { priorityAt, type ClockEvent, type SimulatedClock, type SimulatedHistory } from './clock-history';

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

/** A clock's terms under one policy, with its limit as a string to compare limits by. */
interface Terms {
  spec: ClockSpec;
  limitKey: string;
}

/**
 * One simulation: a version's rules judged at `now`. What does not depend on the case is worked out once per simulation
 * and kept: the policy per set of case traits (its overrides matched), each clock's terms under each such policy.
 *
 * `shortCut` (the default): a clock with no step between its start and its end (no pause, resumption or extension, no
 * priority change that changes its limit) is judged from its deadline alone, as the workflow's clock would end: breached
 * when the deadline falls before its end (or before `now` when it has none), else as it ended. Its deadline is the
 * workflow's own arithmetic (clockSpecAt, addDuration); the rest of the clock's state (warning, the copies each step
 * makes) changes no outcome and costs most of a re-timing. Every other clock is run through the workflow's clock
 * functions step by step. test/unit/what-if-simulate.test.ts checks that both ways answer the same.
 */
export class CaseSimulator {
  private readonly policies = new Map<string, CasePolicy>();
  private readonly terms = new Map<CasePolicy, Map<string, Terms | undefined>>();
  private readonly calendar: BusinessCalendar;

  constructor(
    private readonly rules: PolicyRules<CasePolicy>,
    private readonly definitions: Map<string, ClockDefinition>,
    private readonly now: number,
    private readonly shortCut = true,
  ) {
    this.calendar = rules.base.calendar;
  }

  simulate(history: SimulatedHistory): CaseSimulation {
    const clocks: ClockComparison[] = [];
    for (const recorded of history.clocks) {
      const definition = this.definitions.get(recorded.name);
      if (!definition) return { gap: 'unknown_clock' };
      const events = history.events.length ? history.events.filter((e) => e.clock === recorded.name) : NO_EVENTS;
      if (events.some((e) => e.at < recorded.startedAt)) return { gap: 'clock_restarted' };
      if (recorded.status === 'paused' && !events.some((e) => e.type === 'pause')) return { gap: 'paused_without_record' };
      const simulated = this.retime(history, recorded, definition, events);
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

  private policyAt(history: SimulatedHistory, at: number): CasePolicy {
    const traits = { kind: history.kind, priority: priorityAt(history, at), category: history.category, merchantTier: history.merchantTier };
    const key = `${traits.kind}\u0000${traits.priority ?? ''}\u0000${traits.category ?? ''}\u0000${traits.merchantTier ?? ''}`;
    let policy = this.policies.get(key);
    if (!policy) this.policies.set(key, (policy = matchPolicy(this.rules, traits).policy));
    return policy;
  }

  /** The clock's terms under `policy` as it starts without countedFrom; undefined when the policy gives it no limit. */
  private termsOf(definition: ClockDefinition, policy: CasePolicy): Terms | undefined {
    let byClock = this.terms.get(policy);
    if (!byClock) this.terms.set(policy, (byClock = new Map()));
    if (byClock.has(definition.name)) return byClock.get(definition.name);
    const limit = definition.terms(policy).limit;
    const terms = limit ? { spec: clockSpecAt(definition, policy, {}, 0), limitKey: JSON.stringify(limit) } : undefined;
    byClock.set(definition.name, terms);
    return terms;
  }

  /** The recorded clock run again; undefined when the version gives it no limit. */
  private retime(history: SimulatedHistory, recorded: SimulatedClock, definition: ClockDefinition, events: ClockEvent[]): Pick<ClockState, 'status' | 'breachAction'> | undefined {
    const policy = this.policyAt(history, recorded.startedAt);
    const terms = this.termsOf(definition, policy);
    if (!terms) return undefined;
    const spec = recorded.countedFrom === undefined ? terms.spec : clockSpecAt(definition, policy, { countedFrom: recorded.countedFrom }, recorded.startedAt);
    const steps = this.steps(history, recorded, definition, events);
    if (steps.length === 0 && this.shortCut) return this.ended(recorded, spec);
    let state = startClock(spec, recorded.startedAt, this.calendar);
    let cursor = recorded.startedAt;
    for (const step of steps) {
      state = advance(state, cursor, step.at);
      cursor = Math.max(cursor, step.at);
      state = step.apply(state);
    }
    const end = recorded.satisfiedAt ?? recorded.cancelledAt;
    if (end === undefined) return advance(state, cursor, this.now);
    state = advance(state, cursor, end);
    return recorded.satisfiedAt !== undefined ? satisfyClock(state, end) : cancelClock(state, end);
  }

  /**
   * A clock without steps, as advance then satisfyClock / cancelClock leave it: its breach fires when its deadline falls
   * before its end (a step done at its deadline is in time), and a breached clock stays breached.
   */
  private ended(recorded: SimulatedClock, spec: ClockSpec): Pick<ClockState, 'status' | 'breachAction'> {
    const deadline = addDuration(recorded.startedAt, spec.limit, this.calendar);
    const end = recorded.satisfiedAt ?? recorded.cancelledAt ?? this.now;
    const status = deadline < end ? 'breached' : recorded.satisfiedAt !== undefined ? 'satisfied' : recorded.cancelledAt !== undefined ? 'cancelled' : 'running';
    return { status, breachAction: spec.breachAction };
  }

  /** The clock's recorded pauses, resumptions and extensions, and the case's priority changes (a new limit), in order. */
  private steps(history: SimulatedHistory, recorded: SimulatedClock, definition: ClockDefinition, events: ClockEvent[]): Step[] {
    if (events.length === 0 && history.priorityChanges.length === 0) return NO_STEPS;
    const calendar = this.calendar;
    const end = recorded.satisfiedAt ?? recorded.cancelledAt ?? Infinity;
    const out: Step[] = events.filter((e) => e.at <= end).map((e) => ({
      at: e.at,
      apply: (s: ClockState) => (e.type === 'pause' ? pauseClock(s, e.at) : e.type === 'resume' ? resumeClock(s, e.at) : e.by ? extendClock(s, e.by, calendar) : s),
    }));
    for (const change of history.priorityChanges) {
      if (change.at < recorded.startedAt || change.at >= end) continue;
      const before = this.termsOf(definition, this.policyAt(history, change.at - 1));
      const after = this.termsOf(definition, this.policyAt(history, change.at));
      if (before?.limitKey !== after?.limitKey) out.push({ at: change.at, apply: (s) => retimeClock(s, after?.spec.limit as Limit, calendar) });
    }
    return out.sort((a, b) => a.at - b.at);
  }
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
