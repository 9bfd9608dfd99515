/** The liability ledger: entries by party, party id, period and status, with totals; as JSON or text/csv. */
import { z } from 'zod';
import { ledgerModel, type LedgerEntryDocument } from '../activities/store/ledger';
import type { ApiRole } from '../config/api-keys';
import type { Caller } from './auth';
import { COMMON_RESPONSES, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { ProblemError } from './problem';
import { checkRange, rangeFields, rangeMs } from './reports/range-query';
import { CHARGE_PARTIES } from '../workflows/contract';
import { DEFAULT_COMPANY_IDS } from '../workflows/domain/partner-companies';

/** Staff read every entry; a merchant, courier or warehouse key reads its own party's only. */
const LEDGER_ROLES: ApiRole[] = ['supervisor', 'admin', 'merchant', 'courier', 'warehouse'];
const MAX_ENTRIES = 5_000;

const LedgerQuery = z
  .strictObject({
    ...rangeFields,
    party: z.enum(CHARGE_PARTIES).optional(),
    partyId: z.string().min(1).max(128).optional(),
    status: z.enum(['open']).optional(),
  })
  .superRefine(checkRange);

const EntryDoc = z.object({ key: z.string(), caseId: z.string(), party: z.enum(CHARGE_PARTIES), partyId: z.string(), amountCents: z.int(), currency: z.string(), reason: z.string(), at: z.string(), status: z.string() });
const LedgerDoc = z
  .object({ entries: z.array(EntryDoc), totals: z.array(z.object({ party: z.enum(CHARGE_PARTIES), partyId: z.string(), currency: z.string(), count: z.int(), amountCents: z.int() })) })
  .openapi('Ledger');

/** The party whose entries the caller may read, or undefined for staff. */
export function ownParty(caller: Caller): { party: LedgerEntryDocument['party']; partyId: string } | undefined {
  if (caller.role === 'merchant') return { party: 'merchant', partyId: caller.merchantId ?? '' };
  if (caller.role === 'courier' || caller.role === 'warehouse') return { party: caller.role, partyId: caller.companyId ?? DEFAULT_COMPANY_IDS[caller.role] };
  return undefined;
}

const present = (e: LedgerEntryDocument) => ({ key: e._id, caseId: e.caseId, party: e.party, partyId: e.partyId, amountCents: e.amountCents, currency: e.currency, reason: e.reason, at: new Date(e.at).toISOString(), status: e.status });

function totalsOf(entries: ReturnType<typeof present>[]) {
  const totals = new Map<string, { party: LedgerEntryDocument['party']; partyId: string; currency: string; count: number; amountCents: number }>();
  for (const e of entries) {
    const key = `${e.party}\n${e.partyId}\n${e.currency}`;
    const total = totals.get(key) ?? { party: e.party, partyId: e.partyId, currency: e.currency, count: 0, amountCents: 0 };
    total.count++;
    total.amountCents += e.amountCents;
    totals.set(key, total);
  }
  return [...totals.values()];
}

const csvCell = (value: string | number) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

export const LEDGER_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/ledger',
    roles: LEDGER_ROLES,
    summary: 'Ledger entries (charges against a party) in a period, with totals per party; Accept: text/csv for a CSV',
    description: `Oldest first, at most ${MAX_ENTRIES} (more is 400 range_too_large: narrow the period or the party). A merchant, courier or warehouse key reads its own party's entries only.`,
    query: LedgerQuery,
    responses: { 200: { description: 'Entries and totals', content: { 'application/json': { schema: LedgerDoc }, 'text/csv': { schema: z.string() } } }, ...COMMON_RESPONSES, 403: problem('Another party’s entries') },
    async handle(ctx, { caller, query }, res) {
      const own = ownParty(caller);
      if (own && ((query.party && query.party !== own.party) || (query.partyId && query.partyId !== own.partyId))) {
        throw new ProblemError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'a party reads its own ledger entries only' });
      }
      const { fromMs, toMs } = rangeMs(query);
      const filter: Record<string, unknown> = { at: { $gte: new Date(fromMs), $lt: new Date(toMs) } };
      const party = own?.party ?? query.party;
      const partyId = own?.partyId ?? query.partyId;
      if (party) filter.party = { $eq: party };
      if (partyId) filter.partyId = { $eq: partyId };
      if (query.status) filter.status = { $eq: query.status };
      const docs = await ledgerModel(ctx.store).find(filter).sort({ at: 1, _id: 1 }).limit(MAX_ENTRIES + 1).lean<LedgerEntryDocument[]>().exec();
      if (docs.length > MAX_ENTRIES) throw new ProblemError({ status: 400, code: 'range_too_large', title: 'Too many entries', detail: `more than ${MAX_ENTRIES} entries; narrow the period or the party` });
      const entries = docs.map(present);
      if (res.req.accepts(['application/json', 'text/csv']) === 'text/csv') {
        const header = ['key', 'caseId', 'party', 'partyId', 'amountCents', 'currency', 'reason', 'at', 'status'] as const;
        const lines = [header.join(','), ...entries.map((e) => header.map((h) => csvCell(e[h])).join(','))];
        res.type('text/csv').attachment('ledger.csv').send(`${lines.join('\n')}\n`);
        return;
      }
      res.json({ entries, totals: totalsOf(entries) });
    },
  }),
];
