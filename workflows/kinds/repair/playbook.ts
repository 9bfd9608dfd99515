/**
 * 维修 (issue 9; seed 000 三(二), 001 维修处理): warranty check at intake (policy.warrantyByCategory); in warranty and no
 * misuse → free repair, else the provider's diagnosis carries a quote the customer accepts (repair goes on) or declines
 * (the goods come back unrepaired, closed). The goods reach the provider by courier pickup or drop-off; the case
 * dispatches the repair once (idempotency key per case) and follows the provider's callbacks (repair_event signals,
 * deduplicated). Clocks: repair_turnaround (the provider's, warned and escalated at breach; paused while a quote awaits
 * the customer), repair_quote_decision (silence = declined), repair_confirmation (silence = accepted). Unrepairable or
 * still faulty → the customer chooses return-and-refund, exchange (ERP reship) or a discount refund (refund_due path)
 * within repair_remedy_choice (else a senior agent is escalated to; staff may choose for the customer).
 */
import type { RepairEvent } from '../../messages';
import { SYSTEM_ACTOR } from '../../domain/parties';
import { claimedPrices } from '../../domain/item-claims';
import { checkWarranty } from '../../domain/warranty';
import { workflowNow } from '../../clock-source';
import { partnerActions } from '../../case/activities';
import { REPAIR_COLLECTION_CLOCK_PATCH, REPAIR_EXCHANGE_REFUSED_PATCH, REPAIR_RETURN_PATCH, REPAIR_UNREPAIRED_RETURN_PATCH } from '../../case/patches';
import { patchApplied } from '../../case/patch-baseline';
import { defineClock } from '../../case/clock-definition';
import { partnerRefusal, type CaseContext } from '../../case/context';
import { CASE_STAFF, commandRejected, type Playbook } from '../../case/playbook';
import { REFUND_START } from '../../case/refund-clock';
import { checkRefundAmount, CUSTOMER_SHIP_BACK, goodsReturnChecks, goodsReturnHandlers, goodsReturnSteps, MERCHANT_INSPECTION, onReturnShipmentEvent, refundReturnPostage, takeReturnCourier, GOODS_RETURN_STATUS } from '../../case/steps/goods-return';
import { enterRefundDue, refundDueCommands, refundDueHandlers, refundDueSteps } from '../../case/steps/refund-due';

export const REPAIR_STATUS = {
  submitted: 'submitted',
  collection: 'awaiting_collection',
  atProvider: 'at_repair_provider',
  quote: 'awaiting_quote_decision',
  confirmation: 'awaiting_repair_confirmation',
  remedy: 'awaiting_repair_remedy',
  returningUnrepaired: 'returning_unrepaired',
} as const;

const PROVIDER: CaseContext['input']['openedBy'] = { id: 'repair-provider', role: 'repair_provider' };

function repairDetails(ctx: CaseContext): { sku: string; fault: string; misuse?: boolean } {
  const d = ctx.input.details;
  if (d.kind !== 'repair') throw new Error(`not a repair: ${d.kind}`);
  return d;
}

/** The price paid for one unit of the item under repair (a refund or discount never exceeds it). */
export function repairItemPrice(ctx: CaseContext): number {
  return claimedPrices(ctx.requireOrder(), [{ sku: repairDetails(ctx).sku, quantity: 1, reason: 'quality_defect' }])[0] ?? 0;
}

/** The provider owes the repaired (or unrepairable) goods within the turnaround: warned, then escalated to the platform. */
const REPAIR_TURNAROUND = defineClock({
  name: 'repair_turnaround',
  owner: 'repair_provider',
  terms: (policy) => ({ limit: policy.repairTurnaround, ...(policy.repairTurnaroundWarnAfter && { warnAfter: policy.repairTurnaroundWarnAfter }), breachAction: 'escalate_to_platform' }),
  warn: (ctx) => ctx.effects.notifyCustomer('repair_delayed', { repairOrderId: ctx.view.facts.repairOrderId ?? '' }),
  breach: (ctx) => ctx.escalate('platform', 'the repair provider did not return the goods within the repair turnaround', SYSTEM_ACTOR, 'repair_turnaround'),
});

