/**
 * Monthly settlement in the store: the statements (one per period and party, its id the statement workflow's id), the
 * merchants' deposit entries and the late-handling flags. Every write is keyed, so a retried activity or a re-run
 * period never doubles one; a reversal is a ledger entry of its own, never an edit of the charge.
 */
import mongoose, { Schema } from 'mongoose';
import { periodRange, SETTLED_PARTIES, statementWorkflowId, type SettledParty, type Statement, type StatementLine } from '../../workflows/contract/settlement';
import { completePolicy, DEFAULT_POLICY, type CasePolicy } from '../../workflows/policy';
import type { SettlementActivities } from '../../workflows/settlement/activities';
import type { Limit } from '../../workflows/sla/calendar';
import { effectivePolicyRules } from './effective-policy';
import { ledgerModel, type LedgerEntryDocument } from './ledger';
import { reportFactsModel } from './reports/report-facts';

export interface StatementDocument extends Omit<Statement, 'statementId'> {
  _id: string;
}

export interface DepositEntryDocument {
  _id: string;
  merchantId: string;
  period: string;
  statementId: string;
  /** Negative: a debit of the deposit. */
  amountCents: number;
  currency: string;
  lineKeys: string[];
  at: Date;
}

export interface MerchantFlagDocument {
  _id: string;
  merchantId: string;
  period: string;
  lateHandling: number;
  threshold: number;
  at: Date;
}

const statementSchema = new Schema<StatementDocument>(
  { _id: String, period: String, party: String, partyId: String, status: String, revision: Number },
  { collection: 'settlement_statements', versionKey: false, strict: false },
);
statementSchema.index({ period: 1, party: 1, partyId: 1 });
const depositSchema = new Schema<DepositEntryDocument>(
  { _id: String, merchantId: String, period: String, statementId: String, amountCents: Number, currency: String, lineKeys: [String], at: Date },
  { collection: 'deposit_entries', versionKey: false },
);
depositSchema.index({ merchantId: 1, at: 1 });
const flagSchema = new Schema<MerchantFlagDocument>(
  { _id: String, merchantId: String, period: String, lateHandling: Number, threshold: Number, at: Date },
  { collection: 'merchant_flags', versionKey: false },
);

export const statementModel = (c: mongoose.Connection): mongoose.Model<StatementDocument> => (c.models.SettlementStatement as mongoose.Model<StatementDocument>) ?? c.model<StatementDocument>('SettlementStatement', statementSchema);
export const depositModel = (c: mongoose.Connection): mongoose.Model<DepositEntryDocument> => (c.models.DepositEntry as mongoose.Model<DepositEntryDocument>) ?? c.model<DepositEntryDocument>('DepositEntry', depositSchema);
export const merchantFlagModel = (c: mongoose.Connection): mongoose.Model<MerchantFlagDocument> => (c.models.MerchantFlag as mongoose.Model<MerchantFlagDocument>) ?? c.model<MerchantFlagDocument>('MerchantFlag', flagSchema);


/** The period's entries a statement settles (not the reversals statements already settled). */
function periodFilter(period: string) {
  const { fromMs, toMs } = periodRange(period);
  return { at: { $gte: new Date(fromMs), $lt: new Date(toMs) }, settledIn: { $exists: false } };
}

/** Each courier, warehouse and merchant with ledger entries in the period, in a stable order. */
export async function partiesWithEntries(store: mongoose.Connection, period: string): Promise<Array<{ party: SettledParty; partyId: string }>> {
  const docs = await ledgerModel(store)
    .find({ ...periodFilter(period), party: { $in: SETTLED_PARTIES } }, { party: 1, partyId: 1 })
    .lean<Array<Pick<LedgerEntryDocument, 'party' | 'partyId'>>>()
    .exec();
  const seen = new Map<string, { party: SettledParty; partyId: string }>();
  for (const d of docs) seen.set(`${d.party}\n${d.partyId}`, { party: d.party as SettledParty, partyId: d.partyId });
  return [...seen.values()].sort((a, b) => (`${a.party}\n${a.partyId}` < `${b.party}\n${b.partyId}` ? -1 : 1));
}

/**
 * The statement of one party for a period, built once from the ledger and kept: a second call answers the kept one
 * (the lines do not move when entries arrive later for an old month).
 */
export async function buildStatement(store: mongoose.Connection, input: { period: string; party: SettledParty; partyId: string; confirmWindow: Limit }): Promise<Statement> {
  const statementId = statementWorkflowId(input.period, input.party, input.partyId);
  const kept = await statementModel(store).findById(statementId).lean<StatementDocument>().exec();
  if (kept) return present(kept);
  const entries = await ledgerModel(store)
    .find({ ...periodFilter(input.period), party: { $eq: input.party }, partyId: { $eq: input.partyId } })
    .sort({ at: 1, _id: 1 })
    .lean<LedgerEntryDocument[]>()
    .exec();
  const lines: StatementLine[] = entries.map((e) => ({ key: e._id, caseId: e.caseId, amountCents: e.amountCents, currency: e.currency, reason: e.reason, at: new Date(e.at).getTime(), response: 'pending' }));
  const doc: StatementDocument = {
    _id: statementId,
    period: input.period,
    party: input.party,
    partyId: input.partyId,
    status: 'sending',
    currency: entries[0]?.currency ?? 'CNY',
    totalCents: lines.reduce((sum, l) => sum + l.amountCents, 0),
    lines,
    confirmWindow: input.confirmWindow,
    revision: 0,
  };
  try {
    await statementModel(store).create(doc);
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    return present((await statementModel(store).findById(statementId).lean<StatementDocument>().exec())!);
  }
  return present(doc);
}

