/**
 * 换货 (spec §Kinds 3): the goods come back as in a return (goods-return path), then the replacement is reshipped through
 * the ERP and the case closes as exchanged when the customer confirms or the confirmation window passes.
 * Before the reship, convert_to_refund (replacement out of stock, or the customer changes their mind) turns the case
 * into a refund once the goods are accepted; an ERP refusal of the reship order converts it the same way.
 * Wrong item (seed 003): the customer may instead keep the item and settle the difference while the return has not
 * been shipped back yet: propose_remedy price_difference_refund (the customer receives it) or price_difference_charge
 * (the customer owes it: a charge against the customer), then customer_decision. While such a proposal awaits the
 * customer, the merchant-review and ship-back clocks are paused (no default approval, no abandonment); a rejected or
 * lapsed proposal resumes them with the time they had left.
 * The return postage the customer advanced is refunded once the goods are accepted (merchant's or courier's fault).
 */
import type { CaseStatus } from '../../domain/case';
import { allAccepted, claimedLines, exchangedItems } from '../../domain/item-claims';
import { ITEM_REFUND_PATCH } from '../../case/patches';
import { patchApplied } from '../../case/patch-baseline';
import { SYSTEM_ACTOR, type Role } from '../../domain/parties';
import { CLOSED, partnerRefusal, type CaseContext } from '../../case/context';
import { CASE_STAFF, commandRejected, type Playbook } from '../../case/playbook';
import { defineClock } from '../../case/clock-definition';
import { REFUND_START, refundAmountCents } from '../../case/refund-clock';
import {
  goodsReturnChecks,
  GOODS_RETURN_CLOCKS,
  goodsReturnCommands,
  goodsReturnHandlers,
  goodsReturnSteps,
  onReturnShipmentEvent,
  refundReturnPostage,
  returnDetails,
  GOODS_RETURN_STATUS,
  settleItemRefund,
} from '../../case/steps/goods-return';
import { enterRefundDue, refundDueCommands, refundDueHandlers, refundDueSteps } from '../../case/steps/refund-due';
import { agreedProposal, checkDecision, checkProposal, CUSTOMER_DECISION, decideRemedy, pendingProposal, proposeRemedy } from '../../case/steps/remedy';

export const EXCHANGE_STATUS = {
  awaitingConfirmation: 'awaiting_customer_confirmation',
  unresolved: 'exchange_unresolved',
  settling: 'settling_price_difference',
} as const;

const CONFIRMATION_CLOCK = 'customer_confirmation';

/** The customer confirms the replacement solved the problem; silence closes the exchange as done. */
const CUSTOMER_CONFIRMATION = defineClock({
  name: CONFIRMATION_CLOCK,
  owner: 'customer',
  terms: (policy) => ({ limit: policy.customerConfirmationTimeout, breachAction: policy.customerConfirmationTimeoutAction }),
  breach: (ctx) => {
    if (ctx.status === EXCHANGE_STATUS.awaitingConfirmation) ctx.close(SYSTEM_ACTOR, 'closed_without_confirmation', 'exchanged', { reason: 'the customer did not confirm within the limit' });
  },
});
const CONVERTIBLE = [GOODS_RETURN_STATUS.merchantReview, GOODS_RETURN_STATUS.platformReview, GOODS_RETURN_STATUS.shipBack, GOODS_RETURN_STATUS.inTransit, GOODS_RETURN_STATUS.inspection] as const;
const SETTLEABLE = [GOODS_RETURN_STATUS.merchantReview, GOODS_RETURN_STATUS.platformReview, GOODS_RETURN_STATUS.shipBack] as const;
const CONVERTERS: readonly Role[] = ['customer', 'merchant', ...CASE_STAFF];
/** The clocks of the return path that stand still while the customer decides whether to keep a wrong item. */
const HELD_WHILE_DECIDING = ['merchant_review', 'customer_ship_back'] as const;

function holdReturnClocks(ctx: CaseContext): void {
  for (const name of HELD_WHILE_DECIDING) ctx.pauseClock(name, 'a keep-and-settle proposal awaits the customer’s decision');
}

function releaseReturnClocks(ctx: CaseContext, reason: string): void {
  for (const name of HELD_WHILE_DECIDING) ctx.resumeClock(name, reason);
}

