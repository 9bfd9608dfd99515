/**
 * Quality sampling of handled cases (seed 002 四(二): at least 10 % checked, traced to the agent). Each day's sample is
 * drawn once and kept: a day already sampled answers its sample again, never a new one. The draw is reproducible: cases
 * are ranked by a hash of the day and the case id, at least one per agent who closed any, then the highest ranked up
 * to the share.
 */
import crypto from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { caseModel, type CaseDocument } from './case-model';
import { UNASSIGNED } from './reports/report-facts';

/** The share of a day's closed cases checked when the configuration says nothing (seed 002: at least 10 %). */
export const DEFAULT_QA_SAMPLE_PERCENT = 10;

export interface QaSampleDocument {
  _id: string;
  day: string;
  caseId: string;
  agentId: string;
  sampledAt: Date;
}

export interface QaDayDocument {
  _id: string;
  closed: number;
  sampled: number;
  percent: number;
  sampledAt: Date;
}

export interface QaReviewDocument {
  caseId: string;
  day: string;
  agentId: string;
  reviewer: string;
  score: number;
  findings: string;
  mishandled: boolean;
  at: Date;
}

const sampleSchema = new Schema<QaSampleDocument>(
  { _id: String, day: { type: String, required: true }, caseId: { type: String, required: true }, agentId: { type: String, required: true }, sampledAt: { type: Date, required: true } },
  { collection: 'qa_samples', versionKey: false },
);
sampleSchema.index({ caseId: 1 });
sampleSchema.index({ day: 1 });
const daySchema = new Schema<QaDayDocument>(
  { _id: String, closed: Number, sampled: Number, percent: Number, sampledAt: Date },
  { collection: 'qa_days', versionKey: false },
);
const reviewSchema = new Schema<QaReviewDocument>(
  { caseId: { type: String, required: true }, day: String, agentId: String, reviewer: String, score: Number, findings: String, mishandled: Boolean, at: Date },
  { collection: 'qa_reviews', versionKey: false },
);
reviewSchema.index({ caseId: 1, at: 1 });
reviewSchema.index({ agentId: 1, at: 1 });

/** A mishandled case reopened by a supervisor: the follow-up feedback ticket opened for it (one per case). */
export interface QaReopeningDocument {
  _id: string;
  followUpCaseId: string;
  reopenedBy: string;
  reason: string;
  at: Date;
}
const reopeningSchema = new Schema<QaReopeningDocument>(
  { _id: String, followUpCaseId: { type: String, required: true }, reopenedBy: String, reason: String, at: Date },
  { collection: 'qa_reopenings', versionKey: false },
);

export const qaReopeningModel = (c: mongoose.Connection): mongoose.Model<QaReopeningDocument> => (c.models.QaReopening as mongoose.Model<QaReopeningDocument>) ?? c.model<QaReopeningDocument>('QaReopening', reopeningSchema);
export const qaSampleModel = (c: mongoose.Connection) => c.models.QaSample ?? c.model<QaSampleDocument>('QaSample', sampleSchema);
export const qaDayModel = (c: mongoose.Connection) => c.models.QaDay ?? c.model<QaDayDocument>('QaDay', daySchema);
export const qaReviewModel = (c: mongoose.Connection) => c.models.QaReview ?? c.model<QaReviewDocument>('QaReview', reviewSchema);

export interface DailySample {
  day: string;
  closed: number;
  caseIds: string[];
  /** False when the day had been sampled before: the kept sample is answered. */
  drawn: boolean;
}

/** The cases to check: at least one per agent, then by rank up to `percent` % (rounded up) of the closed cases. */
export function drawSample(day: string, closed: ReadonlyArray<{ caseId: string; agentId: string }>, percent: number): string[] {
  const rank = (caseId: string) => crypto.createHash('sha256').update(`${day}\n${caseId}`).digest('hex');
  const ranked = [...closed].sort((a, b) => (rank(a.caseId) < rank(b.caseId) ? -1 : 1));
  const chosen = new Set<string>();
  const agents = new Set<string>();
  for (const c of ranked) {
    if (!agents.has(c.agentId)) {
      agents.add(c.agentId);
      chosen.add(c.caseId);
    }
  }
  const target = Math.ceil((closed.length * percent) / 100);
  for (const c of ranked) {
    if (chosen.size >= target) break;
    chosen.add(c.caseId);
  }
  return ranked.filter((c) => chosen.has(c.caseId)).map((c) => c.caseId);
}

/** Samples the cases closed on `day` (UTC) once; a day already sampled answers its kept sample. */
export async function sampleDay(store: mongoose.Connection, day: string, percent: number): Promise<DailySample> {
  const kept = await qaDayModel(store).findById(day).lean<QaDayDocument>().exec();
  if (kept) {
    const samples = await qaSampleModel(store).find({ day: { $eq: day } }).lean<QaSampleDocument[]>().exec();
    return { day, closed: kept.closed, caseIds: samples.map((s) => s.caseId).sort(), drawn: false };
  }
  const from = new Date(`${day}T00:00:00Z`);
  const to = new Date(from.getTime() + 86_400_000);
  const docs = await caseModel(store).find({ closedAt: { $gte: from, $lt: to } }, { caseId: 1, agentId: 1 }).lean<Array<Pick<CaseDocument, 'caseId' | 'agentId'>>>().exec();
  const closed = docs.map((d) => ({ caseId: d.caseId, agentId: d.agentId ?? UNASSIGNED }));
  const caseIds = drawSample(day, closed, percent);
  const agentOf = new Map(closed.map((c) => [c.caseId, c.agentId]));
  const sampledAt = new Date();
  for (const caseId of caseIds) {
    await qaSampleModel(store).updateOne({ _id: `${day}:${caseId}` }, { $setOnInsert: { day, caseId, agentId: agentOf.get(caseId), sampledAt } }, { upsert: true }).exec();
  }
  // Written last: a draw that failed half-way is drawn again (the same cases: the draw is reproducible).
  await qaDayModel(store).updateOne({ _id: day }, { $setOnInsert: { closed: closed.length, sampled: caseIds.length, percent, sampledAt } }, { upsert: true }).exec();
  return { day, closed: closed.length, caseIds: [...caseIds].sort(), drawn: true };
}
