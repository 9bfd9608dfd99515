/**
 * Who bears the cost of a remedy (spec §Responsibility and money) and the partner calls that establish or claim it:
 * the outbound-weight check with the courier (missing items) and the claim on the courier's monthly settlement.
 * Results are kept as facts, and keys derive from the case id, so a retry or a resumed run never repeats a call.
 */
import { SYSTEM_ACTOR } from '../../domain/parties';
import { partnerActions } from '../activities';
import { errorMessage, type CaseContext } from '../context';

/** Verifies the outbound weight with the order's courier company, against the order's warehouse's record; true when it mismatches (the warehouse bears the missing item). */
export async function checkOutboundWeight(ctx: CaseContext): Promise<boolean> {
  const known = ctx.view.facts.outboundWeightMismatch;
  if (typeof known === 'boolean') return known;
  const result = await partnerActions.checkOutboundWeight({
    idempotencyKey: `${ctx.caseId}:outbound-weight`,
    caseId: ctx.caseId,
    orderId: ctx.requireOrder().orderId,
    companyId: ctx.company('courier'),
    warehouseId: ctx.company('warehouse'),
  });
  ctx.setFact('outboundWeightMismatch', result.mismatch);
  ctx.record(SYSTEM_ACTOR, 'outbound_weight_checked', { evidence: [{ kind: 'weight_record', uri: `weight://${ctx.requireOrder().orderId}` }], data: { ...result } });
  return result.mismatch;
}

/** Files the claim against the courier; a refusal is escalated to the platform instead of failing the case. */
export async function fileCourierClaim(ctx: CaseContext, reason: string, amountCents: number): Promise<void> {
  if (ctx.view.facts.courierClaimId !== undefined) return;
  try {
    const { claimId } = await partnerActions.fileCourierClaim({ idempotencyKey: `${ctx.caseId}:courier-claim:${reason}`, caseId: ctx.caseId, orderId: ctx.requireOrder().orderId, reason, amountCents, companyId: ctx.company('courier') });
    ctx.setFact('courierClaimId', claimId);
    ctx.record(SYSTEM_ACTOR, 'courier_claim_filed', { reason, data: { claimId, amountCents } });
  } catch (err) {
    ctx.setFact('courierClaimId', '');
    ctx.escalate('platform', `courier claim refused: ${errorMessage(err)}`);
  }
}

/** Records the cost against the responsible third party: the courier (plus a claim) or the warehouse. */
export async function chargeResponsibleParty(ctx: CaseContext, amountCents: number, reason: string): Promise<void> {
  const party = ctx.view.responsibleParty;
  if (party === 'courier') {
    ctx.charge('courier', amountCents, reason);
    await fileCourierClaim(ctx, reason, amountCents);
  } else if (party === 'warehouse') {
    ctx.charge('warehouse', amountCents, reason);
  }
}

/** The value of the given items at the order's unit prices. */
export function itemsValueCents(ctx: CaseContext, items: ReadonlyArray<{ sku: string; quantity: number }>): number {
  const prices = new Map(ctx.requireOrder().items.map((i) => [i.sku, i.unitPriceCents]));
  return items.reduce((sum, i) => sum + (prices.get(i.sku) ?? 0) * i.quantity, 0);
}
