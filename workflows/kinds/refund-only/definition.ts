/** A refund without a return (仅退款): not shipped, refused at delivery, a price difference, a minor defect. */
import { z } from 'zod';
import { cents, epochMs } from '../../contract/common';
import { policyKey } from '../../policy/policy-key';
import { hours, LIMIT } from '../../policy/limits';
import { defineKind } from '../kind';

const DAY = 24;

export const REFUND_ONLY_GROUNDS = ['not_shipped', 'refused_delivery', 'price_difference', 'minor_defect'] as const;

export const refundOnlyKind = defineKind({
  kind: 'refund_only',
  details: z.strictObject({
    kind: z.literal('refund_only'),
    ground: z.enum(REFUND_ONLY_GROUNDS),
    amountCents: cents.optional(),
    promotionStartedAt: epochMs.optional(),
    promotionPriceCents: cents.optional(),
  }),
  statuses: ['submitted', 'awaiting_return_to_sender', 'awaiting_remedy', 'refund_due', 'in_dispute', 'closed'],
  facts: {},
  commands: {},
  policy: {
    priceDifferenceWindow: policyKey(LIMIT, { description: 'A promotion starting within this long after purchase allows a price-difference refund', default: hours(3 * DAY) }),
  },
  intake: { needsOrder: true },
  reportReason: (details) => details.ground,
});
