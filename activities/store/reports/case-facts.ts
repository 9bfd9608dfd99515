/** What the reports read off one case view: its merchant, reason, agent, outcome and clocks. */
import type { CaseView } from '../../../workflows/domain/case';

export const NO_MERCHANT = '(none)';
export const UNASSIGNED = '(unassigned)';

/**
 * Audit actions by which a party contests a decision: the customer rejects a proposed remedy, disputes an exchange or
 * says a feedback ticket is not resolved. The workflow records no single "dispute" fact; these are the ones it has.
 */
export const DISPUTE_ACTIONS: readonly string[] = ['remedy_rejected', 'exchange_disputed', 'resolution_rejected'];

export const merchantOf = (v: CaseView): string => v.order?.merchantId ?? NO_MERCHANT;
export const agentOf = (v: CaseView): string => v.assignedAgentId ?? UNASSIGNED;

/** The problem type within a kind: a return or exchange reason, a refund-only ground, a feedback type, a hazard. */
export function reasonOf(v: CaseView): string {
  const d = v.details;
  switch (d.kind) {
    case 'return':
    case 'exchange':
      return d.reason;
    case 'refund_only':
      return d.ground;
    case 'feedback':
      return d.feedbackType;
    case 'safety':
      return 'safety_hazard';
  }
}

/** Closed cases only: the time from opening to the outcome. */
export const handlingMs = (v: CaseView): number | undefined => (v.closedAt === undefined ? undefined : v.closedAt - v.openedAt);

/** A refund the customer got: paid by the payment partner or settled offline. */
export const wasRefunded = (v: CaseView): boolean => (v.refunds ?? []).some((r) => r.status === 'succeeded' || r.status === 'settled_offline');

export const wasDisputed = (v: CaseView): boolean => (v.audit ?? []).some((a) => DISPUTE_ACTIONS.includes(a.action));

export type ClockOutcome = 'met' | 'breached' | 'pending';

/**
 * A clock is met when it was satisfied before its deadline, breached when its deadline passed (done late or not at
 * all), pending while it runs or is paused. A cancelled clock was never owed (its step did not happen) and is left out.
 */
export function clockOutcome(status: string): ClockOutcome | undefined {
  if (status === 'satisfied') return 'met';
  if (status === 'breached') return 'breached';
  if (status === 'running' || status === 'paused') return 'pending';
  return undefined;
}
