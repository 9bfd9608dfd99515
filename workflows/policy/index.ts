/**
 * The policy a case is opened under: every deadline and default action from the Deadlines table of
 * spec/after-sales-rules.md, each key declared once below with its description, validation and default. A case carries
 * the policy it was opened with in its input, so changing the policy affects new cases only; bump the version whenever
 * any value changes.
 *
 * Pure: imported by workflows, activities and the API alike. Loading an operator's file and environment overrides lives
 * in config/policy.ts, which validates with CasePolicySchema.
 */
import { z } from 'zod';
import { DEFAULT_CALENDAR } from '../sla/calendar';
import { CALENDAR, hours, isShorter, LIMIT } from './limits';
import { kindPolicyKeys } from '../kinds';
import { complete, defaultsOf, fallbacksOf, fieldsOf, policyKey, requiredKey, rulesOf, type KeysWithFallback } from './policy-key';

const DAY = 24;

/** The keys every kind reads (the goods coming back, refunds, remedies, disputes, surveys, settlement); each kind declares its own in its definition (workflows/kinds). */
const COMMON_POLICY_KEYS = {
  version: requiredKey(z.string().min(1), 'Names the policy; a case records the version it was opened under'),
  calendar: policyKey(CALENDAR, { description: 'Working days for every working-day deadline, in the platform’s time zone', default: DEFAULT_CALENDAR }),

  merchantReviewReminder: policyKey(LIMIT, { description: 'Merchant review of a return/exchange request: reminder after this long (shorter than merchantReviewTimeout)', default: hours(24) }),
  merchantReviewTimeout: policyKey(LIMIT, { description: 'Merchant review of a return/exchange request: the default action after this long', default: hours(48) }),
  merchantReviewTimeoutAction: policyKey(z.enum(['approve', 'escalate_to_platform']), { description: 'Chinese platforms approve by default; others let the platform intervene', default: 'approve' }),
  platformReview: policyKey(LIMIT, { description: 'The platform decides a request handed to it; late → on-call is paged', default: { workingDays: 1 }, whenAbsent: 'none' }),

  refundStart: policyKey(z.strictObject({ workingDays: z.int().min(1).max(3) }), { description: 'Refund started once its conditions are met: 1 to 3 working days', default: { workingDays: 3 } }),
  refundStartWarnAfter: policyKey(LIMIT, { description: 'Remind the merchant this long after the refund conditions are met (shorter than refundStart)', default: { workingDays: 1 } }),
  refundStartTimeoutAction: policyKey(z.enum(['refund_on_behalf_of_merchant', 'escalate_to_platform']), {
    description: 'The platform always escalates; with refund_on_behalf_of_merchant it also refunds and charges the merchant',
    default: 'refund_on_behalf_of_merchant',
  }),

  customerShipBack: policyKey(LIMIT, { description: 'Customer ships the goods back after approval', default: hours(7 * DAY) }),
  returnPostageCapCents: policyKey(z.int().min(0).max(100_000_00), {
    description: 'The most return postage (cents) the customer may claim back when shipping is not theirs to bear; a larger claim is refused at ship-back and goes to an agent',
    default: 3_000,
    whenAbsent: 'none',
  }),
  customerShipBackTimeoutAction: policyKey(z.literal('close_abandoned'), { description: 'What the ship-back deadline does', default: 'close_abandoned' }),

  merchantInspection: policyKey(LIMIT, { description: 'Merchant inspects returned goods, counted from delivery to the merchant', default: hours(48) }),
  merchantInspectionTimeoutAction: policyKey(z.literal('deem_accepted'), { description: 'What the inspection deadline does', default: 'deem_accepted' }),

  appealWindow: policyKey(LIMIT, { description: 'Appeal against a ruling; afterwards the ruling is final', default: hours(7 * DAY) }),
  interventionWindow: policyKey(LIMIT, { description: 'Disputes: platform intervention asked within this long after the event', default: hours(72), whenAbsent: { value: hours(72) } }),
  disputeEvidence: policyKey(LIMIT, { description: 'Each party’s evidence deadline in a dispute; a party silent by it loses on the point', default: hours(48), whenAbsent: { value: hours(48) } }),
  disputeRuling: policyKey(LIMIT, { description: 'The platform’s ruling (and re-review) deadline once the evidence is in; late → on-call paged', default: hours(72), whenAbsent: { value: hours(72) } }),
  disputeCourierEvidence: policyKey(LIMIT, {
    description: 'The courier answers the platform’s request for evidence in a dispute within this; late → escalated to the platform',
    default: hours(48),
    whenAbsent: { value: hours(48) },
  }),
  disputeInfoPausesClock: policyKey(z.boolean(), { description: 'request_info pauses the asked party’s evidence clock until it answers', default: false, whenAbsent: { value: false } }),

  customerConfirmationTimeout: policyKey(LIMIT, { description: 'Customer confirms the remedy; afterwards the case closes', default: hours(7 * DAY) }),
  customerConfirmationTimeoutAction: policyKey(z.literal('close'), { description: 'What the confirmation deadline does', default: 'close' }),

  surveyWindow: policyKey(LIMIT, { description: 'The satisfaction survey sent after closing stays open this long', default: hours(7 * DAY) }),

  noReasonReturnWindow: policyKey(LIMIT, { description: '七天无理由: no-reason return window, counted from delivery', default: hours(7 * DAY) }),
  noReasonReturnExcludedCategories: policyKey(z.array(z.string().min(1)), {
    description: 'Categories excluded from the no-reason return (plus any the product page declares)',
    default: ['custom_made', 'perishable', 'intimate_apparel'],
  }),

  statementConfirmWindow: policyKey(LIMIT, {
    description: 'Monthly settlement: a party confirms or disputes its statement within this, counted from sending (silence = confirmed); read from the active version when a month is settled',
    default: hours(7 * DAY),
    whenAbsent: { value: hours(7 * DAY) },
  }),
};

