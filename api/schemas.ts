/**
 * The API's own request and response schemas (queries, pages, problems); the case, its commands and its events come
 * from the contract (workflows/contract). The OpenAPI document is generated from both.
 */
import { z } from 'zod';
import { CASE_KINDS, CASE_STATUSES, CaseView, CHANNELS, CustomerContact, DISPUTE_PHASES, evidence, id, KindDetails, OrderSnapshot, PARTNER_EVENTS, PARTNER_NAMES, PartnerCaseView, PARTIES, PRIORITIES, text, type PartnerEventEntry, type PartnerName } from '../workflows/contract';
import type { CommandName } from '../workflows/messages';
import { kindNeedsOrder } from '../workflows/kinds';

export { commandBodies, EvidenceRef, PARTIES } from '../workflows/contract';

export const caseIdParam = z.strictObject({ id: id.openapi({ param: { name: 'id', in: 'path' }, example: 'case-3f2a9c0e1b7d4a65c8e91f20' }) });


export const CreateCaseBody = z
  .strictObject({
    channel: z.enum(CHANNELS),
    customer: CustomerContact,
    order: OrderSnapshot.optional(),
    description: text(4000),
    evidence: evidence.default([]),
    details: KindDetails,
    priority: z.enum(PRIORITIES).optional().openapi({ description: 'The case’s priority from the start; policy overrides can match it' }),
  })
  .superRefine((body, ctx) => {
    if (kindNeedsOrder(body.details.kind) && !body.order) ctx.addIssue({ code: 'custom', path: ['order'], message: `a ${body.details.kind} case needs the order` });
  })
  .openapi('CreateCaseBody', {
    example: {
      channel: 'online',
      customer: { name: 'Li Wei', phone: '+86 138 0013 8000', email: 'li.wei@example.com' },
      order: {
        orderId: 'order-1001',
        merchantId: 'merchant-a',
        customerId: 'customer-1',
        paidAmountCents: 25900,
        currency: 'CNY',
        purchasedAt: 1_793_000_000_000,
        deliveredAt: 1_793_300_000_000,
        category: 'kitchen',
        items: [{ sku: 'kettle-1', name: 'Kettle', quantity: 1, unitPriceCents: 25900 }],
      },
      description: 'The kettle leaks from the base.',
      evidence: [{ kind: 'photo', uri: 'https://files.example/p/123.jpg' }],
      details: { kind: 'return', reason: 'quality_defect' },
    },
  });
export type CreateCaseBody = z.infer<typeof CreateCaseBody>;

/** A complaint about the result of a closed case (POST /cases/{id}/complaints). */
export const ComplaintBody = z
  .strictObject({ description: text(4000), desiredResolution: text(2000).optional(), evidence: evidence.default([]) })
  .openapi('ComplaintBody', { example: { description: 'The merchant rejected my return and the platform never looked at my photos.', desiredResolution: 'a full refund' } });

export const COMMAND_EXAMPLES: Partial<Record<CommandName, object>> = {
  assign: { agentId: 'agent-7' },
  escalate: { to: 'platform', reason: 'merchant unresponsive' },
  merchant_review: { decision: 'approve', returnAddress: 'Returns desk, 8 Harbour Rd' },
  ship_back: { trackingNumber: 'SF1234567890', carrier: 'SF Express' },
  request_pickup: { address: '12 West Lake Rd, Xihu District, Hangzhou' },
  inspect: { result: 'accepted', findings: 'leak confirmed at the base seal' },
  start_refund: {},
  drop_off: { location: 'Service point, 3 Harbour Rd' },
  choose_repair_remedy: { remedy: 'discount_refund', amountCents: 5_000 },
  book_service: { slotAt: 1_893_456_000_000 },
  reschedule_service: { slotAt: 1_893_542_400_000 },
  record_service: { outcome: 'completed', serviceRecord: 'descaled, seals replaced, tested at 100 °C' },
  propose_remedy: { remedy: 'reship_part', description: 'reship the cracked lid', items: [{ sku: 'kettle-lid-1', quantity: 1 }] },
  resolve_blocked_refund: { resolution: 'retry', amountCents: 15900, reason: 'the order has 159.00 left to refund after an earlier partial refund' },
  request_intervention: { reason: 'the merchant rejected a defective kettle', evidence: [{ kind: 'video', uri: 'attachment://9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }] },
  submit_evidence: { note: 'unboxing video shows the leak' },
  rule_dispute: { responsibleParty: 'merchant', remedy: 'full_refund', reasons: 'defect shown on video; the merchant sent no evidence' },
  appeal_ruling: { reason: 'lab report shows misuse' },
};

const timestamp = z.iso.datetime({ offset: true });

/** A partner's callback, by partner: the event its case gets as a signal, which case, and the fields it takes in another form. */
export const CALLBACK_BODIES = Object.fromEntries(
  PARTNER_NAMES.map((partner) => {
    const { body, callbackFields, example }: PartnerEventEntry = PARTNER_EVENTS[partner];
    const name = `${partner[0].toUpperCase()}${partner.slice(1)}Callback`;
    return [partner, withFields(body, { caseId: id, ...callbackFields }).openapi(name, { example })];
  }),
) as Record<PartnerName, z.ZodType<{ caseId: string } & Record<string, unknown>>>;

/** `schema` with `fields` added: to the object, or to each object of the union. */
function withFields(schema: z.core.$ZodType, fields: z.ZodRawShape): z.ZodType {
  if (schema instanceof z.ZodObject) return schema.extend(fields);
  if (schema instanceof z.ZodDiscriminatedUnion) return z.discriminatedUnion(schema.def.discriminator, schema.options.map((option) => withFields(option, fields)) as never);
  if (schema instanceof z.ZodUnion) return z.union(schema.options.map((option) => withFields(option, fields)));
  throw new Error('a partner event is an object or a union of objects');
}

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const ListCasesQuery = z
  .strictObject({
    kind: z.enum(CASE_KINDS).optional(),
    status: z.enum(CASE_STATUSES).optional(),
    merchantId: id.optional(),
    agentId: id.optional(),
    customerId: id.optional(),
    createdFrom: timestamp.optional(),
    createdTo: timestamp.optional(),
    nextDeadlineBefore: timestamp.optional(),
    escalated: bool.optional(),
    breached: bool.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'a cursor from a previous page').optional(),
  })
  .openapi('ListCasesQuery');

/** ISO 8601 duration, days and smaller: P1D, PT2H, P1DT30M. */
export const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d{1,5}D)?(T(?=\d)(\d{1,6}H)?(\d{1,7}M)?(\d{1,9}S)?)?$/, 'an ISO 8601 duration such as PT2H or P1D')
  .openapi({ example: 'PT2H' });

