import request from 'supertest';
import { ledgerModel, recordLedgerEntries } from '../../activities/store/ledger';
import type { CaseView } from '../../workflows/domain/case';
import { ApiHarness, KEYS, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const AT = Date.UTC(2026, 10, 10, 8);

/** The parts of a case view the ledger reads: its charges, order and the audit entries that recorded them. */
function viewWith(caseId: string, merchantId: string, charges: CaseView['charges']): CaseView {
  return {
    caseId,
    order: { orderId: `o-${caseId}`, merchantId, customerId: 'customer-1', currency: 'CNY' },
    charges,
    audit: charges.map((c, i) => ({ seq: i + 1, at: AT + i * 60_000, actor: { id: 'case-workflow', role: 'system' }, action: 'charge_recorded', fromStatus: 'closed', toStatus: 'closed', reason: c.reason, data: { party: c.party, amountCents: c.amountCents } })),
    lastTransitionAt: AT,
  } as unknown as CaseView;
}

const charge = (caseId: string, party: CaseView['charges'][number]['party'], amountCents: number, reason: string) => ({ party, amountCents, reason, key: `${caseId}:charge:${party}:${reason}` });

describe('the liability ledger', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });
  const get = (query: string, key: string, accept = 'application/json') => request(h.app).get(`/ledger?${query}`).set(auth(key)).set('Accept', accept);

  it('writes each charge once, whatever repeats the projection', async () => {
    const first = [charge('lg-1', 'merchant', 25_900, 'refund_paid_on_behalf_of_merchant'), charge('lg-1', 'courier', 1_200, 'return_postage')];
    expect(await recordLedgerEntries(h.store, viewWith('lg-1', 'merchant-a', first))).toBe(2);
    expect(await recordLedgerEntries(h.store, viewWith('lg-1', 'merchant-a', first))).toBe(0);
    expect(await recordLedgerEntries(h.store, viewWith('lg-1', 'merchant-a', [...first, charge('lg-1', 'warehouse', 5_000, 'missing_item')]))).toBe(1);
    expect(await recordLedgerEntries(h.store, viewWith('lg-2', 'merchant-b', [charge('lg-2', 'merchant', 9_900, 'refund_paid_on_behalf_of_merchant')]))).toBe(1);
    expect(await ledgerModel(h.store).countDocuments({})).toBe(4);
  });

  it('answers entries and totals by party and period, a party its own only, JSON or CSV', async () => {
    const period = 'from=2026-11-01&to=2026-11-30';
    const all = await get(period, KEYS.supervisor);
    expect(all.status).toBe(200);
    // Oldest first, then by key.
    expect(all.body.entries.map((e: { key: string }) => e.key)).toEqual([
      'lg-1:charge:merchant:refund_paid_on_behalf_of_merchant',
      'lg-2:charge:merchant:refund_paid_on_behalf_of_merchant',
      'lg-1:charge:courier:return_postage',
      'lg-1:charge:warehouse:missing_item',
    ]);
    expect(all.body.totals).toEqual(
      expect.arrayContaining([
        { party: 'merchant', partyId: 'merchant-a', currency: 'CNY', count: 1, amountCents: 25_900 },
        { party: 'merchant', partyId: 'merchant-b', currency: 'CNY', count: 1, amountCents: 9_900 },
        { party: 'courier', partyId: 'courier', currency: 'CNY', count: 1, amountCents: 1_200 },
        { party: 'warehouse', partyId: 'warehouse', currency: 'CNY', count: 1, amountCents: 5_000 },
      ]),
    );
    const merchantA = await get(period, KEYS['merchant-a']);
    expect(merchantA.body.entries.map((e: { partyId: string }) => e.partyId)).toEqual(['merchant-a']);
    expect((await get(`${period}&party=courier`, KEYS['merchant-a'])).status).toBe(403);
    expect((await get(`${period}&partyId=merchant-b`, KEYS['merchant-a'])).status).toBe(403);
    expect((await get(period, KEYS.courier)).body.totals).toEqual([{ party: 'courier', partyId: 'courier', currency: 'CNY', count: 1, amountCents: 1_200 }]);
    expect((await get(period, KEYS.agent)).status).toBe(403);
    expect((await get('from=2026-12-01&to=2026-12-31', KEYS.supervisor)).body).toEqual({ entries: [], totals: [] });

    const csv = await get(`${period}&party=merchant`, KEYS.supervisor, 'text/csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\n')).toEqual([
      'key,caseId,party,partyId,amountCents,currency,reason,at,status',
      'lg-1:charge:merchant:refund_paid_on_behalf_of_merchant,lg-1,merchant,merchant-a,25900,CNY,refund_paid_on_behalf_of_merchant,2026-11-10T08:00:00.000Z,open',
      'lg-2:charge:merchant:refund_paid_on_behalf_of_merchant,lg-2,merchant,merchant-b,9900,CNY,refund_paid_on_behalf_of_merchant,2026-11-10T08:00:00.000Z,open',
    ]);
  });

  it('refuses a bad period with the field', async () => {
    for (const [query, field] of [
      ['from=2026-11-30&to=2026-11-01', 'query.to'],
      ['from=2025-01-01&to=2026-11-01', 'query.to'],
      ['from=yesterday&to=2026-11-01', 'query.from'],
      ['to=2026-11-01', 'query.from'],
    ]) {
      const res = await get(query, KEYS.supervisor);
      expect([query, res.status, res.body.errors?.[0]?.field]).toEqual([query, 400, field]);
    }
  });
});
