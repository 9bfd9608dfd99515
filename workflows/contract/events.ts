/**
 * What partners report about a case, delivered to its workflow as signals carrying the partner's dedup key. Each partner
 * event is one entry of PARTNER_EVENTS: its callback route, its signal payload and its playbook hook come from it.
 */
import { z } from 'zod';
import type { CompanyKind } from '../domain/partner-companies';
import { epochMs, evidence, id, text, type ROLES } from './common';

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

/** A role a partner system calls with (admins may send every partner event). */
type PartnerRole = Exclude<(typeof ROLES)[number], 'system' | 'admin'>;

/** One partner event: who reports it, what its case gets, and its callback (POST /callbacks/<partner>). */
export interface PartnerEventEntry {
  /** The roles whose keys may send it, besides admin. */
  roles: readonly PartnerRole[];
  /** The kind of company a sender with this role acts for: its key reaches only the cases its company handles. */
  company?: CompanyKind;
  /** What the case gets (the signal's payload beside the partner's name). */
  body: z.ZodType;
  /** Who calls back and with what, as the callback's summary says it. */
  summary: string;
  /** A callback body, as the OpenAPI document shows it. */
  example: Record<string, unknown>;
  /** Fields the callback takes in another form than the event carries them, parsed into the event's form. */
  callbackFields?: z.ZodRawShape;
}

/** A time the partner may send as an ISO 8601 timestamp or epoch milliseconds; the case gets epoch milliseconds. */
const isoOrEpochMs = z
  .union([z.iso.datetime({ offset: true }), epochMs])
  .openapi({ description: 'ISO 8601 timestamp or epoch milliseconds' })
  .transform((at) => (typeof at === 'number' ? at : Date.parse(at)));

const exampleCaseId = 'case-3f2a9c0e1b7d4a65c8e91f20';

/** Every partner event, by partner. A new one is an entry here and its handler in a playbook's onPartnerEvent. */
export const PARTNER_EVENTS = {
  courier: {
    roles: ['courier'],
    company: 'courier',
    body: CourierEvent,
    summary: 'courier: a parcel scan, or event evidence: the later answer to the platform’s request for evidence in a dispute',
    example: { caseId: exampleCaseId, dedupKey: 'sf-evt-991', trackingNumber: 'SF1234567890', event: 'delivered', at: '2026-11-22T08:00:00Z' },
    callbackFields: { at: isoOrEpochMs },
  },
  payment: {
    roles: ['payment'],
    body: PaymentEvent,
    summary: 'payment',
    example: { caseId: exampleCaseId, dedupKey: 'pay-evt-17', refundId: 'rf-123', status: 'succeeded' },
  },
  repair: {
    roles: ['repair_provider'],
    company: 'repair_provider',
    body: RepairEvent,
    summary: 'repair provider',
    example: { caseId: exampleCaseId, dedupKey: 'rep-evt-4', repairOrderId: 'rep-81', event: 'diagnosed', misuse: true, quoteCents: 8_000 },
  },
  service: {
    roles: ['repair_provider'],
    company: 'repair_provider',
    body: ServiceEvent,
    summary: 'maintenance provider: the outcome of a booked visit',
    example: { caseId: exampleCaseId, dedupKey: 'svc-evt-9', bookingId: 'bk-77', event: 'completed', serviceRecord: 'descaled, seals replaced', evidence: [{ kind: 'document', uri: 'evidence://service-sheet-1' }] },
  },
} as const satisfies Record<string, PartnerEventEntry>;

export type PartnerName = keyof typeof PARTNER_EVENTS;
export const PARTNER_NAMES = Object.keys(PARTNER_EVENTS) as PartnerName[];
export const isPartnerName = (name: unknown): name is PartnerName => (PARTNER_NAMES as unknown[]).includes(name);