/** The customer hands the goods over (request_pickup or drop_off): reminded, then the case closes as abandoned. */
const REPAIR_COLLECTION = defineClock({
  name: 'repair_collection',
  owner: 'customer',
  terms: (policy) => ({ limit: policy.repairCollection, ...(policy.repairCollectionWarnAfter && { warnAfter: policy.repairCollectionWarnAfter }), breachAction: 'close_abandoned' }),
  warn: (ctx, clock) => ctx.effects.notifyCustomer('repair_collection_reminder', { deadline: clock.deadline ?? 0 }),
  breach: (ctx) => {
    if (ctx.status === REPAIR_STATUS.collection) ctx.close(SYSTEM_ACTOR, 'closed_abandoned', 'abandoned', { reason: 'the goods were not handed over for repair within the limit' });
  },
});

/** The customer answers a repair quote; silence declines it. */
const QUOTE_DECISION = defineClock({
  name: 'repair_quote_decision',
  owner: 'customer',
  terms: (policy) => ({ limit: policy.repairQuoteDecision, breachAction: 'decline_quote' }),
  breach: (ctx) => {
    if (ctx.view.facts.repairQuoteDecision === undefined) {
      ctx.setFact('repairQuoteDecision', 'declined');
      ctx.record(SYSTEM_ACTOR, 'quote_declined', { reason: 'the customer did not answer the quote within the limit' });
    }
  },
});

/** A declined quote: the provider ships the goods back unrepaired and the courier delivers them to the customer. */
const UNREPAIRED_RETURN = defineClock({
  name: 'repair_unrepaired_return',
  owner: 'repair_provider',
  terms: (policy) => ({ limit: policy.repairUnrepairedReturn, breachAction: 'escalate_to_platform' }),
  breach: (ctx) => ctx.escalate('platform', 'the goods of a declined repair have not reached the customer within the limit', SYSTEM_ACTOR, 'repair_unrepaired_return'),
});

/** The courier's delivery of the unrepaired goods' parcel (the tracking number the provider's shipped_back gave) closes the case. */
function onUnrepairedReturnEvent(ctx: CaseContext, event: { event: string; trackingNumber?: string }): boolean {
  if (ctx.status !== REPAIR_STATUS.returningUnrepaired || event.event !== 'delivered') return false;
  if (!ctx.view.returnTrackingNumber || event.trackingNumber !== ctx.view.returnTrackingNumber) return false;
  ctx.satisfyClock(UNREPAIRED_RETURN.name);
  ctx.close({ id: 'courier', role: 'courier' }, 'unrepaired_goods_delivered', 'returned_unrepaired', { data: { trackingNumber: event.trackingNumber } });
  return true;
}

/** The customer confirms the repaired goods; silence accepts them. */
const REPAIR_CONFIRMATION = defineClock({
  name: 'repair_confirmation',
  owner: 'customer',
  terms: (policy) => ({ limit: policy.repairConfirmation, breachAction: 'close' }),
  breach: (ctx) => {
    if (ctx.status === REPAIR_STATUS.confirmation) ctx.close(SYSTEM_ACTOR, 'closed_without_confirmation', 'repaired', { reason: 'the customer did not report a fault within the limit' });
  },
});

/** The customer chooses what follows a failed repair; left unchosen, a senior agent takes it up (staff may choose for the customer). */
const REMEDY_CHOICE = defineClock({
  name: 'repair_remedy_choice',
  owner: 'customer',
  terms: (policy) => ({ limit: policy.repairConfirmation, breachAction: 'escalate_to_senior_agent' }),
  breach: (ctx) => ctx.escalate('senior_agent', 'the customer did not choose a remedy for the failed repair', SYSTEM_ACTOR, 'repair_remedy_choice'),
});

