/**
 * The common path of returns and exchanges (spec §Return flow): merchant review → ship back → inspection.
 * What follows an accepted inspection (refund or reship) is the playbook's own.
 */
import { assessClaimedItems, assessReturn } from '../../domain/eligibility';
import type { ClaimItem, ReturnReason } from '../../domain/case';
import { allAccepted, claimedLines, computeItemRefund, inspectionIssues, inspectItems, type ItemRefund } from '../../domain/item-claims';
import { SYSTEM_ACTOR } from '../../domain/parties';
import { workflowNow } from '../../clock-source';
import { requireReason } from '../common-commands';
import { ITEM_REASONS_PATCH, PLATFORM_REVIEW_CLOCK_PATCH } from '../patches';
import { patchApplied } from '../patch-baseline';
import { defineClock } from '../clock-definition';
import { CLOSED, type CaseContext } from '../context';
import { CASE_STAFF, commandRejected, PLATFORM, type CommandChecks, type CommandHandlers, type Playbook } from '../playbook';

export const GOODS_RETURN_STATUS = {
  submitted: 'submitted',
  merchantReview: 'awaiting_merchant_review',
  platformReview: 'awaiting_platform_review',
  shipBack: 'awaiting_return_shipment',
  inTransit: 'return_in_transit',
  inspection: 'awaiting_inspection',
  /** Inspection passed (or deemed passed): the playbook's remedy follows. */
  accepted: 'goods_accepted',
} as const;

export function returnDetails(ctx: CaseContext): { reason: ReturnReason; goodsIntact?: boolean; outerPackageDamaged?: boolean; items?: ClaimItem[] } {
  const d = ctx.input.details;
  if (d.kind !== 'return' && d.kind !== 'exchange') throw new Error(`not a goods return: ${d.kind}`);
  return d;
}

async function assess(ctx: CaseContext): Promise<void> {
  const details = returnDetails(ctx);
  // Items claimed for reasons of their own are assessed each on its reason (patch item-reasons-assessed).
  const ownReasons = details.items?.some((i) => i.reason !== details.reason) === true && patchApplied(ITEM_REASONS_PATCH);
  const result = ownReasons
    ? assessClaimedItems(details.items!, ctx.requireOrder(), details, ctx.policy, workflowNow())
    : assessReturn(details.reason, ctx.requireOrder(), details, ctx.policy, workflowNow());
  if (!result.eligible) {
    ctx.close(SYSTEM_ACTOR, 'rejected_ineligible', 'rejected', { reason: result.reason });
    await ctx.effects.notifyCustomer('request_rejected', { reason: result.reason });
    return;
  }
  ctx.view.responsibleParty = result.responsibleParty;
  ctx.view.shippingCostBearer = result.shippingCostBearer;
  ctx.startClock(MERCHANT_REVIEW);
  ctx.transition(SYSTEM_ACTOR, 'submitted_for_merchant_review', GOODS_RETURN_STATUS.merchantReview, { data: { responsibleParty: result.responsibleParty, shippingCostBearer: result.shippingCostBearer } });
}

export function approve(ctx: CaseContext, actor: CaseContext['input']['openedBy'], returnAddress: string | undefined, action: string): void {
  ctx.satisfyClock('merchant_review');
  ctx.satisfyClock('platform_review');
  ctx.view.returnAddress = returnAddress ?? ctx.view.returnAddress ?? `merchant ${ctx.requireOrder().merchantId} returns desk`;
  ctx.startClock(CUSTOMER_SHIP_BACK);
  ctx.transition(actor, action, GOODS_RETURN_STATUS.shipBack, { data: { returnAddress: ctx.view.returnAddress, shippingCostBearer: ctx.view.shippingCostBearer } });
}

async function reject(ctx: CaseContext, actor: CaseContext['input']['openedBy'], reason: string | undefined, action: string): Promise<void> {
  ctx.satisfyClock('merchant_review');
  ctx.satisfyClock('platform_review');
  ctx.close(actor, action, 'rejected', { reason: reason ?? 'no reason given' });
}

/** The platform decides a request the merchant left unreviewed; overdue, on-call is paged. */
const PLATFORM_REVIEW = defineClock({
  name: 'platform_review',
  owner: 'platform',
  terms: (policy) => ({ limit: policy.platformReview!, breachAction: 'page_on_call' }),
  breach: (ctx) => ctx.effects.page('high', 'platform_review_overdue', `Case ${ctx.caseId}: the platform has not decided the return request handed to it within the limit.`),
});

