/**
 * A deadline defined once: its name, the party that owes the step, its terms (limit, warning and breach action, from
 * the case's policy) and what the case does at the warning and at the breach. A playbook lists the clocks it runs;
 * starting one takes its definition, and its actions are that definition's when it fires.
 */
import { workflowNow } from '../clock-source';
import type { Party } from '../domain/parties';
import type { CasePolicy } from '../policy';
import { addDuration, type Limit } from '../sla/calendar';
import type { ClockSpec, ClockState } from '../sla/clock';
import type { CaseContext } from './context';

export type ClockTerms = Pick<ClockSpec, 'limit' | 'warnAfter' | 'warnBefore' | 'breachAction'>;

export interface ClockDefinition {
  name: string;
  owner: Party;
  terms(policy: CasePolicy): ClockTerms;
  warn?(ctx: CaseContext, clock: ClockState): Promise<void> | void;
  breach(ctx: CaseContext, clock: ClockState): Promise<void> | void;
}

/** Options of one start: the limit counts from an earlier instant (e.g. when a ticket was received), not from now. */
export interface ClockStart {
  countedFrom?: number;
}

export function defineClock(definition: ClockDefinition): ClockDefinition {
  return definition;
}

/** The spec a clock starts with under `policy`. */
export function clockSpec(definition: ClockDefinition, policy: CasePolicy, start: ClockStart = {}): ClockSpec {
  return clockSpecAt(definition, policy, start, workflowNow());
}

/** The spec a clock started at `now` has under `policy` (pure: the what-if simulation re-times recorded starts with it). */
export function clockSpecAt(definition: ClockDefinition, policy: CasePolicy, start: ClockStart, now: number): ClockSpec {
  const terms = definition.terms(policy);
  const counted = start.countedFrom === undefined ? {} : { limit: limitLeft(terms.limit, start.countedFrom, policy, now), countedFrom: start.countedFrom };
  return { name: definition.name, ...terms, ...counted, owner: definition.owner };
}

/**
 * What is left now of `limit` counted from `from`. When `from` is now (or ahead, e.g. a skewed client clock) the limit
 * is used as is, so a working-day limit stays a working-day limit; otherwise the deadline is computed from `from` on
 * the business calendar and the clock gets the minutes that remain (zero when it is already past: it breaches at once).
 */
function limitLeft(limit: Limit, from: number, policy: CasePolicy, now: number): Limit {
  if (!Number.isFinite(from) || from >= now) return limit;
  const deadline = addDuration(from, limit, policy.calendar);
  return { minutes: Math.max(0, deadline - now) / 60_000 };
}
