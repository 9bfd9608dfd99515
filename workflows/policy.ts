/**
 * The policy a case is opened under: every deadline and default action from the
 * Deadlines table of spec/after-sales-rules.md. A case carries the policy it was opened
 * with in its input, so changing the policy affects new cases only; bump `version`
 * whenever any value changes.
 *
 * Pure data: imported by workflows, activities and the API alike. Loading and
 * validating an operator's overrides lives in config/policy.ts.
 */
import { DEFAULT_CALENDAR, type BusinessCalendar, type Limit } from './sla/calendar';

export type WorkingDaysLimit = Extract<Limit, { workingDays: number }>;

export type MerchantReviewTimeoutAction = 'approve' | 'escalate_to_platform';
export type RefundStartTimeoutAction = 'refund_on_behalf_of_merchant' | 'escalate_to_platform';

export type CasePolicy = {
  version: string;
  /** Working days for every working-day deadline, in the platform's time zone. */
  calendar: BusinessCalendar;

  /** 登记: ticket number, time, type and priority recorded after receipt; late → alert the CS lead. */
  registration: Limit;
  /** First response to ordinary feedback; late → escalate to a senior agent. */
  firstResponse: Limit;
  /** Safety incident: emergency process started; late → page the safety owner, escalate to the platform. */
  safetyEmergencyStart: Limit;
  /** 初步调查; late → escalate. */
  initialInvestigation: Limit;
  /** Solution reply after internal approval; late → escalate. */
  solutionReply: Limit;

  /** Merchant review of a return/exchange request: reminder after this long… */
  merchantReviewReminder: Limit;
  /** …and the default action after this long. */
  merchantReviewTimeout: Limit;
  /** Chinese platforms approve by default; others let the platform intervene. */
  merchantReviewTimeoutAction: MerchantReviewTimeoutAction;
  /**
   * The platform decides a request handed to it; late → on-call is paged. Optional: cases opened before it existed
   * wait without a clock.
   */
  platformReview?: Limit;

  /** Refund started once its conditions are met: 1 to 3 working days. */
  refundStart: WorkingDaysLimit;
  /** Remind the merchant this long after the refund conditions are met. */
  refundStartWarnAfter: Limit;
  /** The platform always escalates; with 'refund_on_behalf_of_merchant' it also refunds and charges the merchant. */
  refundStartTimeoutAction: RefundStartTimeoutAction;

  /** Customer ships the goods back after approval. */
  customerShipBack: Limit;
  /**
   * The most return postage (cents) the customer may claim back when shipping is not theirs to bear; a larger claim is
   * refused at ship-back and goes to an agent. Optional: cases opened before it existed carry no cap.
   */
  returnPostageCapCents?: number;
  customerShipBackTimeoutAction: 'close_abandoned';

  /** Merchant inspects returned goods, counted from delivery to the merchant. */
  merchantInspection: Limit;
  merchantInspectionTimeoutAction: 'deem_accepted';

  /** Appeal against a ruling; afterwards the ruling is final. */
  appealWindow: Limit;
  /** Disputes (workflows/case/dispute): platform intervention asked within this long after the event (default 72 h). */
  interventionWindow?: Limit;
  /** Each party's evidence deadline in a dispute (default 48 h); a party silent by it loses on the point. */
  disputeEvidence?: Limit;
  /** The platform's ruling (and re-review) deadline once the evidence is in (default 72 h); late → on-call paged. */
  disputeRuling?: Limit;
  /** The courier answers the platform's request for evidence in a dispute within this (default 48 h); late → escalated to the platform. */
  disputeCourierEvidence?: Limit;
  /** request_info pauses the asked party's evidence clock until it answers (default false). */
  disputeInfoPausesClock?: boolean;

  /** Customer confirms the remedy; afterwards the case closes. */
  customerConfirmationTimeout: Limit;
  customerConfirmationTimeoutAction: 'close';

  /** The satisfaction survey sent after closing stays open this long. */
  surveyWindow: Limit;

  /** A promotion starting within this long after purchase allows a price-difference refund. */
  priceDifferenceWindow: Limit;
  /** 七天无理由: no-reason return window, counted from delivery. */
  noReasonReturnWindow: Limit;
  /** Categories excluded from the no-reason return (plus any the product page declares). */
  noReasonReturnExcludedCategories: string[];

  /** Repair: the warranty period per order category, counted from delivery (else purchase); a category without one cannot open a repair. */
  warrantyByCategory?: Record<string, Limit>;
  /** Repair: the provider's turnaround from dispatch to the goods shipped back; warned after repairTurnaroundWarnAfter, escalated at breach. */
  repairTurnaround?: Limit;
  repairTurnaroundWarnAfter?: Limit;
  /** Repair: the customer accepts or declines a quote within this (silence = declined). */
  repairQuoteDecision?: Limit;
  /** Repair: a declined quote's goods are shipped back by the provider and delivered to the customer within this (the provider's; escalated to the platform at breach). */
  repairUnrepairedReturn?: Limit;
  /** Repair: the customer confirms the repaired goods within this (silence = accepted). */
  repairConfirmation?: Limit;
  /** Repair: the customer hands the goods over (pickup or drop-off) within this (default customerShipBack), reminded after repairCollectionWarnAfter; else closed as abandoned. */
  repairCollection?: Limit;
  repairCollectionWarnAfter?: Limit;

  /** Maintenance: the customer is reminded this long before the slot. */
  maintenanceReminderBefore?: { hours?: number; minutes?: number };
  /** Maintenance: how long after the slot the visit's outcome may be recorded before the provider counts as absent. */
  maintenanceNoShowGrace?: Limit;
  /** Maintenance: reschedules (customer no-shows included) a booking allows. */
  maintenanceRescheduleLimit?: number;

  /**
   * Monthly settlement: a party confirms or disputes its statement within this, counted from sending (silence =
   * confirmed). Read from the active version when a month is settled. Optional: versions kept before it existed get
   * the default week.
   */
  statementConfirmWindow?: Limit;
};

