/**
 * The special cases of the shop's SOP (seed 003) for returns, routed by the return reason at intake:
 * - late_shipment / out_of_stock (merchant's fault): apologise, offer a gift with the next shipment (fact + audit);
 *   if the customer still returns, the return path follows with the merchant paying postage;
 * - damaged_in_transit: no ship-back by default; a remedy is agreed (reship of the damaged part through the ERP, a
 *   price-difference/partial refund, or 'refund' = the goods go back through the return path). Outer packaging
 *   damaged → the courier bears the whole cost (charge on the monthly settlement + courier claim); otherwise the
 *   merchant's packaging is responsible (assessReturn);
 * - lost_in_transit (courier's fault): nothing to ship back; the goods are reshipped (or refunded, as the customer
 *   prefers) and the courier is charged on the monthly settlement (+ courier claim);
 * - missing_item: the outbound weight is checked with the courier; mismatch → reship or refund as the customer
 *   prefers, charged to the warehouse; no mismatch → escalated to a senior agent, who proposes the remedy.
 * When the ERP refuses an agreed reship, the goods not reshipped are refunded instead (settleRefusedReship).
 * Quality and wrong-item cases are the plain return (refund) or the exchange playbook.
 */
import type { ReshipRecord } from '../../domain/case';
import { assessReturn } from '../../domain/eligibility';
import { SYSTEM_ACTOR } from '../../domain/parties';
import { workflowNow } from '../../clock-source';
import { partnerRefusal, type CaseContext } from '../../case/context';
import { RESHIP_REFUSAL_PATCH } from '../../case/patches';
import { patchApplied } from '../../case/patch-baseline';
import { CASE_STAFF, type Playbook } from '../../case/playbook';
import { goodsReturnSteps, returnDetails, GOODS_RETURN_STATUS } from '../../case/steps/goods-return';
import { chargeResponsibleParty, checkOutboundWeight, itemsValueCents } from '../../case/steps/liability';
import { agreedProposal, checkDecision, checkProposal, decideRemedy, proposeRemedy, CUSTOMER_DECISION, type Remedy, type RemedyItems } from '../../case/steps/remedy';

export const SOP = {
  awaitingRemedy: 'awaiting_remedy_agreement',
  seniorReview: 'awaiting_senior_review',
  remedyAgreed: 'remedy_agreed',
} as const;

const REMEDIES: Record<'damaged_in_transit' | 'lost_in_transit' | 'missing_item', readonly Remedy[]> = {
  damaged_in_transit: ['reship_part', 'price_difference_refund', 'partial_refund', 'refund'],
  lost_in_transit: ['reship_part', 'refund'],
  missing_item: ['reship_part', 'refund'],
};

async function merchantFaultApology(ctx: CaseContext): Promise<void> {
  if (ctx.view.facts.apologyGift !== undefined) return;
  ctx.setFact('apologyGift', 'gift added to the next shipment');
  ctx.setFact('postageBorneBy', 'merchant');
  ctx.record(SYSTEM_ACTOR, 'apology_gift_offered', { reason: `merchant's fault (${returnDetails(ctx).reason}): apology and a gift with the next shipment; the merchant pays return postage` });
  await ctx.effects.notifyCustomer('apology', { gift: true });
}

async function intake(ctx: CaseContext): Promise<void> {
  const d = returnDetails(ctx);
  switch (d.reason) {
    case 'late_shipment':
    case 'out_of_stock':
      await merchantFaultApology(ctx);
      return goodsReturnSteps[GOODS_RETURN_STATUS.submitted](ctx);
    case 'damaged_in_transit': {
      const result = assessReturn(d.reason, ctx.requireOrder(), d, ctx.policy, workflowNow());
      if (result.eligible) {
        ctx.view.responsibleParty = result.responsibleParty;
        ctx.view.shippingCostBearer = result.shippingCostBearer;
      }
      ctx.transition(SYSTEM_ACTOR, 'transit_damage_reported', SOP.awaitingRemedy, { data: { responsibleParty: ctx.view.responsibleParty, outerPackageDamaged: d.outerPackageDamaged === true } });
      return;
    }
    case 'lost_in_transit':
      ctx.view.responsibleParty = 'courier';
      ctx.view.shippingCostBearer = 'courier';
      ctx.transition(SYSTEM_ACTOR, 'parcel_loss_reported', SOP.awaitingRemedy, { data: { responsibleParty: 'courier' } });
      return;
    case 'missing_item': {
      if (await checkOutboundWeight(ctx)) {
        ctx.view.responsibleParty = 'warehouse';
        ctx.view.shippingCostBearer = 'warehouse';
        ctx.transition(SYSTEM_ACTOR, 'outbound_weight_mismatch', SOP.awaitingRemedy, { data: { responsibleParty: 'warehouse' } });
      } else {
        ctx.escalate('senior_agent', 'missing item reported but the outbound weight matches');
        ctx.transition(SYSTEM_ACTOR, 'outbound_weight_matches', SOP.seniorReview);
      }
      return;
    }
    default:
      return goodsReturnSteps[GOODS_RETURN_STATUS.submitted](ctx);
  }
}