async function assess(ctx: CaseContext): Promise<void> {
  const order = ctx.requireOrder();
  const details = repairDetails(ctx);
  const warranty = checkWarranty(order, ctx.policy, workflowNow());
  if (!order.items.some((i) => i.sku === details.sku) || !warranty.known) {
    const reason = warranty.known ? `sku ${details.sku} is not in order ${order.orderId}` : warranty.reason;
    ctx.close(SYSTEM_ACTOR, 'rejected_no_warranty_info', 'rejected', { reason });
    await ctx.effects.notifyCustomer('request_rejected', { reason });
    return;
  }
  const chargeable = !warranty.inWarranty || details.misuse === true;
  ctx.setFact('repairWarranty', warranty.inWarranty ? 'in_warranty' : 'out_of_warranty');
  ctx.setFact('repairChargeable', chargeable);
  if (patchApplied(REPAIR_COLLECTION_CLOCK_PATCH)) ctx.startClock(REPAIR_COLLECTION);
  ctx.transition(SYSTEM_ACTOR, 'warranty_checked', REPAIR_STATUS.collection, { data: { inWarranty: warranty.inWarranty, warrantyEndsAt: warranty.endsAt, chargeable } });
}

/** Opens the repair with the provider once: the key is the case's, so a retry or a restarted worker never dispatches twice. */
async function dispatch(ctx: CaseContext): Promise<void> {
  if (ctx.view.facts.repairOrderId !== undefined) return;
  const details = repairDetails(ctx);
  const { repairOrderId } = await partnerActions.dispatchRepair({
    idempotencyKey: `${ctx.caseId}:repair-dispatch`,
    caseId: ctx.caseId,
    orderId: ctx.requireOrder().orderId,
    companyId: ctx.company('repair_provider'),
    sku: details.sku,
    fault: details.fault,
    chargeable: ctx.view.facts.repairChargeable === true,
    ...(ctx.view.returnTrackingNumber && { inboundTrackingNumber: ctx.view.returnTrackingNumber }),
  });
  ctx.setFact('repairOrderId', repairOrderId);
  ctx.startClock(REPAIR_TURNAROUND);
  ctx.record(SYSTEM_ACTOR, 'repair_dispatched', { data: { repairOrderId, chargeable: ctx.view.facts.repairChargeable === true } });
}

async function instruct(ctx: CaseContext, instruction: 'proceed' | 'return_unrepaired'): Promise<void> {
  const repairOrderId = ctx.view.facts.repairOrderId!;
  const { instructionId } = await partnerActions.instructRepair({ idempotencyKey: `${ctx.caseId}:repair-${instruction}`, caseId: ctx.caseId, repairOrderId, instruction, companyId: ctx.company('repair_provider') });
  ctx.record(SYSTEM_ACTOR, 'repair_instructed', { data: { repairOrderId, instruction, instructionId } });
}

async function applyRemedy(ctx: CaseContext): Promise<void> {
  const remedy = ctx.view.facts.repairRemedy!;
  const price = repairItemPrice(ctx);
  if (remedy === 'discount_refund') {
    enterRefundDue(ctx, SYSTEM_ACTOR, 'refund_conditions_met', ctx.view.facts.repairDiscountCents ?? 0, 'repair_discount_refund');
    return;
  }
  if (remedy === 'exchange') {
    try {
      const reship = await ctx.effects.reship([{ sku: repairDetails(ctx).sku, quantity: 1 }], 'repair_exchange');
      ctx.close(SYSTEM_ACTOR, 'replacement_reshipped', 'exchanged', { data: { erpOrderId: reship.erpOrderId } });
      await ctx.effects.notifyCustomer('replacement_shipped', { erpOrderId: reship.erpOrderId ?? '' });
      return;
    } catch (err) {
      const refusal = partnerRefusal(err);
      if (!refusal) throw err;
      ctx.record(SYSTEM_ACTOR, 'converted_to_refund', { reason: `the replacement could not be reshipped: ${refusal.message}` });
      // A refund, like return_refund's, only once the goods are back and accepted.
      if (patchApplied(REPAIR_EXCHANGE_REFUSED_PATCH)) {
        ctx.setFact('convertedToRefund', true);
        awaitGoodsBack(ctx);
        return;
      }
    }
  }
  if (remedy === 'return_refund' && patchApplied(REPAIR_RETURN_PATCH)) {
    awaitGoodsBack(ctx);
    return;
  }
  enterRefundDue(ctx, SYSTEM_ACTOR, 'refund_conditions_met', price, 'repair_return_refund');
}

