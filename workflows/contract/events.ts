/** What partners report about a case, delivered to its workflow as signals carrying the partner's dedup key. */
import { z } from 'zod';
import { epochMs, evidence, id, text } from './common';

/** What a courier scans on a parcel. */
const COURIER_SCANS = ['picked_up', 'in_transit', 'delivered', 'returned_to_sender', 'lost', 'damaged'] as const;
const courierScan = z.strictObject({
  dedupKey: id,
  trackingNumber: id.optional(),
  event: z.enum(COURIER_SCANS),
  at: epochMs.openapi({ description: 'When the courier scanned it' }),
});
/** The courier's later answer to the platform's request for evidence in a dispute (it acknowledged the request with evidenceRequestId). */
const courierEvidence = z.strictObject({
  dedupKey: id,
  trackingNumber: id,
  event: z.literal('evidence'),
  at: epochMs.openapi({ description: 'When the courier answered' }),
  evidenceRequestId: id.openapi({ description: 'The id the courier gave the request when it acknowledged it (answer 202 of its evidence-requests endpoint)' }),
  evidenceId: id,
  kind: id.openapi({ description: 'What the evidence is, e.g. handover_record' }),
  uri: z.string().trim().min(1).max(2000),
  events: z.array(z.strictObject({ event: z.string().min(1).max(100), at: z.string().min(1).max(100), detail: z.string().max(2000) })).max(100),
});
/** A scan of a parcel, or the evidence the platform asked the courier for in a dispute. */
export const CourierEvent = z.discriminatedUnion('event', [courierScan, courierEvidence]);

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
