/**
 * A case as it is opened (order, customer, kind details) and as it is read (the view every query answers and the store
 * keeps), declared once: the domain types are inferred from these (workflows/domain/case.ts), the API validates create
 * requests and documents its answers with them.
 */
import { z } from 'zod';
import { Actor, cents, epochMs, EvidenceRef, id, PARTIES, PRIORITIES, text } from './common';
import { Dispute } from './dispute';
import { caseKinds, kindDetailsSchemas, kindFacts, statusesByKind } from '../kinds';
import { ClaimItem, RETURN_REASONS } from '../kinds/return/definition';
import { REFUND_ONLY_GROUNDS } from '../kinds/refund-only/definition';

export const CASE_KINDS = caseKinds();
export { REFUND_ONLY_GROUNDS, RETURN_REASONS, ClaimItem };

export const CHANNELS = ['online', 'phone', 'email'] as const;

/** The statuses each kind of case passes through; every playbook has a step or commands for each, and nothing else. */
export const STATUSES_BY_KIND = statusesByKind();

export const CASE_STATUSES = [...new Set(Object.values(STATUSES_BY_KIND).flat())] as Array<(typeof STATUSES_BY_KIND)[keyof typeof STATUSES_BY_KIND][number]>;

export const OrderSnapshot = z
  .strictObject({
    orderId: id,
    merchantId: id,
    customerId: id,
    paidAmountCents: cents,
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
    purchasedAt: epochMs,
    shippedAt: epochMs.optional(),
    deliveredAt: epochMs.optional(),
    category: text(100),
    noReasonReturnExcluded: z.boolean().optional().openapi({ description: 'The product page declares it excluded from the 7-day no-reason return' }),
    merchantTier: text(50).optional().openapi({ description: 'The merchant’s tier on the platform (e.g. premium); policy overrides can match it' }),
    courierId: id.optional().openapi({ description: 'The courier company that carries the parcel and any pickup (default: the default courier company)' }),
    warehouseId: id.optional().openapi({ description: 'The warehouse company that shipped the order and checks its outbound weight (default: the default warehouse)' }),
    repairProviderId: id.optional().openapi({ description: 'The repair provider that takes the repair order (default: the default repair provider)' }),
    items: z
      .array(z.strictObject({ sku: id, name: text(200), quantity: z.int().min(1).max(10_000), unitPriceCents: cents }))
      .min(1)
      .max(200),
  })
  .openapi('OrderSnapshot');

/** The languages customer e-mail is written in (activities/mail/templates.ts). */
export const CUSTOMER_LOCALES = ['zh-CN', 'en'] as const;

export const CustomerContact = z.strictObject({
  name: text(200).optional(),
  phone: z.string().regex(/^\+?[0-9 ()-]{4,32}$/, 'a phone number').optional(),
  email: z.email().max(254).optional(),
  locale: z.enum(CUSTOMER_LOCALES).optional().openapi({ description: 'The language of the notices the customer gets by e-mail (default zh-CN)' }),
});

export const KindDetails = z.discriminatedUnion('kind', kindDetailsSchemas()).openapi('KindDetails', { example: { kind: 'return', reason: 'quality_defect' } });

// ---- the view ----

const party = z.enum(PARTIES);

export const Limit = z.union([z.strictObject({ hours: z.number() }), z.strictObject({ minutes: z.number() }), z.strictObject({ workingDays: z.number() })]);

/** A year's public holidays and make-up working days (调休), in place of what a calendar had for that year. */
export const CalendarYear = z.strictObject({
  year: z.int().min(2000).max(2100),
  holidays: z.array(z.iso.date()).max(366),
  extraWorkingDays: z.array(z.iso.date()).max(366),
});

export const ClockSpec = z.object({
  name: z.string(),
  limit: Limit,
  warnBefore: z.object({ hours: z.number().optional(), minutes: z.number().optional() }).optional().openapi({ description: 'Warn this long before the deadline' }),
  warnAfter: Limit.optional().openapi({ description: 'Warn this long after the start (the earlier of the two when both are given)' }),
  breachAction: z.string().openapi({ description: 'What the workflow does when the deadline passes, e.g. escalate_to_platform' }),
  owner: z.string().openapi({ description: 'The party that owes the action' }),
  countedFrom: epochMs.optional().openapi({ description: 'The limit counts from this instant (e.g. when the ticket was received), not from the start' }),
});