/** The merchant reviews the request: reminded part-way (in whatever unit the policy gives), then approved by default or handed to the platform. */
const MERCHANT_REVIEW = defineClock({
  name: 'merchant_review',
  owner: 'merchant',
  terms: (policy) => ({ limit: policy.merchantReviewTimeout, warnAfter: policy.merchantReviewReminder, breachAction: policy.merchantReviewTimeoutAction }),
  warn: (ctx) => ctx.effects.notifyMerchant('review_reminder', `Case ${ctx.caseId} awaits your review; the default action follows at the deadline.`),
  breach: (ctx) => {
    if (ctx.policy.merchantReviewTimeoutAction === 'approve') {
      approve(ctx, SYSTEM_ACTOR, undefined, 'approved_by_default');
    } else {
      ctx.escalate('platform', 'merchant did not review within the limit', SYSTEM_ACTOR, 'merchant_review');
      // The platform's own decision has a deadline too, so the case never waits on nobody's clock.
      if (ctx.policy.platformReview && patchApplied(PLATFORM_REVIEW_CLOCK_PATCH)) ctx.startClock(PLATFORM_REVIEW);
      ctx.transition(SYSTEM_ACTOR, 'handed_to_platform', GOODS_RETURN_STATUS.platformReview);
    }
  },
});

/** The customer ships the goods back, or the case closes as abandoned. */
export const CUSTOMER_SHIP_BACK = defineClock({
  name: 'customer_ship_back',
  owner: 'customer',
  terms: (policy) => ({ limit: policy.customerShipBack, breachAction: policy.customerShipBackTimeoutAction }),
  breach: (ctx) => ctx.close(SYSTEM_ACTOR, 'closed_abandoned', 'abandoned', { reason: 'goods were not shipped back within the limit' }),
});

/** The merchant inspects the delivered goods, or they are deemed accepted. */
export const MERCHANT_INSPECTION = defineClock({
  name: 'merchant_inspection',
  owner: 'merchant',
  terms: (policy) => ({ limit: policy.merchantInspection, breachAction: policy.merchantInspectionTimeoutAction }),
  breach: (ctx) => ctx.transition(SYSTEM_ACTOR, 'inspection_deemed_accepted', GOODS_RETURN_STATUS.accepted, { reason: 'merchant did not inspect within the limit' }),
});

export const GOODS_RETURN_CLOCKS = [MERCHANT_REVIEW, PLATFORM_REVIEW, CUSTOMER_SHIP_BACK, MERCHANT_INSPECTION];

/** Steps up to an accepted inspection; each playbook adds the step for GOODS_RETURN_STATUS.accepted. */
export const goodsReturnSteps = {
  [GOODS_RETURN_STATUS.submitted]: assess,
  [GOODS_RETURN_STATUS.merchantReview]: async (ctx) => {
    await ctx.effects.notifyMerchant('return_requested', `New ${ctx.input.kind} request on order ${ctx.requireOrder().orderId}.`);
    await ctx.waitUntil(() => ctx.status !== GOODS_RETURN_STATUS.merchantReview);
  },
  [GOODS_RETURN_STATUS.platformReview]: async (ctx) => {
    await ctx.waitUntil(() => ctx.status !== GOODS_RETURN_STATUS.platformReview);
  },
  [GOODS_RETURN_STATUS.shipBack]: async (ctx) => {
    await ctx.effects.notifyCustomer('return_approved', { returnAddress: ctx.view.returnAddress ?? '', shippingCostBearer: ctx.view.shippingCostBearer ?? '' });
    await ctx.waitUntil(() => ctx.status !== GOODS_RETURN_STATUS.shipBack);
    if (ctx.view.outcome === 'abandoned') await ctx.effects.notifyCustomer('closed_abandoned');
  },
  [GOODS_RETURN_STATUS.inTransit]: async (ctx) => {
    if (ctx.view.facts.pickupAddress !== undefined) await ctx.effects.bookPickup(ctx.view.facts.pickupAddress);
    await ctx.effects.notifyMerchant('goods_shipped_back', `Goods for case ${ctx.caseId} are on their way: ${ctx.view.returnTrackingNumber}.`);
    await ctx.waitUntil(() => ctx.status !== GOODS_RETURN_STATUS.inTransit);
  },
  [GOODS_RETURN_STATUS.inspection]: async (ctx) => {
    await ctx.waitUntil(() => ctx.status !== GOODS_RETURN_STATUS.inspection);
  },
} satisfies Playbook['steps'];

