/**
 * A deadline defined once: its name, the party that owes the step, its terms (limit, warning and breach action, from
 * the case's policy when it starts) and what the case does at the warning and at the breach. A playbook lists the
 * clocks it runs; starting one takes its definition, and its actions are that definition's when it fires.
 */
import type { Party } from '../domain/parties';
import type { Limit } from '../sla/calendar';
import type { ClockSpec, ClockState } from '../sla/clock';
import type { CaseContext } from './context';

export type ClockTerms = Pick<ClockSpec, 'limit' | 'warnAfter' | 'warnBefore' | 'breachAction'>;

export interface ClockDefinition {
  name: string;
  owner: Party;
  terms(ctx: CaseContext): ClockTerms;
  warn?(ctx: CaseContext, clock: ClockState): Promise<void> | void;
  breach(ctx: CaseContext, clock: ClockState): Promise<void> | void;
}

/** Options of one start: a limit of its own (e.g. what is left of the policy's limit counted from receipt). */
export interface ClockStart {
  limit?: Limit;
}

export function defineClock(definition: ClockDefinition): ClockDefinition {
  return definition;
}

/** The spec a clock starts with. */
export function clockSpec(definition: ClockDefinition, ctx: CaseContext, start: ClockStart = {}): ClockSpec {
  return { name: definition.name, ...definition.terms(ctx), ...(start.limit && { limit: start.limit }), owner: definition.owner };
}