const DAY_HOURS = 24;
/** A week to answer a monthly statement. */
export const STATEMENT_CONFIRM_WINDOW: Limit = { hours: 7 * DAY_HOURS };

export const DEFAULT_POLICY: CasePolicy = {
  version: '2026.3',
  calendar: DEFAULT_CALENDAR,

  registration: { minutes: 30 },
  firstResponse: { hours: 24 },
  safetyEmergencyStart: { hours: 2 },
  initialInvestigation: { workingDays: 1 },
  solutionReply: { workingDays: 2 },

  merchantReviewReminder: { hours: 24 },
  merchantReviewTimeout: { hours: 48 },
  merchantReviewTimeoutAction: 'approve',
  platformReview: { workingDays: 1 },

  refundStart: { workingDays: 3 },
  refundStartWarnAfter: { workingDays: 1 },
  refundStartTimeoutAction: 'refund_on_behalf_of_merchant',

  customerShipBack: { hours: 7 * DAY_HOURS },
  returnPostageCapCents: 3_000,
  customerShipBackTimeoutAction: 'close_abandoned',

  merchantInspection: { hours: 48 },
  merchantInspectionTimeoutAction: 'deem_accepted',

  appealWindow: { hours: 7 * DAY_HOURS },

  customerConfirmationTimeout: { hours: 7 * DAY_HOURS },
  customerConfirmationTimeoutAction: 'close',

  surveyWindow: { hours: 7 * DAY_HOURS },

  priceDifferenceWindow: { hours: 3 * DAY_HOURS },
  noReasonReturnWindow: { hours: 7 * DAY_HOURS },
  noReasonReturnExcludedCategories: ['custom_made', 'perishable', 'intimate_apparel'],

  warrantyByCategory: { electronics: { hours: 365 * DAY_HOURS }, kitchen: { hours: 365 * DAY_HOURS }, appliances: { hours: 3 * 365 * DAY_HOURS } },
  repairTurnaround: { workingDays: 10 },
  repairTurnaroundWarnAfter: { workingDays: 7 },
  repairQuoteDecision: { hours: 3 * DAY_HOURS },
  repairUnrepairedReturn: { workingDays: 5 },
  repairConfirmation: { hours: 7 * DAY_HOURS },
  repairCollection: { hours: 7 * DAY_HOURS },
  repairCollectionWarnAfter: { hours: 5 * DAY_HOURS },

  maintenanceReminderBefore: { hours: 24 },
  maintenanceNoShowGrace: { hours: 24 },
  maintenanceRescheduleLimit: 2,

  statementConfirmWindow: STATEMENT_CONFIRM_WINDOW,
};