export const goodsReturnCommands: Playbook['commands'] = {
  [GOODS_RETURN_STATUS.merchantReview]: { merchant_review: ['merchant'] },
  [GOODS_RETURN_STATUS.platformReview]: { platform_review: PLATFORM },
  [GOODS_RETURN_STATUS.shipBack]: { ship_back: ['customer', ...CASE_STAFF], request_pickup: ['customer', ...CASE_STAFF], override_review: PLATFORM },
  [GOODS_RETURN_STATUS.inspection]: { inspect: ['merchant'] },
  [CLOSED]: { override_review: PLATFORM },
};

export const goodsReturnHandlers: CommandHandlers = {
  merchant_review: async (ctx, p) =>
    p.decision === 'approve' ? approve(ctx, p.actor, p.returnAddress, 'merchant_approved') : reject(ctx, p.actor, p.reason, 'merchant_rejected'),
  platform_review: async (ctx, p) =>
    p.decision === 'approve' ? approve(ctx, p.actor, undefined, 'platform_approved') : reject(ctx, p.actor, p.reason, 'platform_rejected'),
  ship_back: (ctx, p) => {
    ctx.satisfyClock('customer_ship_back');
    takeReturnCourier(ctx, p.courierId);
    ctx.view.returnTrackingNumber = p.trackingNumber;
    if (p.postageCents) ctx.setFact('returnPostageCents', p.postageCents);
    ctx.transition(p.actor, 'shipped_back', GOODS_RETURN_STATUS.inTransit, { data: { trackingNumber: p.trackingNumber, carrier: p.carrier, ...(p.postageCents !== undefined && { postageCents: p.postageCents }), ...(p.courierId && { courierId: p.courierId }) } });
  },
  request_pickup: (ctx, p) => {
    ctx.satisfyClock('customer_ship_back');
    takeReturnCourier(ctx, p.courierId);
    ctx.setFact('pickupAddress', p.address);
    ctx.transition(p.actor, 'pickup_requested', GOODS_RETURN_STATUS.inTransit, { reason: p.reason, data: { address: p.address, ...(p.courierId && { courierId: p.courierId }) } });
  },
  override_review: (ctx, p) => {
    if (p.decision === 'reject') {
      ctx.close(p.actor, 'review_overridden', 'rejected', { reason: p.reason, evidence: p.evidence, data: { decision: p.decision } });
      return;
    }
    ctx.reopen();
    approve(ctx, p.actor, p.returnAddress, 'review_overridden');
  },
  inspect: (ctx, p) => {
    ctx.satisfyClock('merchant_inspection');
    const inspections = inspectItems(claimedLines(ctx.requireOrder(), returnDetails(ctx)), p);
    ctx.view.itemInspections = inspections;
    // Item by item: the goods are accepted when any item is; the rejected ones are not refunded or reshipped.
    const result = p.items ? (inspections.some((i) => i.result === 'accepted') ? 'accepted' : 'rejected') : p.result;
    const data = p.items ? { data: { items: inspections.map(({ sku, result, deductionCents }) => ({ sku, result, ...(deductionCents && { deductionCents }) })) } } : {};
    if (result === 'accepted') {
      ctx.transition(p.actor, 'inspection_accepted', GOODS_RETURN_STATUS.accepted, { reason: p.findings, evidence: p.evidence, ...data });
    } else {
      // Damage or missing accessories through the customer's own fault void the return (spec §Responsibility).
      ctx.view.responsibleParty = 'customer';
      ctx.close(p.actor, 'inspection_rejected', 'rejected_after_inspection', { reason: p.findings, evidence: p.evidence, ...data });
    }
  },
};

/** The courier company of this leg of the goods: the one the command names, else (also on a later leg) the order's. */
export function takeReturnCourier(ctx: CaseContext, courierId: string | undefined): void {
  if (courierId) ctx.view.returnCourierId = courierId;
  else delete ctx.view.returnCourierId;
}

