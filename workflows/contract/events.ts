/** What partners report about a case, delivered to its workflow as signals carrying the partner's dedup key. */
import { z } from 'zod';
import { epochMs, id } from './common';

export const CourierEvent = z.strictObject({
  dedupKey: id,
  trackingNumber: id.optional(),
  event: z.enum(['picked_up', 'in_transit', 'delivered', 'returned_to_sender', 'lost', 'damaged']),
  at: epochMs.openapi({ description: 'When the courier scanned it' }),
});

export const PaymentEvent = z.strictObject({ dedupKey: id, refundId: id, status: z.enum(['succeeded', 'failed']) });
