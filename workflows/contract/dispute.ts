/**
 * Disputes (纠纷处理, spec §Kinds 8): a party asks the platform to intervene, both sides submit evidence by their
 * deadlines, a supervisor rules, and each party may appeal once to a different supervisor. Declared once: the commands'
 * bodies join commandBodies, the record is the view's `dispute`.
 */
import { z } from 'zod';
import { Actor, cents, epochMs, evidence, id, text } from './common';

/** The parties of a dispute: the customer and the merchant. */
export const DISPUTE_PARTIES = ['customer', 'merchant'] as const;
/** Whom request_info can ask: a party, or the courier through its adapter (its answer arrives as evidence). */
export const INFO_PARTIES = [...DISPUTE_PARTIES, 'courier'] as const;
/** Who a ruling can hold responsible (and charge, except the customer). */
export const DISPUTE_RESPONSIBLE = ['customer', 'merchant', 'courier', 'warehouse', 'platform'] as const;
/** What a ruling orders. return_and_refund: the goods go back through the return path (returns only). */
export const DISPUTE_REMEDIES = ['full_refund', 'partial_refund', 'return_and_refund', 'reship', 'none'] as const;
export const DISPUTE_PHASES = ['evidence', 'awaiting_ruling', 'appeal_window', 'appeal_review', 'final'] as const;

const reasons = text(4000);
const items = z
  .array(z.strictObject({ sku: z.string().min(1).max(100), quantity: z.int().positive().max(1000) }))
  .min(1)
  .max(50);

const ruling = {
  responsibleParty: z.enum(DISPUTE_RESPONSIBLE),
  remedy: z.enum(DISPUTE_REMEDIES),
  amountCents: cents.min(1).optional().openapi({ description: 'partial_refund: the amount (required); at most what was paid' }),
  items: items.optional().openapi({ description: 'reship: the order lines to reship (default: the whole order)' }),
  reasons,
  evidence: evidence.optional(),
};

export const disputeCommandBodies = {
  request_intervention: z
    .strictObject({ reason: reasons, evidence: evidence.optional() })
    .openapi({
      description:
        'Customer (after a merchant or inspection rejection, or a rejected remedy) or merchant (against the customer’s claim): the platform intervenes; within policy interventionWindow of the event, once per party per case',
    }),
  submit_evidence: z.strictObject({ reason: text(2000).optional(), note: text(4000), evidence: evidence.optional() }).openapi({ description: 'A party’s evidence in an open dispute; satisfies its evidence clock' }),
  request_info: z
    .strictObject({
      party: z.enum(INFO_PARTIES),
      request: text(2000),
      trackingNumber: id.optional().openapi({ description: 'courier: the parcel the evidence is about (default: the case’s return parcel)' }),
      reason: text(2000).optional(),
      evidence: evidence.optional(),
    })
    .openapi({
      description:
        'Supervisor: asks a party for specific evidence (pauses its evidence clock when policy disputeInfoPausesClock is true), or the courier through its adapter (its answer is recorded as evidence on the case)',
    }),
  rule_dispute: z.strictObject({ ...ruling, reason: text(2000).optional() }).openapi({ description: 'Supervisor: the ruling, executed at once; each party may appeal it within appealWindow' }),
  appeal_ruling: z.strictObject({ reason: reasons, evidence: evidence.optional() }).openapi({ description: 'Customer or merchant: appeal the ruling within appealWindow, once per party' }),
  rule_appeal: z.strictObject({ ...ruling, reason: text(2000).optional() }).openapi({ description: 'Supervisor other than any who ruled in this dispute: the re-review’s ruling' }),
};

export const DisputeRuling = z.object({
  stage: z.enum(['ruling', 'appeal']),
  by: Actor,
  at: epochMs,
  responsibleParty: z.enum(DISPUTE_RESPONSIBLE),
  remedy: z.enum(DISPUTE_REMEDIES),
  amountCents: z.int().optional(),
  items: z.array(z.object({ sku: z.string(), quantity: z.int() })).optional(),
  reasons: z.string(),
  silentParties: z.array(z.enum(DISPUTE_PARTIES)).openapi({ description: 'Parties that submitted nothing by their evidence deadline and lost on the point' }),
  executed: z.boolean(),
});

export const Dispute = z
  .object({
    openedAt: epochMs,
    openedBy: Actor,
    trigger: z.string().openapi({ description: 'The audit action the intervention answers (merchant_rejected, inspection_rejected, remedy_rejected, or the claim)' }),
    reason: z.string(),
    phase: z.enum(DISPUTE_PHASES),
    resumeStatus: z.string().optional().openapi({ description: 'The status the case was in, when it was open: a ruling of no remedy resumes it' }),
    priorOutcome: z.string().optional().openapi({ description: 'The outcome of the closed case the dispute reopened' }),
    pausedClocks: z.array(z.string()),
    interventions: z.array(z.object({ party: z.enum(DISPUTE_PARTIES), at: epochMs })),
    submissions: z.array(z.object({ party: z.enum(DISPUTE_PARTIES), at: epochMs, actor: Actor, note: z.string(), evidence: evidence.optional() })),
    silentParties: z.array(z.enum(DISPUTE_PARTIES)),
    infoRequests: z.array(
      z.object({
        party: z.enum(INFO_PARTIES),
        at: epochMs,
        request: z.string(),
        pausedClock: z.boolean(),
        trackingNumber: z.string().optional(),
        evidenceRequestId: z.string().optional().openapi({ description: 'courier: its id for a request it acknowledged and answers later (event evidence on POST /callbacks/courier)' }),
        answer: z
          .object({ at: epochMs, evidenceId: z.string(), kind: z.string(), uri: z.string(), events: z.array(z.object({ event: z.string(), at: z.string(), detail: z.string() })) })
          .optional()
          .openapi({ description: 'courier: its answer (from its adapter or, later, its callback), also in the audit trail as courier_evidence_received' }),
        refused: z.string().optional().openapi({ description: 'courier: why it could not answer' }),
      }),
    ),
    appealDeadline: epochMs.optional().openapi({ description: 'Appeals against the last ruling are taken until then' }),
    appeals: z.array(z.object({ party: z.enum(DISPUTE_PARTIES), at: epochMs, reason: z.string() })),
    rulings: z.array(DisputeRuling),
  })
  .openapi('Dispute');