/** return_refund (patch repair-return-before-refund): the goods go back to the merchant as in a return before the refund. */
function awaitGoodsBack(ctx: CaseContext): void {
  // The collection's pickup was for the trip to the provider; the return books its own.
  delete ctx.view.facts.pickupAddress;
  delete ctx.view.facts.pickupId;
  ctx.view.returnAddress ??= `merchant ${ctx.requireOrder().merchantId} returns desk`;
  // A failed repair is the goods' fault: the merchant bears the trip back unless the customer's misuse caused it.
  ctx.view.shippingCostBearer ??= ctx.view.facts.repairChargeable === true ? 'customer' : 'merchant';
  ctx.startClock(CUSTOMER_SHIP_BACK);
  ctx.transition(SYSTEM_ACTOR, 'return_arranged', GOODS_RETURN_STATUS.shipBack, { data: { returnAddress: ctx.view.returnAddress, shippingCostBearer: ctx.view.shippingCostBearer } });
}

export function onRepairEvent(ctx: CaseContext, event: RepairEvent): void {
  const facts = ctx.view.facts;
  if (facts.repairOrderId === undefined || event.repairOrderId !== facts.repairOrderId) {
    ctx.record(PROVIDER, 'repair_event_ignored', { reason: `no open repair order ${event.repairOrderId} on this case`, data: { event: event.event } });
    return;
  }
  const data = { repairOrderId: event.repairOrderId, ...(event.note && { note: event.note }) };
  const atProvider = ctx.status === REPAIR_STATUS.atProvider;
  switch (event.event) {
    case 'diagnosed': {
      if (event.misuse) ctx.setFact('repairChargeable', true);
      ctx.record(PROVIDER, 'repair_diagnosed', { data: { ...data, misuse: event.misuse === true, ...(event.quoteCents !== undefined && { quoteCents: event.quoteCents }) } });
      if (!atProvider || facts.repairChargeable !== true || facts.repairQuoteDecision !== undefined) return;
      if (event.quoteCents === undefined) {
        ctx.escalate('platform', 'the provider diagnosed a paid repair without a quote', PROVIDER);
        return;
      }
      ctx.setFact('repairQuoteCents', event.quoteCents);
      ctx.pauseClock('repair_turnaround', 'the repair quote awaits the customer');
      ctx.startClock(QUOTE_DECISION);
      ctx.transition(PROVIDER, 'repair_quoted', REPAIR_STATUS.quote, { data: { quoteCents: event.quoteCents } });
      return;
    }
    case 'repaired':
      ctx.setFact('repairResult', 'repaired');
      ctx.record(PROVIDER, 'repair_repaired', { data });
      return;
    case 'unrepairable':
      ctx.setFact('repairResult', 'unrepairable');
      if (!atProvider) return ctx.record(PROVIDER, 'repair_unrepairable', { data });
      ctx.satisfyClock('repair_turnaround');
      ctx.startClock(REMEDY_CHOICE);
      ctx.transition(PROVIDER, 'repair_unrepairable', REPAIR_STATUS.remedy, { data });
      return;
    case 'shipped_back':
      if (event.trackingNumber) ctx.view.returnTrackingNumber = event.trackingNumber;
      if (!atProvider || facts.repairResult === 'unrepairable') return ctx.record(PROVIDER, 'repair_shipped_back', { data: { ...data, trackingNumber: event.trackingNumber } });
      ctx.satisfyClock('repair_turnaround');
      ctx.startClock(REPAIR_CONFIRMATION);
      ctx.transition(PROVIDER, 'repair_shipped_back', REPAIR_STATUS.confirmation, { data: { ...data, trackingNumber: event.trackingNumber } });
      return;
    default:
      ctx.record(PROVIDER, `repair_${event.event}`, { data });
  }
}

const REQUESTERS = ['customer', ...CASE_STAFF] as const;

