import { SYSTEM_ACTOR } from '../domain/parties';
import { defineClock } from './clock-definition';
import type { CaseContext } from './context';

/**
 * Refund started within 1–3 working days of its conditions being met (spec §Deadlines). At the limit the platform
 * escalates and, by policy, refunds on the merchant's behalf and charges the merchant.
 */
export const REFUND_START = defineClock({
  name: 'refund_start',
  owner: 'merchant',
  terms: (policy) => ({ limit: policy.refundStart, warnAfter: policy.refundStartWarnAfter, breachAction: policy.refundStartTimeoutAction }),
  warn: (ctx) => ctx.effects.notifyMerchant('refund_reminder', `Case ${ctx.caseId}: the refund is due; the platform acts at the deadline.`),
  breach: async (ctx) => {
    ctx.escalate('platform', 'refund not started within the limit', SYSTEM_ACTOR, 'refund_start');
    if (ctx.policy.refundStartTimeoutAction === 'refund_on_behalf_of_merchant') {
      ctx.setFact('refundOnBehalfOfMerchant', true);
    }
  },
});

export function startRefundClock(ctx: CaseContext): void {
  ctx.startClock(REFUND_START);
}

export function refundAmountCents(ctx: CaseContext): number {
  return ctx.requireOrder().paidAmountCents;
}
