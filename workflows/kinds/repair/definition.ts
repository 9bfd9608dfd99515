/** A repair (维修): the goods go to the repair provider, free in warranty, quoted out of it, and come back. */
import { z } from 'zod';
import { commandBase } from '../../contract/command-base';
import { cents, id, text } from '../../contract/common';
import { checkWarranty } from '../../domain/warranty';
import { policyKey } from '../../policy/policy-key';
import { hours, LIMIT } from '../../policy/limits';
import { defineKind } from '../kind';

const DAY = 24;

export const repairKind = defineKind({
  kind: 'repair',
  details: z.strictObject({
    kind: z.literal('repair'),
    sku: id.openapi({ description: 'The item of the order to repair' }),
    fault: text(2000),
    misuse: z.boolean().optional().openapi({ description: 'Damage by the customer’s own use (known at intake); the provider’s diagnosis can find it too. Misuse makes the repair paid' }),
  }),
  statuses: ['submitted', 'awaiting_collection', 'at_repair_provider', 'awaiting_quote_decision', 'returning_unrepaired', 'awaiting_repair_confirmation', 'awaiting_repair_remedy', 'awaiting_return_shipment', 'return_in_transit', 'awaiting_inspection', 'goods_accepted', 'refund_due', 'closed'],
  facts: {
    repairWarranty: z.enum(['in_warranty', 'out_of_warranty']).optional().openapi({ description: 'Repair: the warranty check at intake (policy.warrantyByCategory)' }),
    repairChargeable: z.boolean().optional().openapi({ description: 'Repair: out of warranty or misuse, so the repair is quoted and paid' }),
    repairCollection: z.enum(['pickup', 'drop_off']).optional(),
    repairOrderId: z.string().optional().openapi({ description: 'The repair provider’s order (dispatched once)' }),
    repairQuoteCents: z.int().optional(),
    repairQuoteDecision: z.enum(['accepted', 'declined']).optional(),
    repairResult: z.enum(['repaired', 'unrepairable', 'still_faulty']).optional(),
    repairRemedy: z.enum(['return_refund', 'exchange', 'discount_refund']).optional(),
    repairDiscountCents: z.int().optional(),
  },
  commands: {
    drop_off: z
      .strictObject({ ...commandBase, location: text(500).openapi({ description: 'Where the customer hands the goods in' }) })
      .openapi({ description: 'Repair: the customer drops the goods off instead of a courier pickup (request_pickup)' }),
    choose_repair_remedy: z
      .union([
        z.strictObject({ ...commandBase, remedy: z.enum(['return_refund', 'exchange']) }),
        z.strictObject({ ...commandBase, remedy: z.literal('discount_refund'), amountCents: cents.min(1).openapi({ description: 'The discount, at most the item’s price' }) }),
      ])
      .openapi({ description: 'Repair unrepairable or still faulty: the customer takes a refund (goods returned), an exchange, or keeps the goods with a discount refund' }),
  },
  policy: {
    warrantyByCategory: policyKey(z.record(z.string().min(1).max(100), LIMIT), {
      description: 'Repair: the warranty period per order category, counted from delivery (else purchase); a category without one cannot open a repair',
      default: { electronics: hours(365 * DAY), kitchen: hours(365 * DAY), appliances: hours(3 * 365 * DAY) },
      whenAbsent: 'none',
    }),
    repairTurnaround: policyKey(LIMIT, {
      description: 'Repair: the provider’s turnaround from dispatch to the goods shipped back; warned after repairTurnaroundWarnAfter, escalated at breach',
      default: { workingDays: 10 },
      whenAbsent: { value: { workingDays: 10 } },
    }),
    repairTurnaroundWarnAfter: policyKey(LIMIT, { description: 'Repair: when the provider is warned of its turnaround', default: { workingDays: 7 }, whenAbsent: 'none' }),
    repairQuoteDecision: policyKey(LIMIT, { description: 'Repair: the customer accepts or declines a quote within this (silence = declined)', default: hours(3 * DAY), whenAbsent: { value: hours(72) } }),
    repairUnrepairedReturn: policyKey(LIMIT, {
      description: 'Repair: a declined quote’s goods are shipped back by the provider and delivered to the customer within this (the provider’s; escalated to the platform at breach)',
      default: { workingDays: 5 },
      whenAbsent: { value: { workingDays: 5 } },
    }),
    repairConfirmation: policyKey(LIMIT, {
      description: 'Repair: the customer confirms the repaired goods within this (silence = accepted), and chooses what follows a failed repair',
      default: hours(7 * DAY),
      whenAbsent: { sameAs: 'customerConfirmationTimeout' },
    }),
    repairCollection: policyKey(LIMIT, {
      description: 'Repair: the customer hands the goods over (pickup or drop-off) within this, reminded after repairCollectionWarnAfter; else closed as abandoned',
      default: hours(7 * DAY),
      whenAbsent: { sameAs: 'customerShipBack' },
    }),
    repairCollectionWarnAfter: policyKey(LIMIT, { description: 'Repair: when the customer is reminded to hand the goods over', default: hours(5 * DAY), whenAbsent: 'none' }),
  },
  intake: {
    needsOrder: true,
    /** A repair names an item of its order whose category has a warranty period in the policy. */
    check({ order, details }, policy, now) {
      if (!order) return undefined;
      if (!order.items.some((i) => i.sku === details.sku)) {
        return { code: 'unknown_sku', title: 'Item not in the order', detail: `sku ${details.sku} is not in order ${order.orderId}`, errors: [{ field: 'body.details.sku', message: 'not in the order' }] };
      }
      const warranty = checkWarranty(order, policy as Parameters<typeof checkWarranty>[1], now);
      if (!warranty.known) return { code: 'no_warranty_info', title: 'No warranty information', detail: warranty.reason, errors: [{ field: 'body.order.category', message: warranty.reason }] };
      return undefined;
    },
  },
  reportReason: () => 'repair',
});