/** Saves the workflow's state of the statement; an older revision never overwrites a newer one. */
export async function saveStatement(store: mongoose.Connection, statement: Statement): Promise<'written' | 'stale'> {
  const { statementId, ...rest } = statement;
  const result = await statementModel(store).updateOne({ _id: statementId, revision: { $lt: statement.revision } }, { $set: rest }).exec();
  return result.matchedCount ? 'written' : 'stale';
}

/** The reversing entry of a charge a supervisor reversed: the opposite amount, keyed by the charge's key. */
export async function recordReversal(store: mongoose.Connection, input: { key: string; statementId: string; note: string; atMs: number }): Promise<'recorded' | 'known'> {
  const model = ledgerModel(store);
  const charge = await model.findById(input.key).lean<LedgerEntryDocument>().exec();
  if (!charge) throw new Error(`no ledger entry ${input.key}`);
  const reversal: LedgerEntryDocument = { ...charge, _id: `${input.key}:reversal`, amountCents: -charge.amountCents, reason: `reversal_of:${charge.reason}`, at: new Date(input.atMs), settledIn: input.statementId };
  return insertOnce(model, reversal);
}

/** Debits the merchant's deposit for its confirmed charges of the period, once. */
export async function debitDeposit(store: mongoose.Connection, input: { statementId: string; merchantId: string; period: string; amountCents: number; currency: string; lineKeys: string[]; atMs: number }): Promise<'recorded' | 'known'> {
  const entry: DepositEntryDocument = { _id: `deposit:${input.statementId}`, merchantId: input.merchantId, period: input.period, statementId: input.statementId, amountCents: -input.amountCents, currency: input.currency, lineKeys: input.lineKeys, at: new Date(input.atMs) };
  return insertOnce(depositModel(store), entry);
}

/**
 * The merchant's late handling in the period: the deadlines it owed (clocks it owns) that were breached within the
 * month, from the report facts. Past `threshold` the merchant is flagged for the platform (once per period).
 */
export async function flagLateMerchant(store: mongoose.Connection, input: { merchantId: string; period: string; threshold: number; atMs: number }): Promise<{ lateHandling: number; flagged: boolean }> {
  const { fromMs, toMs } = periodRange(input.period);
  // Only a case opened before the month ended and not closed before it began can have missed a deadline within it.
  const facts = await reportFactsModel(store)
    .find({ merchantId: { $eq: input.merchantId }, openedAt: { $lt: new Date(toMs) }, $or: [{ closedAt: { $exists: false } }, { closedAt: { $gte: fromMs } }] }, { clocks: 1 })
    .lean()
    .exec();
  const lateHandling = facts.reduce(
    (n, f) => n + (f.clocks ?? []).filter((c) => c.owner === 'merchant' && c.outcome === 'breached' && (c.decidedAt ?? c.deadline) >= fromMs && (c.decidedAt ?? c.deadline) < toMs).length,
    0,
  );
  const flagged = lateHandling > input.threshold;
  if (flagged) {
    await insertOnce(merchantFlagModel(store), { _id: `flag:${input.period}:${input.merchantId}`, merchantId: input.merchantId, period: input.period, lateHandling, threshold: input.threshold, at: new Date(input.atMs) });
  }
  return { lateHandling, flagged };
}

async function insertOnce<T extends { _id: string }>(model: mongoose.Model<T>, doc: T): Promise<'recorded' | 'known'> {
  if (await model.exists({ _id: doc._id })) return 'known';
  try {
    await model.create(doc);
    return 'recorded';
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    return 'known';
  }
}

export function present(doc: StatementDocument): Statement {
  const { _id, ...rest } = doc;
  return { statementId: _id, ...rest } as Statement;
}

/** The settlement activities (workflows/settlement): the store's part; the adapter sends statements. */
export function createSettlementStoreActivities(store: mongoose.Connection, options: SettlementOptions = {}): Omit<SettlementActivities, 'sendStatement'> {
  return {
    listSettlementParties: async ({ period }) => {
      const [parties, { base }] = await Promise.all([partiesWithEntries(store, period), effectivePolicyRules(store, options.policy ?? DEFAULT_POLICY)]);
      return { parties, confirmWindow: completePolicy(base).statementConfirmWindow, calendar: base.calendar, lateThreshold: options.lateThreshold ?? DEFAULT_LATE_THRESHOLD };
    },
    buildStatement: (input) => buildStatement(store, input),
    saveStatement: (statement) => saveStatement(store, statement),
    recordReversal: (input) => recordReversal(store, input),
    debitDeposit: (input) => debitDeposit(store, input),
    flagLateMerchant: (input) => flagLateMerchant(store, input),
  };
}

export interface SettlementOptions {
  /** The file and environment's policy, in force while no version was activated (its statementConfirmWindow). */
  policy?: CasePolicy;
  /** More late deadlines than this in a month flags a merchant (MERCHANT_LATE_THRESHOLD). */
  lateThreshold?: number;
}

export const DEFAULT_LATE_THRESHOLD = 3;
