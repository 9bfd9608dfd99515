import mongoose, { Schema } from 'mongoose';

/**
 * The read-side projection of a case. Temporal is the source of truth for a live case; each transition
 * upserts this document with a monotonic version so a late or repeated write never overwrites newer state.
 */
export interface CaseDocument {
  caseId: string;
  version: number;
  kind: string;
  status: string;
  merchantId?: string;
  customerId?: string;
  agentId?: string;
  orderId?: string;
  openedAt: Date;
  lastTransitionAt: Date;
  closedAt?: Date;
  nextDeadline?: Date;
  nextDeadlineClock?: string;
  owingParty?: string;
  escalated: boolean;
  breached: boolean;
  /** The payment partner refused a refund and the case waits for the platform's decision (view.facts.refundBlocked). */
  refundBlocked?: boolean;
  /** The full case view as the workflow last reported it (state, clocks, money, audit trail). */
  view: Record<string, unknown>;
}

const caseSchema = new Schema<CaseDocument>(
  {
    caseId: { type: String, required: true },
    version: { type: Number, required: true },
    kind: { type: String, required: true },
    status: { type: String, required: true },
    merchantId: String,
    customerId: String,
    agentId: String,
    orderId: String,
    openedAt: { type: Date, required: true },
    lastTransitionAt: { type: Date, required: true },
    closedAt: Date,
    nextDeadline: Date,
    nextDeadlineClock: String,
    owingParty: String,
    escalated: { type: Boolean, default: false },
    breached: { type: Boolean, default: false },
    refundBlocked: { type: Boolean, default: false },
    view: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'cases', versionKey: false, minimize: false },
);

caseSchema.index({ caseId: 1 }, { unique: true });
caseSchema.index({ kind: 1, status: 1, openedAt: -1 });
caseSchema.index({ merchantId: 1, status: 1, openedAt: -1 });
caseSchema.index({ customerId: 1, openedAt: -1 });
caseSchema.index({ agentId: 1, openedAt: -1 });
caseSchema.index({ status: 1, nextDeadline: 1 });
caseSchema.index({ status: 1, lastTransitionAt: 1 });
caseSchema.index({ escalated: 1, breached: 1, openedAt: -1 });
caseSchema.index({ refundBlocked: 1, lastTransitionAt: 1 });

export function caseModel(connection: mongoose.Connection): mongoose.Model<CaseDocument> {
  return (connection.models.Case as mongoose.Model<CaseDocument>) ?? connection.model<CaseDocument>('Case', caseSchema);
}

export type SaveOutcome = 'written' | 'stale';

/** Upserts the projection unless the store already holds this or a newer version. */
export async function saveCaseProjection(connection: mongoose.Connection, doc: CaseDocument): Promise<SaveOutcome> {
  const Case = caseModel(connection);
  try {
    const result = await Case.updateOne(
      { caseId: doc.caseId, version: { $lt: doc.version } },
      { $set: doc },
      { upsert: true },
    );
    return result.matchedCount + result.upsertedCount > 0 ? 'written' : 'stale';
  } catch (err) {
    // The filter missed because a newer version exists, so the upsert's insert collides on the unique caseId.
    if ((err as { code?: number }).code === 11000) return 'stale';
    throw err;
  }
}