export function durationMs(value: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (!m) return 0;
  const [d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}

/** A supervisor assigns many cases to one agent; each case answers for itself. */
export const BulkAssignBody = z
  .strictObject({
    caseIds: z
      .array(id)
      .min(1)
      .max(200)
      .refine((ids) => new Set(ids).size === ids.length, 'case ids must be distinct')
      .openapi({ uniqueItems: true }),
    agentId: id,
    reason: text(2000),
  })
  .openapi('BulkAssignBody');

export const STUCK_STATES = ['breached', 'within', 'idle'] as const;
export const STUCK_REASONS = ['deadline_breached', 'deadline_within_window', 'idle', 'refund_blocked', 'dispute_open'] as const;

const statusName = z.enum(CASE_STATUSES);
const clockName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a clock name');
/** An opaque page cursor; what it holds is checked when it is decoded (api/supervisor.ts). */
const pageCursor = z.string().regex(/^[A-Za-z0-9_-]{1,400}$/, 'a cursor from a previous page of the same query');
const pageLimit = z.coerce.number().int().min(1).max(500).default(100);

export const StuckCasesQuery = z
  .strictObject({
    within: isoDuration.default('PT0S').openapi({ description: 'Window after now: a deadline before its end counts (default PT0S: breached only)' }),
    idleFor: isoDuration.optional().openapi({ description: 'A case without a transition for this long counts as idle' }),
    state: z
      .enum(STUCK_STATES)
      .optional()
      .openapi({ description: 'Only one kind of stuck: breached (deadline past), within (deadline not past but within `within`), idle (no transition for `idleFor`). Default: any, and refund blocked' }),
    kind: z.enum(CASE_KINDS).optional(),
    status: statusName.optional(),
    owingParty: z.enum(PARTIES).optional().openapi({ description: 'The party owing the next deadline' }),
    merchantId: id.optional(),
    clock: clockName.optional().openapi({ description: 'A clock the case has open: running, paused, or breached and not yet satisfied (so also the next deadline’s clock and every open breach)' }),
    escalatedTo: z.enum(PARTIES).optional().openapi({ description: 'A role the case has an open escalation to' }),
    agentId: id.optional(),
    priority: z.enum(PRIORITIES).optional(),
    limit: pageLimit,
    cursor: pageCursor.optional().openapi({ description: 'nextCursor of the previous page, with the same filters' }),
  })
  .superRefine((q, ctx) => {
    if (q.state === 'within' && durationMs(q.within) === 0) ctx.addIssue({ code: 'custom', path: ['within'], message: 'state=within needs a window longer than zero, e.g. within=PT4H' });
    if (q.state === 'idle' && q.idleFor === undefined) ctx.addIssue({ code: 'custom', path: ['idleFor'], message: 'state=idle needs idleFor, e.g. idleFor=P1D' });
  })
  .openapi('StuckCasesQuery');
export type StuckCasesQuery = z.infer<typeof StuckCasesQuery>;

export const queueRoleParam = z.strictObject({
  role: z.enum(PARTIES).openapi({ param: { name: 'role', in: 'path' }, description: 'The role the cases are escalated to', example: 'senior_agent' }),
});

export const QueueQuery = z
  .strictObject({ limit: pageLimit, cursor: pageCursor.optional().openapi({ description: 'nextCursor of the previous page of the same queue' }) })
  .openapi('QueueQuery');

export const COUNT_FIELDS = ['kind', 'status', 'owingParty', 'merchantId'] as const;
export const CaseCountsQuery = z
  .strictObject({ by: z.enum(COUNT_FIELDS), open: bool.optional() })
  .openapi('CaseCountsQuery');

// ---- responses (documentation) ----

export const ProblemDoc = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    code: z.string(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    caseStatus: z.string().optional().openapi({ description: 'invalid_transition: the case’s status when the command was refused' }),
    possibleWhen: z.array(z.string()).optional().openapi({ description: 'invalid_transition: the statuses (or the condition) in which the caller’s role may send the command' }),
  })
  .openapi('Problem', { example: { type: 'https://after-sales.example/problems/validation_failed', title: 'Invalid request', status: 400, code: 'validation_failed', errors: [{ field: 'body.details.reason', message: 'Invalid option' }] } });

