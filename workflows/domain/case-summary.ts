/**
 * Who owes what on a case, derived from its clocks and escalations: the figures supervisors filter and sort by.
 * Pure, so the workflow (for its view) and the store projection compute them the same way.
 */
import type { ClockState } from '../sla/clock';
import type { AuditEntry, Escalation, OpenBreach } from './case';
import type { Party } from './parties';

/** A deadline that passed and whose clock has not been satisfied since: someone still owes the step. */
export type { OpenBreach };

export interface CaseSummary {
  /** The earliest running or breached-and-unsatisfied deadline. */
  nextDeadline?: number;
  nextDeadlineClock?: string;
  owingParty?: Party;
  /** The party the case waits on: the owner of the earliest running clock, else of the earliest open breach, else the role it was escalated to. */
  waitingOn?: Party;
  openBreaches: OpenBreach[];
  /** Roles whose escalations are still open: raised since the case last changed status. */
  escalatedTo: Party[];
  /** Clocks that still run, are paused, or breached and unsatisfied. */
  openClocks: string[];
}

export interface SummaryInput {
  status: string;
  closedAt?: number;
  escalations: Escalation[];
  audit: AuditEntry[];
  clocks: ClockState[];
}

const isOpenBreach = (c: ClockState) => c.status === 'breached' && c.satisfiedAt === undefined;

export function summarizeCase(input: SummaryInput): CaseSummary {
  if (input.closedAt !== undefined) return { openBreaches: [], escalatedTo: [], openClocks: [] };
  const owing = input.clocks
    .filter((c) => c.status === 'running' || isOpenBreach(c))
    .sort((a, b) => a.deadline - b.deadline || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const next = owing[0];
  const openBreaches = input.clocks
    .filter(isOpenBreach)
    .map((c) => ({ clock: c.name, owingParty: c.owner as Party, deadline: c.deadline, breachedAt: c.breachedAt ?? c.deadline }))
    .sort((a, b) => a.deadline - b.deadline);
  const escalatedTo = openEscalationRoles(input.escalations, input.audit);
  const waitingOn = (owing.find((c) => c.status === 'running') ?? next)?.owner ?? escalatedTo[escalatedTo.length - 1];
  return {
    ...(next && { nextDeadline: next.deadline, nextDeadlineClock: next.name, owingParty: next.owner as Party }),
    ...(waitingOn && { waitingOn: waitingOn as Party }),
    openBreaches,
    escalatedTo,
    openClocks: input.clocks.filter((c) => c.status === 'running' || c.status === 'paused' || isOpenBreach(c)).map((c) => c.name),
  };
}

/** An escalation is answered once the case moves to another status; until then it sits in the role's queue. */
function openEscalationRoles(escalations: Escalation[], audit: AuditEntry[]): Party[] {
  let lastStatusChange = -Infinity;
  for (const entry of audit) if (entry.fromStatus !== entry.toStatus) lastStatusChange = Math.max(lastStatusChange, entry.at);
  const roles: Party[] = [];
  for (const e of escalations) if (e.at >= lastStatusChange && !roles.includes(e.to)) roles.push(e.to);
  return roles;
}
