/**
 * A case's clock history as the what-if simulation and the deadline forecast read it: each clock's start (and what it
 * counted from), its pauses, resumptions and extensions with who made them, how it ended (satisfied, breached,
 * cancelled, or still running), and the traits a policy version's overrides match on. Built from the view the worker
 * projects; a few hundred bytes per case, stored as one string (`h`) because FerretDB's cost is per decoded value.
 */
import type { CaseView } from '../../../workflows/domain/case';
import type { Limit } from '../../../workflows/sla/calendar';
import type { ClockState } from '../../../workflows/sla/clock';
import type { PriorityLevel } from '../../../workflows/policy-rules';
import { NO_MERCHANT } from '../reports/report-facts';

export type RecordedClock = Pick<ClockState, 'name' | 'owner' | 'status' | 'startedAt' | 'countedFrom' | 'deadline' | 'warned' | 'breachAction' | 'satisfiedAt' | 'cancelledAt' | 'breachedAt'>;

export interface ClockEvent {
  at: number;
  clock: string;
  type: 'pause' | 'resume' | 'extend';
  /** extend: the time added. */
  by?: Limit;
  /** Who did it: the actor's role (system for the workflow itself). */
  role: string;
}

export interface ClockHistory {
  caseId: string;
  version: number;
  kind: CaseView['kind'];
  openedAt: number;
  closedAt?: number;
  merchantId: string;
  category?: string;
  merchantTier?: string;
  /** The priority the case opened with, and each change after (registration, change-priority): overrides match on it. */
  priority?: PriorityLevel;
  priorityChanges: Array<{ at: number; priority: PriorityLevel }>;
  policyVersion: string;
  policyOverride?: string;
  clocks: RecordedClock[];
  events: ClockEvent[];
  /** Roles whose escalations are still open: the role queues the case sits in. */
  queues: string[];
}

/** What a simulation reads of a recorded clock. */
export type SimulatedClock = Pick<RecordedClock, 'name' | 'owner' | 'status' | 'startedAt' | 'countedFrom' | 'satisfiedAt' | 'cancelledAt' | 'breachAction'>;

/** What a simulation reads of a case's history: the API keeps the packed cases in this shape (chunk-cache.ts). */
export type SimulatedHistory = Pick<ClockHistory, 'caseId' | 'version' | 'kind' | 'openedAt' | 'merchantId' | 'category' | 'merchantTier' | 'priority' | 'priorityChanges' | 'events'> & {
  clocks: SimulatedClock[];
};

const EVENT_TYPES: Record<string, ClockEvent['type']> = { sla_paused: 'pause', sla_resumed: 'resume', sla_extended: 'extend' };

/** `queues`: the roles whose escalations are still open (the case summary's escalatedTo). */
export function toClockHistory(view: CaseView, queues: readonly string[]): ClockHistory {
  const audit = view.audit ?? [];
  const priorityChanges: ClockHistory['priorityChanges'] = [];
  let openingPriority = view.priority;
  for (const entry of audit) {
    const data = entry.data ?? {};
    const priority = entry.action === 'priority_changed' ? data.to : entry.action === 'registered' ? data.priority : undefined;
    if (typeof priority !== 'string') continue;
    // The first change names what the case had before it (a registration does not: the ticket had none).
    if (priorityChanges.length === 0) openingPriority = entry.action === 'priority_changed' ? (data.from as PriorityLevel | undefined) : undefined;
    priorityChanges.push({ at: entry.at, priority: priority as PriorityLevel });
  }
  const events: ClockEvent[] = [];
  for (const entry of audit) {
    const type = EVENT_TYPES[entry.action];
    const clock = entry.data?.clock;
    if (!type || typeof clock !== 'string') continue;
    events.push({ at: entry.at, clock, type, ...(type === 'extend' && { by: entry.data?.by as Limit }), role: entry.actor.role });
  }
  return {
    caseId: view.caseId,
    version: view.version,
    kind: view.kind,
    openedAt: view.openedAt,
    ...(view.closedAt !== undefined && { closedAt: view.closedAt }),
    merchantId: view.order?.merchantId ?? NO_MERCHANT,
    ...(view.order?.category !== undefined && { category: view.order.category }),
    ...(view.order?.merchantTier !== undefined && { merchantTier: view.order.merchantTier }),
    ...(openingPriority !== undefined && { priority: openingPriority }),
    priorityChanges,
    policyVersion: view.policyVersion,
    ...(view.policyOverride !== undefined && { policyOverride: view.policyOverride }),
    clocks: (view.clocks ?? []).map(recordedClock),
    events,
    queues: [...queues],
  };
}

function recordedClock(c: ClockState): RecordedClock {
  const { name, owner, status, startedAt, countedFrom, deadline, warned, breachAction, satisfiedAt, cancelledAt, breachedAt } = c;
  const optional = { countedFrom, satisfiedAt, cancelledAt, breachedAt };
  return { name, owner, status, startedAt, deadline, warned, breachAction, ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) };
}

/** The case's priority at `at`: the last change at or before it, else the one it opened with. */
export function priorityAt(history: Pick<ClockHistory, 'priority' | 'priorityChanges'>, at: number): PriorityLevel | undefined {
  let priority = history.priority;
  for (const change of history.priorityChanges) if (change.at <= at) priority = change.priority;
  return priority;
}

/** The case's priority now, for grouping. */
export const currentPriority = (history: Pick<ClockHistory, 'priority' | 'priorityChanges'>): PriorityLevel | undefined => priorityAt(history, Infinity);