export const CaseViewDoc = CaseView;
/** What GET /cases/:id answers: the case view, or a partner system's partner view. */
export const CaseReadDoc = z.union([CaseView, PartnerCaseView]);

export const CaseSummaryDoc = z
  .object({
    caseId: z.string(),
    kind: z.enum(CASE_KINDS),
    status: z.enum(CASE_STATUSES),
    merchantId: z.string().optional(),
    customerId: z.string().optional(),
    agentId: z.string().optional(),
    openedAt: timestamp,
    lastTransitionAt: timestamp,
    closedAt: timestamp.optional(),
    nextDeadline: timestamp.optional(),
    nextDeadlineClock: z.string().optional(),
    owingParty: z.string().optional(),
    escalated: z.boolean(),
    breached: z.boolean(),
    refundBlocked: z.boolean().openapi({ description: 'The payment partner refused a refund and the case waits for the platform (resolve_blocked_refund)' }),
    disputePhase: z.enum(DISPUTE_PHASES).optional().openapi({ description: 'The open dispute’s phase: evidence (the parties’ evidence clocks), awaiting_ruling, appeal_window, appeal_review' }),
  })
  .openapi('CaseSummary');

export const CaseListDoc = z.object({ items: z.array(CaseSummaryDoc), nextCursor: z.string().optional() }).openapi('CaseList');
export const StuckCaseDoc = CaseSummaryDoc.extend({
  priority: z.enum(PRIORITIES).optional(),
  waitingOn: z.enum(PARTIES).optional().openapi({ description: 'The party the case waits on: the owner of the next deadline, else the role it was escalated to' }),
  openBreaches: z
    .array(z.object({ clock: z.string(), owingParty: z.string(), deadline: timestamp, breachedAt: timestamp }))
    .openapi({ description: 'Deadlines that passed and whose step is still owed' }),
  escalatedTo: z.array(z.enum(PARTIES)).openapi({ description: 'Roles with an open escalation (answered once the case changes status)' }),
  reasons: z.array(z.enum(STUCK_REASONS)).openapi({ description: 'Why the case is listed, as of asOf' }),
}).openapi('StuckCase');
const page = {
  asOf: timestamp.openapi({ description: 'The instant deadlines and idleness are measured against; the first page’s, kept by its cursors' }),
  items: z.array(StuckCaseDoc),
  nextCursor: z.string().optional().openapi({ description: 'Present when there are more; pass it as cursor with the same filters' }),
};
export const StuckCasesDoc = z.object(page).openapi('StuckCases');
export const QueueDoc = z.object({ role: z.enum(PARTIES), ...page }).openapi('Queue');
export const CaseCountsDoc = z
  .object({ by: z.enum(COUNT_FIELDS), counts: z.array(z.object({ value: z.string().nullable(), count: z.int() })) })
  .openapi('CaseCounts', { example: { by: 'status', counts: [{ value: 'awaiting_merchant_review', count: 4 }] } });
export const BulkAssignResultDoc = z
  .object({
    agentId: z.string(),
    assigned: z.int(),
    failed: z.int(),
    results: z.array(
      z.object({
        caseId: z.string(),
        outcome: z.enum(['assigned', 'failed']),
        status: z.string().optional(),
        error: z.object({ status: z.int(), code: z.string(), detail: z.string().optional() }).optional(),
      }),
    ),
  })
  .openapi('BulkAssignResult');
export const AcceptedDoc = z.object({ status: z.literal('accepted'), caseId: z.string() }).openapi('Accepted');
export const ActionsDoc = z.object({ caseId: z.string(), role: z.string(), actions: z.array(z.string()) }).openapi('AllowedActions');