function exchangeDetails(ctx: CaseContext): { replacementSku?: string } {
  const d = ctx.input.details;
  return d.kind === 'exchange' ? d : {};
}

/** The replacement of an order-level exchange before item-level refunds: the requested sku (same quantity as ordered), else the ordered items again. */
export function replacementItems(ctx: CaseContext): Array<{ sku: string; quantity: number }> {
  const d = ctx.input.details;
  const items = ctx.requireOrder().items;
  if (d.kind === 'exchange' && d.replacementSku) return [{ sku: d.replacementSku, quantity: items[0]?.quantity ?? 1 }];
  return items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
}

/** An exchange turned refund: the accepted items (patch item-refund-lines), else the whole paid amount. */
function enterConvertedRefund(ctx: CaseContext, itemLevel: boolean): void {
  if (!itemLevel) {
    enterRefundDue(ctx, SYSTEM_ACTOR, 'refund_conditions_met', refundAmountCents(ctx), 'exchange_converted_to_refund');
    return;
  }
  const refund = settleItemRefund(ctx);
  enterRefundDue(ctx, SYSTEM_ACTOR, 'refund_conditions_met', refund.dueCents, 'exchange_converted_to_refund', undefined, refund.maxCents);
}

async function shipReplacement(ctx: CaseContext): Promise<void> {
  await refundReturnPostage(ctx);
  const itemLevel = patchApplied(ITEM_REFUND_PATCH);
  if (ctx.view.facts.convertedToRefund === true) {
    enterConvertedRefund(ctx, itemLevel);
    return;
  }
  // A partial exchange reships only the items asked for and accepted.
  const items = itemLevel ? exchangedItems(ctx.view.itemInspections ?? allAccepted(claimedLines(ctx.requireOrder(), returnDetails(ctx))), exchangeDetails(ctx).replacementSku) : replacementItems(ctx);
  let erpOrderId: string | undefined;
  try {
    erpOrderId = (await ctx.effects.reship(items, 'exchange_replacement')).erpOrderId;
  } catch (err) {
    const refusal = partnerRefusal(err);
    if (!refusal) throw err;
    // The ERP refuses the reship order (e.g. the replacement is out of stock): the exchange becomes a refund.
    ctx.setFact('convertedToRefund', true);
    ctx.record(SYSTEM_ACTOR, 'converted_to_refund', { reason: `replacement could not be reshipped: ${refusal.message}` });
    enterConvertedRefund(ctx, itemLevel);
    return;
  }
  ctx.startClock(CUSTOMER_CONFIRMATION);
  ctx.transition(SYSTEM_ACTOR, 'replacement_reshipped', EXCHANGE_STATUS.awaitingConfirmation, { data: { erpOrderId } });
}

const settleCommands = { propose_remedy: ['merchant', ...CASE_STAFF], customer_decision: ['customer'] } as const;

function commandsFor(status: CaseStatus): NonNullable<Playbook['commands'][CaseStatus]> {
  return {
    ...goodsReturnCommands[status],
    ...((CONVERTIBLE as readonly string[]).includes(status) && { convert_to_refund: CONVERTERS }),
    ...((SETTLEABLE as readonly string[]).includes(status) && settleCommands),
  };
}