export const repairPlaybook: Playbook = {
  steps: {
    ...refundDueSteps,
    [REPAIR_STATUS.submitted]: assess,
    [REPAIR_STATUS.collection]: async (ctx) => {
      await ctx.effects.notifyCustomer('repair_accepted', { chargeable: ctx.view.facts.repairChargeable === true });
      await ctx.waitUntil(() => ctx.status !== REPAIR_STATUS.collection);
      if (ctx.view.outcome === 'abandoned') await ctx.effects.notifyCustomer('closed_abandoned');
    },
    [REPAIR_STATUS.atProvider]: async (ctx) => {
      if (ctx.view.facts.repairCollection === 'pickup' && ctx.view.facts.pickupAddress !== undefined) await ctx.effects.bookPickup(ctx.view.facts.pickupAddress);
      await dispatch(ctx);
      await ctx.waitUntil(() => ctx.status !== REPAIR_STATUS.atProvider);
    },
    [REPAIR_STATUS.quote]: async (ctx) => {
      await ctx.effects.notifyCustomer('repair_quote', { quoteCents: ctx.view.facts.repairQuoteCents ?? 0 });
      await ctx.waitUntil(() => ctx.view.facts.repairQuoteDecision !== undefined);
      if (ctx.view.facts.repairQuoteDecision === 'accepted') {
        await instruct(ctx, 'proceed');
        ctx.resumeClock('repair_turnaround', 'the customer accepted the quote');
        ctx.transition(SYSTEM_ACTOR, 'repair_resumed', REPAIR_STATUS.atProvider);
        return;
      }
      await instruct(ctx, 'return_unrepaired');
      if (patchApplied(REPAIR_UNREPAIRED_RETURN_PATCH)) {
        ctx.startClock(UNREPAIRED_RETURN);
        ctx.transition(SYSTEM_ACTOR, 'unrepaired_return_instructed', REPAIR_STATUS.returningUnrepaired, { reason: 'the customer declined the repair quote; the provider returns the goods unrepaired' });
        return;
      }
      ctx.close(SYSTEM_ACTOR, 'closed_quote_declined', 'returned_unrepaired', { reason: 'the customer declined the repair quote; the goods are returned unrepaired' });
    },
    [REPAIR_STATUS.returningUnrepaired]: async (ctx) => {
      await ctx.waitUntil(() => ctx.status !== REPAIR_STATUS.returningUnrepaired);
    },
    [REPAIR_STATUS.confirmation]: async (ctx) => {
      await ctx.effects.notifyCustomer('repair_completed', { trackingNumber: ctx.view.returnTrackingNumber ?? '' });
      await ctx.waitUntil(() => ctx.status !== REPAIR_STATUS.confirmation);
    },
    [GOODS_RETURN_STATUS.shipBack]: goodsReturnSteps[GOODS_RETURN_STATUS.shipBack],
    [GOODS_RETURN_STATUS.inTransit]: async (ctx) => {
      if (ctx.view.facts.pickupAddress !== undefined) await ctx.effects.bookPickup(ctx.view.facts.pickupAddress, 'return-pickup');
      await ctx.effects.notifyMerchant('goods_shipped_back', `Goods for case ${ctx.caseId} are on their way back after a failed repair: ${ctx.view.returnTrackingNumber}.`);
      await ctx.waitUntil(() => ctx.status !== GOODS_RETURN_STATUS.inTransit);
    },
    [GOODS_RETURN_STATUS.inspection]: goodsReturnSteps[GOODS_RETURN_STATUS.inspection],
    [GOODS_RETURN_STATUS.accepted]: async (ctx) => {
      await refundReturnPostage(ctx);
      enterRefundDue(ctx, SYSTEM_ACTOR, 'refund_conditions_met', repairItemPrice(ctx), 'repair_return_refund');
    },
    [REPAIR_STATUS.remedy]: async (ctx) => {
      await ctx.effects.notifyCustomer('repair_remedy_choice', { result: ctx.view.facts.repairResult ?? '' });
      await ctx.waitUntil(() => ctx.view.facts.repairRemedy !== undefined);
      await applyRemedy(ctx);
    },
  },
  commands: {
    ...refundDueCommands,
    [REPAIR_STATUS.collection]: { request_pickup: REQUESTERS, drop_off: REQUESTERS },
    [REPAIR_STATUS.quote]: { customer_decision: ['customer'] },
    [REPAIR_STATUS.confirmation]: { confirm_resolution: REQUESTERS },
    [REPAIR_STATUS.remedy]: { choose_repair_remedy: REQUESTERS },
    [GOODS_RETURN_STATUS.shipBack]: { ship_back: REQUESTERS, request_pickup: REQUESTERS },
    [GOODS_RETURN_STATUS.inspection]: { inspect: ['merchant'] },
  },
  checks: {
    start_refund: (ctx, p) => checkRefundAmount(ctx, p.amountCents),
    customer_decision: (ctx) => {
      if (ctx.view.facts.repairQuoteDecision !== undefined) throw commandRejected('already_decided', 'the quote is already decided');
    },
    ship_back: goodsReturnChecks.ship_back,
    inspect: (_ctx, p) => {
      if (p.items) throw commandRejected('items_not_applicable', 'items: a repair returns one item; inspect the parcel with result', 'items');
    },
    choose_repair_remedy: (ctx, p) => {
      if (ctx.view.facts.repairRemedy !== undefined) throw commandRejected('already_decided', 'the remedy is already chosen');
      const price = repairItemPrice(ctx);
      if (p.remedy === 'discount_refund' && p.amountCents > price) {
        throw commandRejected('amount_out_of_bounds', `amountCents: a discount refund is at most the item's price, ${price} cents`, 'amountCents');
      }
    },
  },
  handlers: {
    ...refundDueHandlers,
    ship_back: goodsReturnHandlers.ship_back,
    inspect: (ctx, p) => {
      ctx.satisfyClock('merchant_inspection');
      if (p.result === 'accepted') {
        ctx.transition(p.actor, 'inspection_accepted', GOODS_RETURN_STATUS.accepted, { reason: p.findings, evidence: p.evidence });
        return;
      }
      ctx.view.responsibleParty = 'customer';
      ctx.close(p.actor, 'inspection_rejected', 'rejected_after_inspection', { reason: p.findings, evidence: p.evidence });
    },
    request_pickup: (ctx, p) => {
      if (ctx.status === GOODS_RETURN_STATUS.shipBack) return goodsReturnHandlers.request_pickup!(ctx, p);
      ctx.satisfyClock('repair_collection');
      takeReturnCourier(ctx, p.courierId);
      ctx.setFact('repairCollection', 'pickup');
      ctx.setFact('pickupAddress', p.address);
      ctx.transition(p.actor, 'pickup_requested', REPAIR_STATUS.atProvider, { reason: p.reason, data: { address: p.address, ...(p.courierId && { courierId: p.courierId }) } });
    },
    drop_off: (ctx, p) => {
      ctx.satisfyClock('repair_collection');
      ctx.setFact('repairCollection', 'drop_off');
      ctx.transition(p.actor, 'dropped_off', REPAIR_STATUS.atProvider, { reason: p.reason, data: { location: p.location } });
    },
    customer_decision: (ctx, p) => {
      ctx.satisfyClock('repair_quote_decision');
      ctx.setFact('repairQuoteDecision', p.accept ? 'accepted' : 'declined');
      ctx.record(p.actor, p.accept ? 'quote_accepted' : 'quote_declined', { reason: p.reason, data: { quoteCents: ctx.view.facts.repairQuoteCents } });
    },
    confirm_resolution: (ctx, p) => {
      ctx.satisfyClock('repair_confirmation');
      if (p.resolved) {
        ctx.close(p.actor, 'repair_confirmed', 'repaired', { reason: p.reason });
        return;
      }
      ctx.setFact('repairResult', 'still_faulty');
      ctx.startClock(REMEDY_CHOICE);
      ctx.transition(p.actor, 'repair_still_faulty', REPAIR_STATUS.remedy, { reason: p.reason, evidence: p.evidence });
    },
    choose_repair_remedy: (ctx, p) => {
      ctx.satisfyClock('repair_remedy_choice');
      ctx.setFact('repairRemedy', p.remedy);
      if (p.remedy === 'discount_refund') ctx.setFact('repairDiscountCents', p.amountCents);
      ctx.record(p.actor, 'repair_remedy_chosen', { reason: p.reason, data: { remedy: p.remedy, ...(p.remedy === 'discount_refund' && { amountCents: p.amountCents }) } });
    },
  },
  clocks: [REPAIR_COLLECTION, REPAIR_TURNAROUND, QUOTE_DECISION, UNREPAIRED_RETURN, REPAIR_CONFIRMATION, REMEDY_CHOICE, REFUND_START, CUSTOMER_SHIP_BACK, MERCHANT_INSPECTION],
  onPartnerEvent: {
    repair: onRepairEvent,
    courier: (ctx, event) => {
      if (!onUnrepairedReturnEvent(ctx, event)) onReturnShipmentEvent(ctx, event);
    },
  },
};