/** Carries out the agreed remedy, records who bears its cost, and closes (or, for a full refund of damaged goods, hands over to the return path). */
async function carryOutRemedy(ctx: CaseContext): Promise<void> {
  const reason = returnDetails(ctx).reason;
  const proposal = agreedProposal(ctx)!;
  const order = ctx.requireOrder();
  if (proposal.remedy === 'refund' && reason === 'damaged_in_transit') {
    await chargeResponsibleParty(ctx, proposal.amountCents ?? order.paidAmountCents, reason);
    return goodsReturnSteps[GOODS_RETURN_STATUS.submitted](ctx);
  }
  if (proposal.remedy === 'reship_part') {
    const items = proposal.items ?? order.items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
    let reship: ReshipRecord;
    try {
      reship = await ctx.effects.reship(items, `sop_${reason}_reship`);
    } catch (err) {
      const refusal = partnerRefusal(err);
      if (!refusal || !patchApplied(RESHIP_REFUSAL_PATCH)) throw err;
      return settleRefusedReship(ctx, items, refusal.message);
    }
    await chargeResponsibleParty(ctx, proposal.amountCents ?? itemsValueCents(ctx, items), reason);
    ctx.close(SYSTEM_ACTOR, 'remedy_reshipped', 'reshipped', { data: { erpOrderId: reship.erpOrderId, items } });
    await ctx.effects.notifyCustomer('reship_ordered', { erpOrderId: reship.erpOrderId ?? '' });
    return;
  }
  const amountCents = proposal.amountCents ?? (proposal.items ? itemsValueCents(ctx, proposal.items) : order.paidAmountCents);
  const refund = await ctx.effects.refund(amountCents, `sop_${reason}_refund`);
  await chargeResponsibleParty(ctx, amountCents, reason);
  ctx.close(SYSTEM_ACTOR, 'remedy_refunded', amountCents < order.paidAmountCents ? 'partially_refunded' : 'refunded', { data: { amountCents: refund.amountCents } });
  await ctx.effects.notifyCustomer('refund_issued', { amountCents: refund.amountCents });
}

/**
 * The ERP refused the agreed reship (e.g. the part is out of stock). As an exchange does on the same refusal, the case
 * turns into a refund: the SOP's other choice for a lost parcel, a missing item or a broken part is refunding the goods
 * the customer did not get, at the order's unit prices (at most what was paid). The party responsible bears it as it
 * would have borne the reship. Items without a value (a free gift, say) leave nothing to refund: a senior agent
 * settles the case, and may propose the reship again (a new ERP order with a new key).
 */
async function settleRefusedReship(ctx: CaseContext, items: RemedyItems, refusal: string): Promise<void> {
  const reason = returnDetails(ctx).reason;
  const paid = ctx.requireOrder().paidAmountCents;
  const amountCents = Math.min(itemsValueCents(ctx, items), paid);
  if (amountCents <= 0) {
    delete ctx.view.facts.agreedRemedy;
    ctx.escalate('senior_agent', `the ERP refused the reship and the items have no value to refund: ${refusal}`);
    ctx.transition(SYSTEM_ACTOR, 'reship_refused_to_senior_review', SOP.seniorReview);
    return;
  }
  ctx.setFact('convertedToRefund', true);
  ctx.record(SYSTEM_ACTOR, 'converted_to_refund', { reason: `the part could not be reshipped: ${refusal}`, data: { amountCents, items } });
  const refund = await ctx.effects.refund(amountCents, `sop_${reason}_reship_refused_refund`);
  await chargeResponsibleParty(ctx, amountCents, reason);
  ctx.close(SYSTEM_ACTOR, 'remedy_refunded', amountCents < paid ? 'partially_refunded' : 'refunded', { data: { amountCents: refund.amountCents, insteadOf: 'reship_part' } });
  await ctx.effects.notifyCustomer('refund_issued', { amountCents: refund.amountCents });
}

const waitFor = (status: string) => async (ctx: CaseContext) => {
  await ctx.waitUntil(() => ctx.status !== status);
};

/** The return playbook with seed 003's branches in front of its intake. */
export function withSopBranches(base: Playbook): Playbook {
  return {
    ...base,
    steps: {
      ...base.steps,
      [GOODS_RETURN_STATUS.submitted]: intake,
      [SOP.awaitingRemedy]: waitFor(SOP.awaitingRemedy),
      [SOP.seniorReview]: waitFor(SOP.seniorReview),
      [SOP.remedyAgreed]: carryOutRemedy,
    },
    commands: {
      ...base.commands,
      [SOP.awaitingRemedy]: { propose_remedy: ['merchant', ...CASE_STAFF], customer_decision: ['customer'] },
      [SOP.seniorReview]: { propose_remedy: ['senior_agent', 'supervisor', 'admin'], customer_decision: ['customer'] },
    },
    checks: {
      ...base.checks,
      propose_remedy: (ctx, p) => {
        const reason = returnDetails(ctx).reason;
        checkProposal(ctx, p, REMEDIES[reason as keyof typeof REMEDIES] ?? []);
      },
      customer_decision: (ctx) => checkDecision(ctx),
    },
    handlers: {
      ...base.handlers,
      propose_remedy: (ctx, p) => proposeRemedy(ctx, p),
      customer_decision: (ctx, p) => {
        const agreed = decideRemedy(ctx, p);
        if (agreed) ctx.transition(p.actor, 'remedy_agreed', SOP.remedyAgreed, { data: { remedy: agreed.remedy } });
        else if (!ctx.view.escalations.some((e) => e.to === 'senior_agent')) ctx.escalate('senior_agent', 'the customer rejected the proposed remedy', p.actor);
      },
    },
    clocks: [...base.clocks, CUSTOMER_DECISION],
    onRemedyLapse: () => undefined,
  };
}
