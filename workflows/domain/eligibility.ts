/** Who is responsible for a return and whether it is allowed: pure rules from spec §Kinds 1 and seed 003. */
import type { CasePolicy } from '../policy';
import { addDuration } from '../sla/calendar';
import type { OrderSnapshot, ReturnReason } from './case';
import type { Party } from './parties';

export type Eligibility = { eligible: true; responsibleParty: Party; shippingCostBearer: Party } | { eligible: false; reason: string };

/** Who bears the return postage of a parcel holding items of several reasons: the first of these any item's reason names. */
const BEARER_PRECEDENCE: readonly Party[] = ['courier', 'merchant', 'warehouse'];

/**
 * An item-level claim: each item is assessed on its own reason. The claim is refused when an item is (naming its sku),
 * and the one parcel's postage (and the responsibility) goes to the party any item's reason makes responsible, before
 * the customer: a changed mind about one item does not make the customer pay to send back a defective other.
 */
export function assessClaimedItems(
  items: ReadonlyArray<{ sku: string; reason: ReturnReason }>,
  order: OrderSnapshot,
  details: { goodsIntact?: boolean; outerPackageDamaged?: boolean },
  policy: CasePolicy,
  now: number,
): Eligibility {
  const assessed: Array<Extract<Eligibility, { eligible: true }>> = [];
  for (const item of items) {
    const result = assessReturn(item.reason, order, details, policy, now);
    if (!result.eligible) return { eligible: false, reason: `${item.sku} (${item.reason}): ${result.reason}` };
    assessed.push(result);
  }
  const chosen = BEARER_PRECEDENCE.map((party) => assessed.find((r) => r.shippingCostBearer === party)).find((r) => r !== undefined) ?? assessed[0];
  return chosen;
}

export function assessReturn(
  reason: ReturnReason,
  order: OrderSnapshot,
  details: { goodsIntact?: boolean; outerPackageDamaged?: boolean },
  policy: CasePolicy,
  now: number,
): Eligibility {
  switch (reason) {
    case 'no_reason':
    case 'changed_mind': {
      if (order.deliveredAt === undefined) return { eligible: false, reason: 'not_delivered_yet: a no-reason return starts after delivery (before that, ask for a refund)' };
      if (now > addDuration(order.deliveredAt, policy.noReasonReturnWindow, policy.calendar)) return { eligible: false, reason: 'no_reason_window_passed' };
      if (policy.noReasonReturnExcludedCategories.includes(order.category)) return { eligible: false, reason: `category_excluded: ${order.category}` };
      if (order.noReasonReturnExcluded) return { eligible: false, reason: 'product_excluded: the product page excludes no-reason returns' };
      if (details.goodsIntact === false) return { eligible: false, reason: 'goods_not_intact: goods and packaging must be intact for a no-reason return' };
      return { eligible: true, responsibleParty: 'customer', shippingCostBearer: 'customer' };
    }
    case 'damaged_in_transit':
      // Outer packaging damaged → the courier bears the whole cost (seed 003).
      return details.outerPackageDamaged
        ? { eligible: true, responsibleParty: 'courier', shippingCostBearer: 'courier' }
        : { eligible: true, responsibleParty: 'merchant', shippingCostBearer: 'merchant' };
    case 'lost_in_transit':
      // The courier lost the parcel: the courier bears the cost (seed 003, 快递原因 破损、丢失).
      return { eligible: true, responsibleParty: 'courier', shippingCostBearer: 'courier' };
    case 'quality_defect':
    case 'wrong_item':
    case 'missing_item':
    case 'not_as_described':
    case 'late_shipment':
    case 'out_of_stock':
      return { eligible: true, responsibleParty: 'merchant', shippingCostBearer: 'merchant' };
  }
}
