/** What partners report about a case, delivered to its workflow as signals carrying the partner's dedup key. */
import { z } from 'zod';
import { epochMs, evidence, id, text } from './common';

export const CourierEvent = z.strictObject({
  dedupKey: id,
  trackingNumber: id.optional(),
  event: z.enum(['picked_up', 'in_transit', 'delivered', 'returned_to_sender', 'lost', 'damaged']),
  at: epochMs.openapi({ description: 'When the courier scanned it' }),
});

export const PaymentEvent = z.strictObject({ dedupKey: id, refundId: id, status: z.enum(['succeeded', 'failed']) });

/** The repair provider's progress on a repair order (POST /callbacks/repair). */
export const REPAIR_EVENTS = ['accepted', 'diagnosed', 'repairing', 'repaired', 'unrepairable', 'shipped_back'] as const;
export const RepairEvent = z.strictObject({
  dedupKey: id,
  repairOrderId: id,
  event: z.enum(REPAIR_EVENTS),
  misuse: z.boolean().optional().openapi({ description: 'diagnosed: the fault comes from misuse (the repair is paid)' }),
  quoteCents: z.int().min(0).max(100_000_00).optional().openapi({ description: 'diagnosed: the price of a paid repair' }),
  trackingNumber: id.optional().openapi({ description: 'shipped_back: the parcel back to the customer' }),
  note: z.string().trim().min(1).max(2000).optional(),
});

/** The maintenance provider's outcome of a booked visit (POST /callbacks/service): done with its service record, or a no-show. */
const serviceEventBase = { dedupKey: id, bookingId: id.openapi({ description: 'The booking the visit was for (book_service)' }), note: z.string().trim().min(1).max(2000).optional() };
export const ServiceEvent = z.union([
  z.strictObject({
    ...serviceEventBase,
    event: z.literal('completed'),
    serviceRecord: text(4000).openapi({ description: 'What was done at the visit' }),
    evidence: evidence.optional().openapi({ description: 'The service sheet, photos' }),
  }),
  z.strictObject({ ...serviceEventBase, event: z.enum(['customer_no_show', 'provider_no_show']) }),
]);
