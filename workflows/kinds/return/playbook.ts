/** 退货退款: return the goods, then refund to the original payment method (spec §Return flow). */
import { SYSTEM_ACTOR } from '../../domain/parties';
import { CASE_STAFF, type Playbook } from '../../case/playbook';
import { ITEM_REFUND_PATCH } from '../../case/patches';
import { patchApplied } from '../../case/patch-baseline';
import { REFUND_START, startRefundClock } from '../../case/refund-clock';
import {
  goodsReturnChecks,
  GOODS_RETURN_CLOCKS,
  goodsReturnCommands,
  goodsReturnHandlers,
  goodsReturnSteps,
  onReturnShipmentEvent,
  refundReturnPostage,
  refundToPay,
  GOODS_RETURN_STATUS,
  settleItemRefund,
} from '../../case/steps/goods-return';

const REFUND_DUE = 'refund_due';

export const returnPlaybook: Playbook = {
  steps: {
    ...goodsReturnSteps,
    [GOODS_RETURN_STATUS.accepted]: async (ctx) => {
      startRefundClock(ctx);
      await refundReturnPostage(ctx);
      if (patchApplied(ITEM_REFUND_PATCH)) {
        const refund = settleItemRefund(ctx);
        if (refund.maxCents === 0) {
          ctx.satisfyClock('refund_start');
          ctx.close(SYSTEM_ACTOR, 'nothing_to_refund', 'refunded', { reason: 'the accepted items are worth nothing after deductions', data: { lines: refund.lines } });
          return;
        }
        ctx.transition(SYSTEM_ACTOR, 'refund_conditions_met', REFUND_DUE, { data: { amountCents: refund.dueCents, maxCents: refund.maxCents } });
        return;
      }
      ctx.transition(SYSTEM_ACTOR, 'refund_conditions_met', REFUND_DUE);
    },
    [REFUND_DUE]: async (ctx) => {
      await ctx.effects.notifyMerchant('refund_due', `Case ${ctx.caseId}: goods accepted, please start the refund.`);
      await ctx.waitUntil(() => ctx.view.facts.refundRequested === true || ctx.view.facts.refundOnBehalfOfMerchant === true);
      const onBehalf = ctx.view.facts.refundRequested !== true;
      const refund = await ctx.effects.refund(refundToPay(ctx), 'return_refund', onBehalf);
      ctx.satisfyClock('refund_start');
      ctx.close(SYSTEM_ACTOR, 'refunded', 'refunded', { data: { amountCents: refund.amountCents, onBehalfOfMerchant: onBehalf } });
      await ctx.effects.notifyCustomer('refund_issued', { amountCents: refund.amountCents });
    },
  },
  commands: {
    ...goodsReturnCommands,
    [REFUND_DUE]: { start_refund: ['merchant', ...CASE_STAFF] },
  },
  checks: goodsReturnChecks,
  handlers: {
    ...goodsReturnHandlers,
    start_refund: (ctx, p) => {
      ctx.setFact('refundRequested', true);
      if (p.amountCents !== undefined) ctx.setFact('refundRequestedAmountCents', p.amountCents);
      ctx.record(p.actor, 'refund_requested', { reason: p.reason, ...(p.amountCents !== undefined && { data: { amountCents: p.amountCents } }) });
    },
  },
  clocks: [...GOODS_RETURN_CLOCKS, REFUND_START],
  onPartnerEvent: { courier: onReturnShipmentEvent },
};
