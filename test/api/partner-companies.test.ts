import request from 'supertest';
import { ledgerModel, type LedgerEntryDocument } from '../../activities/store/ledger';
import { statementModel } from '../../activities/store/settlement';
import { DEV_PARTNER_COMPANIES } from '../../config/partner-companies';
import { periodRange, previousPeriod } from '../../workflows/contract/settlement';
import { ApiHarness, caseWhen, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const HOUR = 3_600_000;

/**
 * Partner companies as parties (dev server, FerretDB, sandbox): two courier companies, two warehouses and two repair
 * providers, each with its own key. A case's order names its companies (none: the default company's); each company's
 * key reads and answers only what its company took part in: the cases, the callbacks, the ledger entries and its own
 * monthly statement, issued one per company.
 */
describe('partner companies (dev server)', () => {
  let h: ApiHarness;
  const api = () => request(h.app);
  const period = previousPeriod(Date.now());
  const { fromMs } = periodRange(period);
  const statementId = (party: string, partyId: string) => `statement-${period}-${party}-${partyId}`;
  const cases: Record<'a' | 'b', string> = { a: '', b: '' };

  async function openShippedBack(name: 'a' | 'b', companies: object): Promise<string> {
    const body = returnBody({ description: `company case ${name}` });
    const opened = await api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', `companies-${name}-${Date.now()}`).send({ ...body, order: { ...body.order, ...companies } }).expect(201);
    const caseId = opened.body.caseId as string;
    await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'approve', returnAddress: 'Returns desk' }).expect(200);
    await api().post(`/cases/${caseId}/commands/ship-back`).set(auth(KEYS.customer)).send({ trackingNumber: `TRK-${name}-${Date.now()}` }).expect(200);
    await caseWhen(h, caseId, (v) => v.status === 'return_in_transit');
    return caseId;
  }

  beforeAll(async () => {
    // The second courier company has an endpoint of its own in the sandbox; the others are served at their kind's URL.
    h = await startApiHarness({ companies: (sandboxUrl) => DEV_PARTNER_COMPANIES.map((c) => (c.id === 'courier-b' ? { ...c, url: `${sandboxUrl}/companies/courier-b/courier` } : c)) });
    // Case a names no company (the default ones'); case b names the second company of each kind.
    cases.a = await openShippedBack('a', {});
    cases.b = await openShippedBack('b', { courierId: 'courier-b', warehouseId: 'warehouse-b', repairProviderId: 'repair-provider-b' });
    const entry = (key: string, party: LedgerEntryDocument['party'], partyId: string, amountCents: number): LedgerEntryDocument => ({ _id: key, caseId: `case-${key}`, party, partyId, amountCents, currency: 'CNY', reason: `${party}_charge`, at: new Date(fromMs + HOUR), status: 'open' });
    await ledgerModel(h.store).insertMany([entry('co-a', 'courier', 'courier', 1000), entry('co-b', 'courier', 'courier-b', 2000), entry('wh-a', 'warehouse', 'warehouse', 300), entry('wh-b', 'warehouse', 'warehouse-b', 400)]);
  }, 240_000);
  afterAll(async () => {
    for (const [party, id] of [['courier', 'courier'], ['courier', 'courier-b'], ['warehouse', 'warehouse'], ['warehouse', 'warehouse-b']]) {
      await h?.temporal.workflow.getHandle(statementId(party, id)).terminate('test finished').catch(() => undefined);
    }
    await h?.stop();
  });

  it('refuses an order naming a company that does not exist, or one of another kind, and opens nothing', async () => {
    const body = returnBody();
    const refused = await api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', `companies-unknown-${Date.now()}`).send({ ...body, order: { ...body.order, courierId: 'warehouse-b', repairProviderId: 'nobody' } }).expect(422);
    expect(refused.body).toMatchObject({ code: 'unknown_company', errors: [{ field: 'body.order.courierId' }, { field: 'body.order.repairProviderId' }] });
  });

  it('lets each company’s key read and call back only the cases its company handles', async () => {
    const read = (key: string, caseId: string) => api().get(`/cases/${caseId}`).set(auth(key));
    const courierEvent = (key: string, caseId: string) => api().post('/callbacks/courier').set(auth(key)).send({ caseId, dedupKey: `evt-${key}-${caseId}`, event: 'in_transit', at: Date.now() });
    const repairEvent = (key: string, caseId: string) => api().post('/callbacks/repair').set(auth(key)).send({ caseId, dedupKey: `rep-${key}-${caseId}`, repairOrderId: 'rep-1', event: 'accepted' });
    const matrix: Array<[string, 'a' | 'b', (key: string, caseId: string) => request.Test, number]> = [
      ['courier', 'a', read, 200],
      ['courier', 'b', read, 404],
      ['courier-b', 'a', read, 404],
      ['courier-b', 'b', read, 200],
      ['courier', 'a', courierEvent, 202],
      ['courier', 'b', courierEvent, 404],
      ['courier-b', 'a', courierEvent, 404],
      ['courier-b', 'b', courierEvent, 202],
      ['repair-provider', 'a', repairEvent, 202],
      ['repair-provider', 'b', repairEvent, 404],
      ['repair-provider-b', 'a', repairEvent, 404],
      ['repair-provider-b', 'b', repairEvent, 202],
      // A warehouse takes part in a case once it carries a liability there; in these cases neither does.
      ['warehouse', 'a', read, 404],
      ['warehouse-b', 'b', read, 404],
    ];
    const seen: Array<[string, string, number]> = [];
    for (const [key, name, call] of matrix) seen.push([key, name, (await call(KEYS[key as keyof typeof KEYS], cases[name])).status]);
    expect(seen).toEqual(matrix.map(([key, name, , expected]) => [key, name, expected]));
    // Staff narrow a report to one company's cases.
    const today = new Date().toISOString().slice(0, 10);
    const report = async (companyId: string) => (await api().get(`/reports/handling-time?from=${today}&to=${today}&companyId=${companyId}`).set(auth(KEYS.supervisor)).expect(200)).body.cases;
    expect([await report('courier-b'), await report('warehouse-b'), await report('repair-provider-b'), await report('nobody')]).toEqual([1, 1, 1, 0]);
    // A partner reads the case, not the audit or the contacts.
    const own = await read(KEYS['courier-b'], cases.b).expect(200);
    expect(own.body).not.toHaveProperty('audit');
  });

  it('keeps a ledger and a monthly statement per company: each company reads and answers its own only', async () => {
    const ledger = (key: string) => api().get(`/ledger?from=${period}-01&to=${period}-28`).set(auth(key)).expect(200);
    for (const [key, partyId] of [['courier', 'courier'], ['courier-b', 'courier-b'], ['warehouse', 'warehouse'], ['warehouse-b', 'warehouse-b']] as const) {
      const own = await ledger(KEYS[key]);
      expect(own.body.entries.map((e: { partyId: string }) => e.partyId)).toEqual([partyId]);
    }

    const run = await api().post('/settlement/periods').set(auth(KEYS.supervisor)).send({ period }).expect(200);
    expect(run.body.issued).toEqual(expect.arrayContaining([statementId('courier', 'courier'), statementId('courier', 'courier-b'), statementId('warehouse', 'warehouse'), statementId('warehouse', 'warehouse-b')]));
    const until = Date.now() + 90_000;
    while ((await statementModel(h.store).countDocuments({ status: 'awaiting_party' })) < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));

    const list = async (key: string) => (await api().get('/settlement/statements').set(auth(KEYS[key as keyof typeof KEYS])).expect(200)).body.statements.map((s: { statementId: string; totalCents: number }) => [s.statementId, s.totalCents]);
    expect(await list('courier')).toEqual([[statementId('courier', 'courier'), 1000]]);
    expect(await list('courier-b')).toEqual([[statementId('courier', 'courier-b'), 2000]]);
    expect(await list('warehouse')).toEqual([[statementId('warehouse', 'warehouse'), 300]]);
    expect(await list('warehouse-b')).toEqual([[statementId('warehouse', 'warehouse-b'), 400]]);
    await api().get('/settlement/statements?partyId=courier').set(auth(KEYS['courier-b'])).expect(403);
    await api().get(`/settlement/statements/${statementId('courier', 'courier')}`).set(auth(KEYS['courier-b'])).expect(403);

    const answer = (key: string, party: string, partyId: string, line: string) => api().post(`/settlement/statements/${statementId(party, partyId)}/responses`).set(auth(KEYS[key as keyof typeof KEYS])).send({ lines: [{ key: line, decision: 'confirm' }] });
    expect((await answer('courier-b', 'courier', 'courier', 'co-a')).body.code).toBe('not_your_statement');
    expect((await answer('warehouse', 'warehouse', 'warehouse-b', 'wh-b')).status).toBe(403);
    const confirmed = await answer('courier-b', 'courier', 'courier-b', 'co-b').expect(200);
    expect(confirmed.body.lines).toEqual([expect.objectContaining({ key: 'co-b', response: 'confirmed', respondedBy: 'courier-b-dev' })]);
    // Each statement went to its company: courier-b's to its own endpoint.
    const sent = (await (await fetch(`${h.sandboxUrl}/_control/records`)).json()) as { statements: Array<{ party: string; partyId: string; companyId?: string }> };
    expect(sent.statements.map((s) => `${s.party}:${s.partyId}@${s.companyId ?? '-'}`).sort()).toEqual(['courier:courier-b@courier-b', 'courier:courier@-', 'warehouse:warehouse-b@-', 'warehouse:warehouse@-']);
  }, 150_000);
});