export const ClockState = ClockSpec.extend({
  status: z.enum(['running', 'paused', 'satisfied', 'breached', 'cancelled']),
  startedAt: epochMs,
  deadline: epochMs,
  warnAt: epochMs.optional(),
  warned: z.boolean(),
  breachedAt: epochMs.optional(),
  pausedAt: epochMs.optional(),
  remainingMs: z.number().optional().openapi({ description: 'Time left until the deadline, kept while paused' }),
  satisfiedAt: epochMs.optional(),
  cancelledAt: epochMs.optional(),
}).openapi('Clock');

export const AuditEntry = z
  .object({
    seq: z.int(),
    at: epochMs,
    actor: Actor,
    action: z.string(),
    fromStatus: z.string(),
    toStatus: z.string(),
    reason: z.string().optional(),
    evidence: z.array(EvidenceRef).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('AuditEntry');

export const RefundRecord = z.object({
  idempotencyKey: z.string(),
  amountCents: z.int(),
  reason: z.string(),
  refundId: z.string().optional(),
  status: z.enum(['pending', 'succeeded', 'failed', 'settled_offline']).openapi({
    description:
      'failed: the payment partner refused it (failure says why) or reported it failed; never reused: the platform retries it as a new refund with a new key, or settles it offline (offlineReference)',
  }),
  onBehalfOfMerchant: z.boolean().openapi({ description: 'The platform paid because the merchant missed the refund deadline' }),
  failure: z.string().optional(),
  offlineReference: z.string().optional(),
});

export const ReshipRecord = z.object({
  idempotencyKey: z.string(),
  items: z.array(z.object({ sku: z.string(), quantity: z.int() })),
  reason: z.string(),
  erpOrderId: z.string().optional(),
  status: z.enum(['pending', 'succeeded', 'failed']).optional().openapi({ description: 'failed: the ERP refused it; absent on records older than the status' }),
  failure: z.string().optional(),
});

/** One line of the refund an item-level return or exchange computed: an accepted item, a deduction, the postage. */
export const RefundLine = z
  .object({
    kind: z.enum(['item', 'deduction', 'postage']),
    sku: z.string().optional(),
    quantity: z.int().optional(),
    amountCents: z.int().openapi({ description: 'Negative for a deduction' }),
    reason: z.string().optional(),
    evidence: z.array(EvidenceRef).optional(),
  })
  .openapi('RefundLine');

/** The merchant's inspection of one claimed item. */
export const ItemInspection = z
  .object({ sku: z.string(), quantity: z.int(), result: z.enum(['accepted', 'rejected']), deductionCents: z.int().optional(), findings: z.string().optional(), evidence: z.array(EvidenceRef).optional() })
  .openapi('ItemInspection');

/** A liability recorded against a party, settled monthly (couriers through 快递月结). */
/** The parties a charge can be recorded against. */
export const CHARGE_PARTIES = ['merchant', 'courier', 'warehouse', 'customer', 'platform'] as const;
export const ChargeRecord = z.object({ party: z.enum(CHARGE_PARTIES), amountCents: z.int(), reason: z.string(), key: z.string(), companyId: z.string().optional().openapi({ description: 'A courier charge for the return leg: the company that carried it (else the order’s company)' }) });

export const Escalation = z.object({ at: epochMs, to: party, reason: z.string(), clock: z.string().optional() });

export const OpenBreach = z.object({ clock: z.string(), owingParty: party, deadline: epochMs, breachedAt: epochMs });

/** What a case has established along the way (each kind adds its own facts); each fact is set by the step named in its description. */
export const CaseFacts = z
  .object({
    refundAmountCents: z.int().optional().openapi({ description: 'The refund the case has due (refund_due)' }),
    refundReason: z.string().optional(),
    refundRequested: z.boolean().optional().openapi({ description: 'The merchant started the refund' }),
    refundOnBehalfOfMerchant: z.boolean().optional().openapi({ description: 'The refund deadline passed: the platform refunds and charges the merchant' }),
    refundBlocked: z.boolean().optional().openapi({ description: 'The payment partner refused a refund; the case waits for resolve_blocked_refund' }),
    blockedRefundKey: z.string().optional().openapi({ description: 'The idempotency key of the refused refund' }),
    pickupAddress: z.string().optional().openapi({ description: 'The courier collects the goods here (request_pickup)' }),
    pickupId: z.string().optional().openapi({ description: 'The courier’s pickup booking; empty when the courier refused it' }),
    returnPostageCents: z.int().optional().openapi({ description: 'The return postage the customer advanced (ship_back)' }),
    postageBorneBy: z.string().optional(),
    pendingRemedy: z.string().optional().openapi({ description: 'The remedy proposed and awaiting the customer (JSON)' }),
    agreedRemedy: z.string().optional().openapi({ description: 'The remedy the customer accepted (JSON)' }),
    giftAgreed: z.string().optional(),
    apologyGift: z.string().optional(),
    outboundWeightMismatch: z.boolean().optional().openapi({ description: 'The courier’s outbound weight check: the warehouse bears a missing item' }),
    courierClaimId: z.string().optional().openapi({ description: 'The claim filed against the courier; empty when the courier refused it' }),
    surveyExpired: z.boolean().optional(),
    refundMaxCents: z.int().optional().openapi({ description: 'The most start_refund.amountCents may ask: the accepted items without deductions (refundAmountCents is the least)' }),
    refundRequestedAmountCents: z.int().optional().openapi({ description: 'The amount start_refund asked for, within the bounds' }),
    ...kindFacts(),
  })
  .openapi('CaseFacts');

const Survey = z.object({ sentAt: epochMs, rating: z.int().optional(), comment: z.string().optional() });

export const CaseView = z
  .object({
    caseId: z.string(),
    kind: z.enum(CASE_KINDS),
    status: z.enum(CASE_STATUSES),
    version: z.int(),
    policyVersion: z.string(),
    policyOverride: z.string().optional().openapi({ description: 'The override of the policy version the case runs under, when one matched' }),
    openedAt: epochMs,
    lastTransitionAt: epochMs,
    closedAt: epochMs.optional(),
    outcome: z.string().optional(),
    channel: z.enum(CHANNELS),
    customer: z.object({ name: z.string().optional(), phone: z.string().optional(), email: z.string().optional() }).openapi({ description: 'Masked for roles without contact rights' }),
    order: OrderSnapshot.optional(),
    description: z.string(),
    details: KindDetails,
    openedBy: Actor.optional().openapi({ description: 'Absent on cases opened before it was kept' }),
    aboutCaseId: z.string().optional().openapi({ description: 'A complaint about the result of this closed case (POST /cases/{id}/complaints)' }),
    assignedAgentId: z.string().optional(),
    ticketNumber: z.string().optional(),
    priority: z.enum(PRIORITIES).optional(),
    owingParty: party.optional().openapi({ description: 'Who owes the next action: the owner of the earliest running or breached-and-unsatisfied clock' }),
    nextDeadline: epochMs.optional(),
    nextDeadlineClock: z.string().optional(),
    waitingOn: party.optional(),
    openBreaches: z.array(OpenBreach).optional(),
    escalatedTo: z.array(party).optional().openapi({ description: 'Roles whose escalations are still open' }),
    responsibleParty: party.optional(),
    shippingCostBearer: party.optional(),
    returnAddress: z.string().optional(),
    returnTrackingNumber: z.string().optional(),
    returnCourierId: z.string().optional().openapi({ description: 'The courier company carrying the return leg when ship_back or request_pickup named one (else the order’s courier)' }),
    refunds: z.array(RefundRecord),
    refundLines: z.array(RefundLine).optional().openapi({ description: 'Returns and exchanges: what the refund is made of (accepted items, deductions, postage); their sum is the total refunded' }),
    itemInspections: z.array(ItemInspection).optional().openapi({ description: 'The inspection of each claimed item' }),
    reships: z.array(ReshipRecord),
    charges: z.array(ChargeRecord),
    escalated: z.boolean(),
    escalations: z.array(Escalation),
    breached: z.boolean(),
    clocks: z.array(ClockState),
    audit: z.array(AuditEntry),
    facts: CaseFacts,
    survey: Survey.optional().openapi({ description: 'The satisfaction survey of the case’s last closing' }),
    earlierSurveys: z.array(Survey).optional().openapi({ description: 'Surveys of earlier closings of a case the platform reopened (a new survey follows each closing)' }),
    dispute: Dispute.optional().openapi({ description: 'The platform’s intervention (request_intervention): evidence, rulings and appeals' }),
  })
  .openapi('CaseView', { example: { caseId: 'case-3f2a9c0e1b7d4a65c8e91f20', kind: 'return', status: 'awaiting_merchant_review', version: 3 } });

/** What a partner system (courier, payment, warehouse) reads of a case it takes part in (workflows/domain/case-access.ts). */
export const PartnerCaseView = CaseView.pick({ caseId: true, kind: true, status: true, openedAt: true, lastTransitionAt: true, closedAt: true, returnTrackingNumber: true })
  .extend({
    order: z.object({ orderId: z.string(), merchantId: z.string(), items: OrderSnapshot.shape.items }).optional(),
    refunds: z.array(RefundRecord).optional().openapi({ description: 'The payment partner only' }),
  })
  .openapi('PartnerCaseView');