export const goodsReturnChecks: CommandChecks = {
  inspect: (ctx, p) => {
    const issue = inspectionIssues(ctx.requireOrder(), claimedLines(ctx.requireOrder(), returnDetails(ctx)), p)[0];
    if (issue) throw commandRejected(issue.code, `${issue.field}: ${issue.message}`, issue.field);
  },
  /** An amount of its own: at least what is due, at most the accepted items without deductions. */
  start_refund: (ctx, p) => checkRefundAmount(ctx, p.amountCents),
  /** The platform reverses a review: an approval before the goods left (reject), or a rejection (approve, reopening the case). */
  override_review: (ctx, p) => {
    requireReason(p);
    if (ctx.status === GOODS_RETURN_STATUS.shipBack && p.decision !== 'reject') throw commandRejected('unchanged', 'the request is already approved; override_review can reject it');
    if (ctx.closed && (p.decision !== 'approve' || ctx.view.outcome !== 'rejected')) {
      throw commandRejected('invalid_transition', `only a rejected request can be approved on override; this case closed as ${ctx.view.outcome}`);
    }
  },
  ship_back: (ctx, p) => {
    if (p.postageCents === undefined) return;
    if (!Number.isInteger(p.postageCents) || p.postageCents < 0) throw commandRejected('invalid_amount', 'postageCents must be a whole number of cents, 0 or more');
    const cap = ctx.policy.returnPostageCapCents;
    if (cap !== undefined && p.postageCents > cap) {
      throw commandRejected('postage_above_cap', `postageCents ${p.postageCents} is above the ${cap} cents of return postage the policy refunds; an agent can settle the rest`);
    }
  },
};

/**
 * Once the goods are accepted, the return postage the customer advanced is refunded unless the customer bears shipping
 * (seed 003: wrong item, damaged goods — "postage advanced by the customer and refunded"). A courier or warehouse that
 * bears shipping is charged for it; the merchant's share is the refund itself.
 */
export async function refundReturnPostage(ctx: CaseContext): Promise<void> {
  const postage = ctx.view.facts.returnPostageCents;
  const bearer = ctx.view.shippingCostBearer;
  if (typeof postage !== 'number' || postage <= 0 || bearer === undefined || bearer === 'customer') return;
  const refund = await ctx.effects.refund(postage, 'return_postage_refund');
  if (bearer === 'courier' || bearer === 'warehouse') ctx.charge(bearer, postage, 'return_postage');
  await ctx.effects.notifyCustomer('postage_refunded', { amountCents: refund.amountCents });
}

export function onReturnShipmentEvent(ctx: CaseContext, event: { event: string; trackingNumber?: string; at: number }): void {
  if (ctx.status !== GOODS_RETURN_STATUS.inTransit || event.event !== 'delivered') return;
  if (event.trackingNumber && event.trackingNumber !== ctx.view.returnTrackingNumber) return;
  ctx.startClock(MERCHANT_INSPECTION);
  ctx.transition({ id: 'courier', role: 'courier' }, 'return_delivered_to_merchant', GOODS_RETURN_STATUS.inspection, { data: { trackingNumber: ctx.view.returnTrackingNumber } });
}

/** The amount start_refund may ask: from the refund due (refundAmountCents) to refundMaxCents; refused otherwise. */
export function checkRefundAmount(ctx: CaseContext, amountCents: number | undefined): void {
  if (amountCents === undefined) return;
  const min = ctx.view.facts.refundAmountCents ?? ctx.requireOrder().paidAmountCents;
  const max = Math.max(ctx.view.facts.refundMaxCents ?? min, min);
  if (amountCents < min || amountCents > max) {
    const bounds = min === max ? `exactly ${min}` : `between ${min} and ${max}`;
    throw commandRejected('amount_out_of_bounds', `amountCents: the refund due is ${bounds} cents (accepted items, less deductions at the least); ${amountCents} is outside`, 'amountCents');
  }
}

/** The return postage refunded apart once the goods are accepted (refundReturnPostage): 0 when the customer bears it. */
function postageRefunded(ctx: CaseContext): number {
  const postage = ctx.view.facts.returnPostageCents;
  const bearer = ctx.view.shippingCostBearer;
  return typeof postage === 'number' && postage > 0 && bearer !== undefined && bearer !== 'customer' ? postage : 0;
}

/**
 * The refund of the accepted items (patch item-refund-lines): kept as the case's refund lines, the amount due and its
 * upper bound. Goods deemed accepted (no inspection) count every claimed item accepted.
 */
export function settleItemRefund(ctx: CaseContext): ItemRefund {
  const order = ctx.requireOrder();
  const claimed = claimedLines(order, returnDetails(ctx));
  const refund = computeItemRefund(order, claimed, ctx.view.itemInspections ?? allAccepted(claimed), postageRefunded(ctx));
  ctx.view.refundLines = refund.lines;
  ctx.setFact('refundAmountCents', refund.dueCents);
  ctx.setFact('refundMaxCents', refund.maxCents);
  return refund;
}

/** The amount the refund_due step pays: what start_refund asked (within bounds), else what is due, else (older cases) what was paid. */
export function refundToPay(ctx: CaseContext): number {
  return ctx.view.facts.refundRequestedAmountCents ?? ctx.view.facts.refundAmountCents ?? ctx.requireOrder().paidAmountCents;
}
