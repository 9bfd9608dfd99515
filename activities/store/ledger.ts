/**
 * The liability ledger: every charge a case records (against the merchant, courier, warehouse, customer or platform)
 * becomes one entry, keyed by the charge's key, so a repeated projection, a retried activity or a continue-as-new never
 * doubles it. Entries are never edited; a correction is a reversing entry of its own.
 */
import mongoose, { Schema } from 'mongoose';
import type { CaseView, ChargeRecord } from '../../workflows/domain/case';
import { caseCompany } from '../../workflows/domain/partner-companies';

export interface LedgerEntryDocument {
  _id: string;
  caseId: string;
  party: ChargeRecord['party'];
  /** The merchant's or customer's id; the party's name for the courier, warehouse and platform (one of each today). */
  partyId: string;
  amountCents: number;
  currency: string;
  reason: string;
  at: Date;
  status: 'open';
  /** A reversal a settlement decision wrote: that statement already left the line out of its debit, so no later one carries it. */
  settledIn?: string;
}

const schema = new Schema<LedgerEntryDocument>(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    party: { type: String, required: true },
    partyId: { type: String, required: true },
    amountCents: { type: Number, required: true },
    currency: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
    status: { type: String, required: true },
    settledIn: { type: String },
  },
  { collection: 'ledger_entries', versionKey: false },
);
schema.index({ party: 1, partyId: 1, at: 1 });
schema.index({ at: 1 });

export const ledgerModel = (conn: mongoose.Connection) => conn.models.LedgerEntry ?? conn.model<LedgerEntryDocument>('LedgerEntry', schema);

/** The entries a case's view holds: one per charge. */
export function ledgerEntriesOf(view: CaseView): LedgerEntryDocument[] {
  return (view.charges ?? []).map((charge) => ({
    _id: charge.key,
    caseId: view.caseId,
    party: charge.party,
    partyId: partyIdOf(view, charge),
    amountCents: charge.amountCents,
    currency: view.order?.currency ?? 'CNY',
    reason: charge.reason,
    at: new Date(chargedAt(view, charge)),
    status: 'open',
  }));
}

/** Writes the entries of `view` the ledger does not hold yet; returns how many were new. */
export async function recordLedgerEntries(conn: mongoose.Connection, view: CaseView): Promise<number> {
  const entries = ledgerEntriesOf(view);
  if (entries.length === 0) return 0;
  const model = ledgerModel(conn);
  const known = new Set((await model.find({ _id: { $in: entries.map((e) => e._id) } }, { _id: 1 }).lean<Array<{ _id: string }>>().exec()).map((e) => e._id));
  let added = 0;
  // One insert at a time: FerretDB v1 stops an unordered bulk insert at its first duplicate.
  for (const entry of entries.filter((e) => !known.has(e._id))) {
    try {
      await model.create(entry);
      added++;
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }
  return added;
}

function partyIdOf(view: CaseView, { party, companyId }: ChargeRecord): string {
  if (party === 'merchant') return view.order?.merchantId ?? 'merchant';
  if (party === 'customer') return view.order?.customerId ?? view.openedBy?.id ?? 'customer';
  // A courier's or warehouse's charge is its company's: the one it names (a return leg's courier), else the order's.
  if (party === 'courier' || party === 'warehouse') return companyId ?? caseCompany(view.order, party);
  return party;
}

/** When the charge was recorded: its audit entry's time. */
function chargedAt(view: CaseView, charge: ChargeRecord): number {
  const entry = view.audit?.find((a) => a.action === 'charge_recorded' && a.reason === charge.reason && (a.data as { party?: string } | undefined)?.party === charge.party);
  return entry?.at ?? view.lastTransitionAt;
}
