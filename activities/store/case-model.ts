import mongoose, { Schema } from 'mongoose';
import { reportFactsModel } from './reports/report-facts';
import { syncClockHistoryIndexes } from './what-if/history-store';

/**
 * The read side of a case, in two documents keyed by case id (`_id`). Temporal is the source of truth for a live
 * case; each write replaces both with a newer version only, so a late or repeated write never overwrites newer state
 * and a value the case no longer has is gone from the store too.
 *
 * - `cases`: a slim summary, one per case, with an index for every query the API offers (lists, stuck cases, queues);
 * - `case_views`: the full view (clocks, money, audit trail), read for one case at a time.
 */
export interface CaseDocument {
  _id: string;
  caseId: string;
  version: number;
  kind: string;
  status: string;
  /** False once the case has its outcome (closedAt set); every supervisor query is over open cases. */
  open: boolean;
  merchantId?: string;
  customerId?: string;
  agentId?: string;
  orderId?: string;
  priority?: string;
  openedAt: Date;
  lastTransitionAt: Date;
  closedAt?: Date;
  /** The earliest running or breached-and-unsatisfied deadline, its clock and the party that owes it. */
  nextDeadline?: Date;
  nextDeadlineClock?: string;
  owingParty?: string;
  waitingOn?: string;
  openBreaches: Array<{ clock: string; owingParty: string; deadline: Date; breachedAt: Date }>;
  openClocks: string[];
  escalated: boolean;
  /** Roles whose escalations are still open (the role queues). */
  escalatedTo: string[];
  breached: boolean;
  /** The payment partner refused a refund and the case waits for the platform's decision (view.facts.refundBlocked). */
  refundBlocked: boolean;
  /** The phase of the case's open dispute (view.dispute.phase while in_dispute); absent otherwise. */
  disputePhase?: string;
  /** The partner companies handling the case (caseCompanyIds): callbacks' access check. Absent when projected before them. */
  companies?: string[];
}

export interface CaseViewDocument {
  _id: string;
  version: number;
  view: Record<string, unknown>;
}

const breachSchema = new Schema(
  { clock: { type: String, required: true }, owingParty: String, deadline: Date, breachedAt: Date },
  { _id: false },
);

const caseSchema = new Schema<CaseDocument>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    version: { type: Number, required: true },
    kind: { type: String, required: true },
    status: { type: String, required: true },
    open: { type: Boolean, required: true },
    merchantId: String,
    customerId: String,
    agentId: String,
    orderId: String,
    priority: String,
    openedAt: { type: Date, required: true },
    lastTransitionAt: { type: Date, required: true },
    closedAt: Date,
    nextDeadline: Date,
    nextDeadlineClock: String,
    owingParty: String,
    waitingOn: String,
    openBreaches: { type: [breachSchema], default: [] },
    openClocks: { type: [String], default: [] },
    escalated: { type: Boolean, default: false },
    escalatedTo: { type: [String], default: [] },
    breached: { type: Boolean, default: false },
    refundBlocked: { type: Boolean, default: false },
    disputePhase: String,
    companies: { type: [String], default: undefined },
  },
  { collection: 'cases', versionKey: false, minimize: false, _id: false },
);

// Lists (GET /cases), newest first, by each filter a scoped caller always sets.
caseSchema.index({ openedAt: -1, _id: -1 });
caseSchema.index({ merchantId: 1, openedAt: -1 });
caseSchema.index({ customerId: 1, openedAt: -1 });
caseSchema.index({ agentId: 1, openedAt: -1 });
caseSchema.index({ kind: 1, status: 1, openedAt: -1 });
// Stuck cases and role queues: open cases, most overdue first.
caseSchema.index({ open: 1, nextDeadline: 1, _id: 1 });
caseSchema.index({ open: 1, escalatedTo: 1, nextDeadline: 1 });
caseSchema.index({ open: 1, lastTransitionAt: 1 });
caseSchema.index({ open: 1, refundBlocked: 1 });
caseSchema.index({ open: 1, disputePhase: 1 });

const caseViewSchema = new Schema<CaseViewDocument>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    view: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'case_views', versionKey: false, minimize: false, _id: false },
);

export function caseModel(connection: mongoose.Connection): mongoose.Model<CaseDocument> {
  return (connection.models.Case as mongoose.Model<CaseDocument>) ?? connection.model<CaseDocument>('Case', caseSchema);
}

export function caseViewModel(connection: mongoose.Connection): mongoose.Model<CaseViewDocument> {
  return (connection.models.CaseView as mongoose.Model<CaseViewDocument>) ?? connection.model<CaseViewDocument>('CaseView', caseViewSchema);
}

/** Creates the indexes of the case collections, of the reports' facts and of the clock histories (idempotent). */
export async function syncCaseIndexes(connection: mongoose.Connection): Promise<void> {
  await caseModel(connection).syncIndexes();
  await caseViewModel(connection).syncIndexes();
  await reportFactsModel(connection).syncIndexes();
  await syncClockHistoryIndexes(connection);
}

/** The companies handling one case as last projected: null without a document, undefined when projected before companies. */
export async function findCaseCompanies(connection: mongoose.Connection, caseId: string): Promise<string[] | undefined | null> {
  const doc = await caseModel(connection).findById(caseId, { companies: 1 }).lean<Pick<CaseDocument, 'companies'>>().exec();
  return doc && doc.companies;
}

/** The full view of one case as last projected, or null. */
export async function findCaseView(connection: mongoose.Connection, caseId: string): Promise<Record<string, unknown> | null> {
  const doc = await caseViewModel(connection).findById(caseId, { view: 1 }).lean<CaseViewDocument>().exec();
  return doc?.view ?? null;
}
