/**
 * 仅退款 (spec §Kinds 2), by ground:
 * - not_shipped: refund at once, no merchant review (seed 003: not shipped and the customer changes their mind);
 * - refused_delivery: wait for the courier's returned_to_sender scan, then the refund is due (its clock runs from then);
 * - price_difference: eligible when the promotion started within policy.priceDifferenceWindow of the purchase;
 *   the refund due is paid − promotion price;
 * - minor_defect: an agent proposes a partial refund (or a small gift); the customer accepts (refund due) or rejects
 *   (escalated to a senior agent, who may propose again). No answer within the confirmation window closes the case.
 */
import type { CasePolicy } from '../../policy';
import type { KindDetails, OrderSnapshot } from '../../domain/case';
import { SYSTEM_ACTOR } from '../../domain/parties';
import { addDuration } from '../../sla/calendar';
import type { CaseContext } from '../../case/context';
import { CASE_STAFF, type Playbook } from '../../case/playbook';
import { REFUND_START } from '../../case/refund-clock';
import { checkRefundAmount } from '../../case/steps/goods-return';
import { enterRefundDue, refundDueCommands, refundDueHandlers, refundDueSteps, refundNow } from '../../case/steps/refund-due';
import { checkDecision, checkProposal, CUSTOMER_DECISION, decideRemedy, proposeRemedy } from '../../case/steps/remedy';

type RefundOnlyDetails = Extract<KindDetails, { kind: 'refund_only' }>;

export const REFUND_ONLY_STATUS = {
  submitted: 'submitted',
  awaitingReturnToSender: 'awaiting_return_to_sender',
  awaitingRemedy: 'awaiting_remedy',
} as const;

export type PriceDifference = { eligible: true; amountCents: number } | { eligible: false; reason: string };

/** Pure: a promotion starting within the window after purchase entitles the customer to paid − promotion price. */
export function assessPriceDifference(order: OrderSnapshot, details: Pick<RefundOnlyDetails, 'promotionStartedAt' | 'promotionPriceCents'>, policy: CasePolicy): PriceDifference {
  const { promotionStartedAt, promotionPriceCents } = details;
  if (promotionStartedAt === undefined || promotionPriceCents === undefined) return { eligible: false, reason: 'promotion_unknown: promotionStartedAt and promotionPriceCents are required' };
  if (promotionStartedAt < order.purchasedAt) return { eligible: false, reason: 'promotion_before_purchase: the promotion had started when the order was placed' };
  if (promotionStartedAt > addDuration(order.purchasedAt, policy.priceDifferenceWindow, policy.calendar)) {
    return { eligible: false, reason: 'price_difference_window_passed: the promotion started too long after the purchase' };
  }
  const amountCents = order.paidAmountCents - promotionPriceCents;
  if (amountCents <= 0) return { eligible: false, reason: 'no_price_difference: the promotion price is not below the price paid' };
  return { eligible: true, amountCents };
}

function details(ctx: CaseContext): RefundOnlyDetails {
  const d = ctx.input.details;
  if (d.kind !== 'refund_only') throw new Error(`not a refund-only case: ${d.kind}`);
  return d;
}

async function rejectRequest(ctx: CaseContext, reason: string): Promise<void> {
  ctx.close(SYSTEM_ACTOR, 'rejected_ineligible', 'rejected', { reason });
  await ctx.effects.notifyCustomer('request_rejected', { reason });
}

async function intake(ctx: CaseContext): Promise<void> {
  const d = details(ctx);
  const order = ctx.requireOrder();
  const amountCents = d.amountCents ?? order.paidAmountCents;
  switch (d.ground) {
    case 'not_shipped':
      if (order.shippedAt !== undefined) return rejectRequest(ctx, 'already_shipped: the goods have left the warehouse; refuse the delivery or ask for a return');
      return refundNow(ctx, amountCents, 'not_shipped_refund');
    case 'refused_delivery':
      if (order.shippedAt === undefined) return rejectRequest(ctx, 'not_shipped_yet: ask for a refund of an order not shipped');
      ctx.view.shippingCostBearer = 'customer';
      ctx.transition(SYSTEM_ACTOR, 'awaiting_courier_return', REFUND_ONLY_STATUS.awaitingReturnToSender);
      return;
    case 'price_difference': {
      const result = assessPriceDifference(order, d, ctx.policy);
      if (!result.eligible) return rejectRequest(ctx, result.reason);
      enterRefundDue(ctx, SYSTEM_ACTOR, 'price_difference_confirmed', result.amountCents, 'price_difference_refund');
      return;
    }
    case 'minor_defect':
      ctx.view.responsibleParty = 'merchant';
      ctx.transition(SYSTEM_ACTOR, 'awaiting_remedy_proposal', REFUND_ONLY_STATUS.awaitingRemedy);
      return;
  }
}

export const refundOnlyPlaybook: Playbook = {
  steps: {
    ...refundDueSteps,
    [REFUND_ONLY_STATUS.submitted]: intake,
    [REFUND_ONLY_STATUS.awaitingReturnToSender]: async (ctx) => {
      await ctx.waitUntil(() => ctx.status !== REFUND_ONLY_STATUS.awaitingReturnToSender);
    },
    [REFUND_ONLY_STATUS.awaitingRemedy]: async (ctx) => {
      await ctx.waitUntil(() => ctx.status !== REFUND_ONLY_STATUS.awaitingRemedy);
    },
  },
  commands: {
    ...refundDueCommands,
    [REFUND_ONLY_STATUS.awaitingRemedy]: { propose_remedy: ['merchant', ...CASE_STAFF], customer_decision: ['customer'] },
  },
  checks: {
    start_refund: (ctx, p) => checkRefundAmount(ctx, p.amountCents),
    propose_remedy: (ctx, p) => checkProposal(ctx, p, ['partial_refund', 'gift']),
    customer_decision: (ctx) => checkDecision(ctx),
  },
  handlers: {
    ...refundDueHandlers,
    propose_remedy: (ctx, p) => proposeRemedy(ctx, p),
    customer_decision: (ctx, p) => {
      const agreed = decideRemedy(ctx, p);
      if (!agreed) {
        // Unresolved tickets go to senior customer service (spec §Quality); the case stays open for a new proposal.
        if (!ctx.view.escalations.some((e) => e.to === 'senior_agent')) ctx.escalate('senior_agent', 'the customer rejected the proposed remedy', p.actor);
      } else if (agreed.remedy === 'gift') {
        ctx.setFact('giftAgreed', agreed.description);
        ctx.close(p.actor, 'gift_agreed', 'compensated_with_gift', { data: { description: agreed.description } });
      } else {
        enterRefundDue(ctx, p.actor, 'partial_refund_agreed', agreed.amountCents!, 'minor_defect_partial_refund');
      }
    },
  },
  clocks: [REFUND_START, CUSTOMER_DECISION],
  onRemedyLapse: (ctx) => ctx.close(SYSTEM_ACTOR, 'closed_no_answer', 'no_agreement', { reason: 'the customer did not answer the proposed remedy' }),
  onPartnerEvent: {
    courier: (ctx, event) => {
      if (ctx.status !== REFUND_ONLY_STATUS.awaitingReturnToSender || event.event !== 'returned_to_sender') return;
      enterRefundDue(ctx, { id: 'courier', role: 'courier' }, 'returned_to_sender', details(ctx).amountCents ?? ctx.requireOrder().paidAmountCents, 'refused_delivery_refund');
    },
  },
};
