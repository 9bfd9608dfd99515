/**
 * The commands a case takes, declared once with zod: the API validates request bodies with them, the OpenAPI document
 * is generated from them, the workflow's validators refuse a payload that does not match (so a direct Temporal client
 * cannot send a malformed command), and the payload types are inferred from them (workflows/messages.ts).
 */
import { z } from 'zod';
import { cents, evidence, id, PARTIES, PRIORITIES, text } from './common';
import { disputeCommandBodies } from './dispute';
import { kindCommandBodies } from '../kinds';
import { commandBase, commandReason, optionalAmount } from './command-base';

const reason = commandReason;
const base = commandBase;
const amount = optionalAmount;
/** More time for a clock: hours, minutes or working days. */
const extension = z
  .union([z.strictObject({ hours: z.number().positive().max(8760) }), z.strictObject({ minutes: z.number().positive().max(525_600) }), z.strictObject({ workingDays: z.int().positive().max(260) })])
  .openapi({ example: { hours: 24 } });

/** The courier company of the return leg, when not the order's (a configured courier company; else 422 unknown_company). */
const returnCourierId = id.optional().openapi({ description: 'The courier company carrying the goods back (default: the order’s courierId)' });

/** One body schema per command; the workflow's payload is the body plus `actor`, which the API sets from the caller. */
export const commandBodies = {
  assign: z.strictObject({ ...base, agentId: id }),
  escalate: z.strictObject({ ...base, to: z.enum(PARTIES), reason }),
  merchant_review: z.strictObject({ ...base, decision: z.enum(['approve', 'reject']), returnAddress: text(500).optional() }),
  platform_review: z.strictObject({ ...base, decision: z.enum(['approve', 'reject']) }),
  ship_back: z.strictObject({
    ...base,
    trackingNumber: id,
    carrier: text(100).optional(),
    postageCents: amount.openapi({ description: 'The return postage the customer advanced; refunded once the goods are accepted when shipping is not the customer’s to bear' }),
    courierId: returnCourierId,
  }),
  request_pickup: z
    .strictObject({ ...base, address: text(500).openapi({ description: 'Where the courier collects the goods' }), courierId: returnCourierId })
    .openapi({ description: 'Instead of shipping the goods back, the customer has the courier collect them; the case books the pickup and follows the courier’s tracking number' }),
  inspect: z.strictObject({
    ...base,
    result: z.enum(['accepted', 'rejected']).openapi({ description: 'The whole parcel; with items, the claimed items not listed get it' }),
    findings: text(4000),
    items: z
      .array(
        z.union([
          z.strictObject({ sku: id, result: z.enum(['accepted', 'rejected']), findings: text(2000).optional(), evidence: evidence.optional() }),
          z
            .strictObject({
              sku: id,
              result: z.literal('accepted'),
              deductionCents: cents.min(1).openapi({ description: 'Accepted with a deduction (e.g. a missing accessory), at most the item’s price' }),
              findings: text(2000).optional(),
              evidence: evidence.min(1).openapi({ description: 'A deduction needs evidence' }),
            })
            .openapi({ description: 'Accepted with a deduction and its evidence' }),
        ]),
      )
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Per claimed item: accepted, rejected, or accepted with a deduction and evidence; each sku once. The goods are accepted when any item is' }),
  }),
  start_refund: z
    .strictObject({
      ...base,
      amountCents: cents
        .min(1)
        .optional()
        .openapi({ description: 'At least the amount due (refundAmountCents) and at most the accepted items without deductions (refundMaxCents), else 422 amount_out_of_bounds; default: the amount due' }),
    })
    .openapi({ description: 'The merchant starts the refund of the amount the case has due (refundAmountCents)' }),
  /** `price_difference_charge`: the customer keeps a dearer wrong item and owes `amountCents` (a charge against the customer). */
  propose_remedy: z.strictObject({
    ...base,
    remedy: z.enum(['partial_refund', 'price_difference_refund', 'price_difference_charge', 'reship_part', 'gift', 'refund']),
    amountCents: amount,
    description: text(2000),
    items: z
      .array(z.strictObject({ sku: z.string().min(1).max(100), quantity: z.int().positive().max(1000) }))
      .min(1)
      .max(50)
      .optional()
      .openapi({ description: 'The order lines the remedy is about (e.g. the part to reship or refund); skus of the order' }),
  }),
  customer_decision: z.strictObject({ ...base, accept: z.boolean() }),
  confirm_resolution: z.strictObject({ ...base, resolved: z.boolean() }),
  answer_survey: z.strictObject({ ...base, rating: z.int().min(1).max(5), comment: text(2000).optional() }),
  resolve_blocked_refund: z
    .strictObject({
      ...base,
      resolution: z.enum(['retry', 'settled_offline']).openapi({ description: 'retry: issue the refund again (a new refund, new idempotency key); settled_offline: it was paid outside the payment partner' }),
      amountCents: cents.min(1).optional().openapi({ description: 'retry: the corrected amount; settled_offline: the amount paid offline. Default: the refused amount' }),
      reference: text(200).optional().openapi({ description: 'The offline transfer’s reference; required for settled_offline' }),
    })
    .superRefine((body, ctx) => {
      if (body.resolution === 'settled_offline' && body.reference === undefined) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'a refund settled offline needs the reference of the offline transfer' });
    }),
  override_review: z
    .strictObject({ ...base, decision: z.enum(['approve', 'reject']), reason, returnAddress: text(500).optional() })
    .openapi({ description: 'Supervisor: reject an approved return before the goods leave, or approve a rejected one (reopens the closed case for ship-back)' }),
  extend_deadline: z
    .strictObject({ ...base, clock: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a clock name'), by: extension, reason })
    .openapi({ description: "Supervisor: moves a running clock's deadline later (a paused clock keeps the extra time for when it resumes)" }),
  pause_deadline: z.strictObject({ ...base, clock: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a clock name'), reason }),
  resume_deadline: z.strictObject({ ...base, clock: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a clock name'), reason }),
  change_priority: z.strictObject({ ...base, priority: z.enum(PRIORITIES), reason }),
  add_note: z.strictObject({ ...base, note: text(4000), reason }).openapi({ description: 'An internal note for staff, in the audit trail; never sent to a party' }),
  ...disputeCommandBodies,
  ...kindCommandBodies(),
};

