/**
 * Case store seeds for the read-side API tests: a case described by its clocks and escalations becomes a CaseView, and
 * is written the way the worker writes it (toCaseProjection, then the ProjectionWriter), so the summary fields the
 * routes query (nextDeadline, openBreaches, openClocks, escalatedTo, …) come from the same code as in production.
 */
import type mongoose from 'mongoose';
import { toCaseProjection } from '../../activities/store/case-activities';
import { ProjectionWriter } from '../../activities/store/projection-writer';
import type { CaseKind, CaseView } from '../../workflows/domain/case';
import type { Party } from '../../workflows/domain/parties';
import type { ClockState, ClockStatus } from '../../workflows/sla/clock';

export const HOUR = 3_600_000;

export interface SeedClock {
  name: string;
  owner: Party;
  deadline: number;
  /** running unless given; 'breached' records breachedAt (the deadline unless given). */
  status?: ClockStatus;
  breachedAt?: number;
  satisfiedAt?: number;
  warned?: boolean;
}

export interface SeedCase {
  id: string;
  kind?: CaseKind;
  status?: string;
  merchantId?: string;
  customerId?: string;
  agentId?: string;
  priority?: CaseView['priority'];
  openedAt: number;
  lastTransitionAt?: number;
  /** Set: the case has its outcome (closed). */
  closedAt?: number;
  clocks?: SeedClock[];
  escalations?: Array<{ to: Party; at: number; clock?: string }>;
  /** The case last changed status at this time (an escalation raised before it is answered). Default: openedAt. */
  statusChangedAt?: number;
  refundBlocked?: boolean;
  version?: number;
}

function clockState(c: SeedClock, startedAt: number): ClockState {
  const status = c.status ?? 'running';
  return {
    name: c.name,
    limit: { hours: 48 },
    breachAction: 'notify',
    owner: c.owner,
    status,
    startedAt,
    deadline: c.deadline,
    warned: c.warned ?? false,
    ...(status === 'breached' && { breachedAt: c.breachedAt ?? c.deadline }),
    ...(status === 'paused' && { pausedAt: startedAt, remainingMs: c.deadline - startedAt }),
    ...(c.satisfiedAt !== undefined && { satisfiedAt: c.satisfiedAt }),
  };
}

export function seedView(c: SeedCase): CaseView {
  const status = c.status ?? 'awaiting_merchant_review';
  const clocks = (c.clocks ?? []).map((clock) => clockState(clock, c.openedAt));
  const statusChangedAt = c.statusChangedAt ?? c.openedAt;
  const actor = { id: 'case-workflow', role: 'system' as const };
  return {
    caseId: c.id,
    kind: c.kind ?? 'return',
    status,
    version: c.version ?? 1,
    policyVersion: 'seed',
    openedAt: c.openedAt,
    lastTransitionAt: c.lastTransitionAt ?? statusChangedAt,
    ...(c.closedAt !== undefined && { closedAt: c.closedAt, outcome: 'refunded' }),
    channel: 'online',
    customer: { name: 'Seed Customer', phone: '+86 138 0000 0000' },
    order: {
      orderId: `order-${c.id}`,
      merchantId: c.merchantId ?? 'seed-m1',
      customerId: c.customerId ?? 'seed-c1',
      paidAmountCents: 1000,
      currency: 'CNY',
      purchasedAt: c.openedAt - 72 * HOUR,
      category: 'kitchen',
      items: [{ sku: 'sku-1', name: 'Item', quantity: 1, unitPriceCents: 1000 }],
    },
    description: 'seeded case',
    details: { kind: 'return', reason: 'quality_defect' },
    ...(c.agentId !== undefined && { assignedAgentId: c.agentId }),
    ...(c.priority !== undefined && { priority: c.priority }),
    refunds: [],
    reships: [],
    charges: [],
    escalated: (c.escalations ?? []).length > 0,
    escalations: (c.escalations ?? []).map((e) => ({ at: e.at, to: e.to, reason: 'seeded escalation', ...(e.clock && { clock: e.clock }) })),
    breached: clocks.some((k) => k.status === 'breached'),
    clocks,
    audit: [
      { seq: 1, at: c.openedAt, actor, action: 'submitted', fromStatus: 'submitted', toStatus: status },
      ...(statusChangedAt > c.openedAt ? [{ seq: 2, at: statusChangedAt, actor, action: 'moved_on', fromStatus: 'submitted', toStatus: status }] : []),
    ],
    facts: c.refundBlocked ? { refundBlocked: true } : {},
  } as CaseView;
}

/** Writes the cases to the store as the worker's projection activity does (every write answered 'written'). */
export async function seedCases(store: mongoose.Connection, cases: SeedCase[]): Promise<void> {
  const writer = new ProjectionWriter(store);
  const outcomes = await Promise.all(cases.map((c) => writer.save(toCaseProjection(seedView(c)))));
  const stale = outcomes.flatMap((o, i) => (o === 'written' ? [] : [cases[i].id]));
  if (stale.length > 0) throw new Error(`seeds not written (a newer version is stored): ${stale.join(', ')}`);
}