export const exchangePlaybook: Playbook = {
  steps: {
    ...goodsReturnSteps,
    ...refundDueSteps,
    [GOODS_RETURN_STATUS.accepted]: shipReplacement,
    [EXCHANGE_STATUS.awaitingConfirmation]: async (ctx) => {
      await ctx.effects.notifyCustomer('replacement_shipped', { erpOrderId: ctx.view.reships[0]?.erpOrderId ?? '' });
      await ctx.waitUntil(() => ctx.status !== EXCHANGE_STATUS.awaitingConfirmation);
    },
    [EXCHANGE_STATUS.unresolved]: async (ctx) => {
      await ctx.waitUntil(() => ctx.status !== EXCHANGE_STATUS.unresolved);
    },
    [EXCHANGE_STATUS.settling]: async (ctx) => {
      const agreed = agreedProposal(ctx)!;
      const amountCents = agreed.amountCents ?? 0;
      if (agreed.remedy === 'price_difference_charge') {
        // The wrong item is dearer: the customer owes the difference, a liability recorded against the customer.
        ctx.charge('customer', amountCents, 'wrong_item_price_difference_owed');
        ctx.close(SYSTEM_ACTOR, 'price_difference_charged', 'kept_with_price_difference', { data: { amountCents, owedBy: 'customer' } });
        await ctx.effects.notifyCustomer('price_difference_due', { amountCents });
        return;
      }
      const refund = await ctx.effects.refund(amountCents, 'wrong_item_price_difference');
      ctx.close(SYSTEM_ACTOR, 'price_difference_refunded', 'kept_with_price_difference', { data: { amountCents: refund.amountCents, owedBy: 'merchant' } });
      await ctx.effects.notifyCustomer('refund_issued', { amountCents: refund.amountCents });
    },
  },
  commands: {
    ...Object.fromEntries(([...Object.values(GOODS_RETURN_STATUS), CLOSED] as CaseStatus[]).map((status) => [status, commandsFor(status)])),
    ...refundDueCommands,
    [EXCHANGE_STATUS.awaitingConfirmation]: { confirm_resolution: ['customer', ...CASE_STAFF] },
    [EXCHANGE_STATUS.unresolved]: { confirm_resolution: ['customer', ...CASE_STAFF] },
  },
  checks: {
    ...goodsReturnChecks,
    convert_to_refund: (ctx) => {
      if (ctx.view.facts.convertedToRefund === true) throw commandRejected('already_converted', 'the exchange is already converted to a refund');
    },
    propose_remedy: (ctx, p) => {
      if (returnDetails(ctx).reason !== 'wrong_item') throw commandRejected('remedy_not_allowed', 'keeping the goods against a price difference is offered for a wrong item only');
      checkProposal(ctx, p, ['price_difference_refund', 'price_difference_charge']);
      if (p.items?.length) throw commandRejected('invalid_items', 'a keep-and-settle proposal takes an amount, not items');
    },
    customer_decision: (ctx) => checkDecision(ctx),
  },
  handlers: {
    ...goodsReturnHandlers,
    ...refundDueHandlers,
    convert_to_refund: (ctx, p) => {
      ctx.setFact('convertedToRefund', true);
      ctx.record(p.actor, 'converted_to_refund', { reason: p.reason, evidence: p.evidence });
    },
    // A review while a keep-and-settle proposal is pending starts the ship-back clock: it waits for the decision too.
    merchant_review: async (ctx, p) => {
      await goodsReturnHandlers.merchant_review!(ctx, p);
      if (pendingProposal(ctx)) holdReturnClocks(ctx);
    },
    platform_review: async (ctx, p) => {
      await goodsReturnHandlers.platform_review!(ctx, p);
      if (pendingProposal(ctx)) holdReturnClocks(ctx);
    },
    propose_remedy: async (ctx, p) => {
      holdReturnClocks(ctx);
      await proposeRemedy(ctx, p);
    },
    customer_decision: (ctx, p) => {
      const agreed = decideRemedy(ctx, p);
      if (agreed) ctx.transition(p.actor, 'keeps_goods', EXCHANGE_STATUS.settling, { data: { remedy: agreed.remedy, amountCents: agreed.amountCents } });
      else releaseReturnClocks(ctx, 'the customer declined to keep the item');
    },
    confirm_resolution: (ctx, p) => {
      ctx.satisfyClock(CONFIRMATION_CLOCK);
      if (p.resolved) {
        ctx.close(p.actor, 'exchange_confirmed', 'exchanged', { reason: p.reason });
      } else if (ctx.status === EXCHANGE_STATUS.awaitingConfirmation) {
        ctx.escalate('senior_agent', p.reason ?? 'the customer reports the exchange did not resolve the problem', p.actor);
        ctx.transition(p.actor, 'exchange_disputed', EXCHANGE_STATUS.unresolved, { reason: p.reason });
      } else {
        ctx.record(p.actor, 'exchange_still_unresolved', { reason: p.reason });
      }
    },
  },
  clocks: [...GOODS_RETURN_CLOCKS, REFUND_START, CUSTOMER_DECISION, CUSTOMER_CONFIRMATION],
  onRemedyLapse: (ctx) => releaseReturnClocks(ctx, 'the customer did not answer the keep-and-settle proposal'),
  onPartnerEvent: { courier: onReturnShipmentEvent },
};
