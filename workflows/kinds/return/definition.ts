/** A return (退货退款): the customer sends the goods back and is refunded once the merchant accepts them. */
import { z } from 'zod';
import { id } from '../../contract/common';
import { claimIssues } from '../../domain/item-claims';
import type { OrderSnapshot } from '../../domain/case';
import { defineKind, type IntakeIssue } from '../kind';

/** Why the customer asks for a return, refund or exchange (seed 003's branches). */
export const RETURN_REASONS = [
  'quality_defect',
  'wrong_item',
  'missing_item',
  'not_as_described',
  'damaged_in_transit',
  'lost_in_transit',
  'no_reason',
  'changed_mind',
  'late_shipment',
  'out_of_stock',
] as const;

export const returnReason = z.enum(RETURN_REASONS);

/** One order line a return or exchange is about (item-level requests); skus of the order, no more than bought. */
export const ClaimItem = z.strictObject({ sku: id, quantity: z.int().min(1).max(10_000), reason: returnReason }).openapi('ClaimItem');
export const claimItems = z
  .array(ClaimItem)
  .min(1)
  .max(200)
  .optional()
  .openapi({ description: 'The order lines the request is about, each sku once; absent: every item of the order (order-level request)' });

/** The statuses of a request for goods to come back (returns, exchanges), up to the goods accepted. */
export const GOODS_RETURN_STATUSES = ['submitted', 'awaiting_merchant_review', 'awaiting_platform_review', 'awaiting_return_shipment', 'return_in_transit', 'awaiting_inspection', 'goods_accepted'] as const;

/** An item-level request names skus of its order, each once, no more than bought. */
export function checkClaimedItems(order: OrderSnapshot | undefined, items: z.output<typeof claimItems>): IntakeIssue | undefined {
  if (!order || !items) return undefined;
  const issues = claimIssues(order, items, 'body.details.items');
  if (issues.length === 0) return undefined;
  return { code: issues[0].code, title: 'Items do not match the order', detail: issues.map((i) => i.message).join('; '), errors: issues.map(({ field, message }) => ({ field, message })) };
}

export const returnKind = defineKind({
  kind: 'return',
  details: z.strictObject({ kind: z.literal('return'), reason: returnReason, goodsIntact: z.boolean().optional(), outerPackageDamaged: z.boolean().optional(), items: claimItems }),
  statuses: [...GOODS_RETURN_STATUSES, 'refund_due', 'awaiting_remedy_agreement', 'awaiting_senior_review', 'remedy_agreed', 'in_dispute', 'closed'],
  facts: {},
  commands: {},
  policy: {},
  intake: { needsOrder: true, check: ({ order, details }) => checkClaimedItems(order, details.items) },
  reportReason: (details) => details.reason,
});