const POLICY_KEYS = { ...COMMON_POLICY_KEYS, ...kindPolicyKeys() };
for (const name of Object.keys(kindPolicyKeys())) if (name in COMMON_POLICY_KEYS) throw new Error(`policy key "${name}" is declared by a kind and in common`);

/** A whole policy, its defaults applied, with the cross-checks between keys. */
export const CasePolicySchema = z.strictObject(fieldsOf(POLICY_KEYS)).superRefine((p, ctx) => {
  if (!isShorter(p.merchantReviewReminder, p.merchantReviewTimeout)) {
    ctx.addIssue({ code: 'custom', path: ['merchantReviewReminder'], message: 'must be shorter than merchantReviewTimeout' });
  }
  if (!isShorter(p.refundStartWarnAfter, p.refundStart)) {
    ctx.addIssue({ code: 'custom', path: ['refundStartWarnAfter'], message: 'must be shorter than refundStart' });
  }
});

/** The keys an override may set, each optional and without a default: every limit and default action. */
export const PolicyLimitsSchema = z.strictObject(rulesOf(POLICY_KEYS)).omit({ version: true, calendar: true }).partial();

/** A complete policy: what a new case opens under, and what a case runs on once completePolicy filled what its input lacks. */
export type CasePolicy = z.output<typeof CasePolicySchema>;

type AddedKey = KeysWithFallback<typeof POLICY_KEYS>;
/** A policy as recorded in a case's input or a stored version: keys added since it was written may be absent. */
export type RecordedPolicy = Omit<CasePolicy, AddedKey> & Partial<Pick<CasePolicy, AddedKey>>;

export const DEFAULT_POLICY = { version: '2026.3', ...defaultsOf(POLICY_KEYS) } as CasePolicy;

const FALLBACKS = fallbacksOf(POLICY_KEYS);

/** The policy a case runs on: `recorded` with each key it lacks given what cases opened before that key did. */
export function completePolicy(recorded: RecordedPolicy): CasePolicy {
  return complete(recorded as Record<string, unknown>, FALLBACKS) as CasePolicy;
}
