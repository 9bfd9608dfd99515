/**
 * The compact record of one case that the reports read: a few hundred bytes where the full view is several KB (and
 * FerretDB's cost is decoding documents). Written with the summary and the view by the ProjectionWriter, replaced by
 * newer versions only, like them.
 */
import mongoose, { Schema } from 'mongoose';
import type { CaseView } from '../../../workflows/domain/case';
import { caseCompany, COMPANY_KINDS } from '../../../workflows/domain/partner-companies';
import { describeLimit } from './limits';
import { reportReasonOf } from '../../../workflows/kinds';

export const NO_MERCHANT = '(none)';
export const UNASSIGNED = '(unassigned)';

/**
 * Audit actions by which a party contests a decision: the customer rejects a proposed remedy, disputes an exchange or
 * says a feedback ticket is not resolved. The workflow records no single "dispute" fact; these are the ones it has.
 */
export const DISPUTE_ACTIONS: readonly string[] = ['remedy_rejected', 'exchange_disputed', 'resolution_rejected'];

export type ClockOutcome = 'met' | 'breached' | 'pending';

export interface ClockFact {
  name: string;
  owner: string;
  outcome: ClockOutcome;
  /** Epoch ms. */
  deadline: number;
  /** When the outcome was settled (epoch ms): satisfied in time, or the deadline passed; absent while pending. */
  decidedAt?: number;
  /** The limit as people say it, e.g. "24 h". */
  limit: string;
  /** Its warning went out before the deadline (absent in facts written before it was kept). */
  warned?: boolean;
}

export interface ReportFacts {
  _id: string;
  version: number;
  openedAt: Date;
  /** Epoch ms, once the case has its outcome. */
  closedAt?: number;
  kind: string;
  /** The problem type within the kind (each kind's reportReason, workflows/kinds). */
  reason: string;
  merchantId: string;
  agentId: string;
  clocks: ClockFact[];
  surveySent: boolean;
  rating?: number;
  refunded: boolean;
  disputed: boolean;
  merchantCharges: { count: number; amountCents: number };
  /** The role each escalation went to, one entry per escalation. */
  escalations: string[];
  /**
   * The partner companies that handle the case: its courier, warehouse and repair provider (each kind's default company
   * when the order names none). Absent in facts written before companies, until the case's next projection.
   */
  companies?: string[];
}


/**
 * A clock is met when it was satisfied before its deadline, breached when its deadline passed (done late or not at
 * all), pending while it runs or is paused. A cancelled clock was never owed (its step did not happen) and is left out.
 */
export function clockOutcome(status: string): ClockOutcome | undefined {
  if (status === 'satisfied') return 'met';
  if (status === 'breached') return 'breached';
  if (status === 'running' || status === 'paused') return 'pending';
  return undefined;
}

export function toReportFacts(view: CaseView): ReportFacts {
  const merchantCharges = (view.charges ?? []).filter((c) => c.party === 'merchant');
  return {
    _id: view.caseId,
    version: view.version,
    openedAt: new Date(view.openedAt),
    ...(view.closedAt !== undefined && { closedAt: view.closedAt }),
    kind: view.kind,
    reason: reportReasonOf(view.details),
    merchantId: view.order?.merchantId ?? NO_MERCHANT,
    agentId: view.assignedAgentId ?? UNASSIGNED,
    clocks: (view.clocks ?? []).flatMap((c) => {
      const outcome = clockOutcome(c.status);
      if (!outcome) return [];
      const decidedAt = outcome === 'met' ? (c.satisfiedAt ?? c.deadline) : outcome === 'breached' ? (c.breachedAt ?? c.deadline) : undefined;
      return [{ name: c.name, owner: c.owner, outcome, deadline: c.deadline, ...(decidedAt !== undefined && { decidedAt }), limit: describeLimit(c.limit), warned: c.warned }];
    }),
    surveySent: view.survey !== undefined,
    ...(typeof view.survey?.rating === 'number' && { rating: view.survey.rating }),
    refunded: (view.refunds ?? []).some((r) => r.status === 'succeeded' || r.status === 'settled_offline'),
    disputed: (view.audit ?? []).some((a) => DISPUTE_ACTIONS.includes(a.action)),
    merchantCharges: { count: merchantCharges.length, amountCents: merchantCharges.reduce((sum, c) => sum + c.amountCents, 0) },
    escalations: (view.escalations ?? []).map((e) => e.to),
    companies: COMPANY_KINDS.map((kind) => caseCompany(view.order, kind)),
  };
}

const clockFactSchema = new Schema<ClockFact>({ name: String, owner: String, outcome: String, deadline: Number, decidedAt: Number, limit: String, warned: Boolean }, { _id: false });

const reportFactsSchema = new Schema<ReportFacts>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    openedAt: { type: Date, required: true },
    closedAt: Number,
    kind: { type: String, required: true },
    reason: { type: String, required: true },
    merchantId: { type: String, required: true },
    agentId: { type: String, required: true },
    clocks: { type: [clockFactSchema], default: [] },
    surveySent: { type: Boolean, default: false },
    rating: Number,
    refunded: { type: Boolean, default: false },
    disputed: { type: Boolean, default: false },
    merchantCharges: { count: Number, amountCents: Number },
    escalations: { type: [String], default: [] },
    companies: { type: [String], default: undefined },
  },
  { collection: 'case_report_facts', versionKey: false, minimize: false, _id: false },
);
// The reports' range reads: every case opened in a range, or one merchant's.
reportFactsSchema.index({ openedAt: 1, _id: 1 });
reportFactsSchema.index({ merchantId: 1, openedAt: 1 });

export function reportFactsModel(connection: mongoose.Connection): mongoose.Model<ReportFacts> {
  return (connection.models.ReportFacts as mongoose.Model<ReportFacts>) ?? connection.model<ReportFacts>('ReportFacts', reportFactsSchema);
}
