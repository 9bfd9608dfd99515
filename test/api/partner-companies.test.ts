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
    // The second courier company and repair provider have endpoints of their own in the sandbox; the others are served at their kind's URL.
    const ownUrls: Record<string, string> = { 'courier-b': 'courier', 'repair-provider-b': 'repair' };
    h = await startApiHarness({ companies: (sandboxUrl) => DEV_PARTNER_COMPANIES.map((c) => (ownUrls[c.id] ? { ...c, url: `${sandboxUrl}/companies/${c.id}/${ownUrls[c.id]}` } : c)) });
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

  /** What the sandbox recorded of a case's calls to one partner route: the company each was for and the endpoint it reached. */
  async function callsOf(records: 'pickups' | 'weightChecks' | 'repairOrders', caseId: string): Promise<Array<Record<string, unknown>>> {
    const all = (await (await fetch(`${h.sandboxUrl}/_control/records`)).json()) as Record<string, Array<{ caseId: string; idempotencyKey: string }>>;
    const log = (await (await fetch(`${h.sandboxUrl}/_control/requests`)).json()) as { requests: Array<{ route: string; idempotencyKey: string | null; outcome: string }> };
    return all[records]
      .filter((r) => r.caseId === caseId)
      .map((r) => ({ ...r, endpoint: log.requests.find((q) => q.idempotencyKey === r.idempotencyKey && q.outcome === 'processed')?.route }));
  }

  async function open(name: string, body: object): Promise<string> {
    const opened = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', `companies-${name}-${Date.now()}`).send(body).expect(201);
    return opened.body.caseId as string;
  }

  it('sends the outbound weight check, the pickup and the repair order to the company that handles each', async () => {
    const missingItem = (companies: object) => {
      const body = returnBody({ description: 'one kettle of two is missing' });
      return { ...body, order: { ...body.order, ...companies }, details: { kind: 'return', reason: 'missing_item' } };
    };
    const repair = (companies: object) => {
      const body = returnBody({ description: 'the kettle does not heat' });
      return { ...body, order: { ...body.order, ...companies }, details: { kind: 'repair', sku: 'kettle-1', fault: 'the kettle does not heat' } };
    };
    const weighedB = await open('weight-b', missingItem({ courierId: 'courier-b', warehouseId: 'warehouse-b' }));
    const weighedA = await open('weight-a', missingItem({}));
    const repairB = await open('repair-b', repair({ repairProviderId: 'repair-provider-b' }));
    const repairA = await open('repair-a', repair({}));
    for (const caseId of [repairB, repairA]) {
      await caseWhen(h, caseId, (v) => v.status === 'awaiting_collection');
      await api().post(`/cases/${caseId}/commands/request-pickup`).set(auth(KEYS.customer)).send({ address: '12 West Lake Rd, Hangzhou' }).expect(200);
      await caseWhen(h, caseId, (v: { status: string; facts: { repairOrderId?: string } }) => v.facts.repairOrderId !== undefined);
    }
    for (const caseId of [weighedB, weighedA]) await caseWhen(h, caseId, (v) => v.status !== 'submitted');

    const company = (calls: Array<Record<string, unknown>>) => calls.map(({ companyId, warehouseId, endpoint }) => ({ companyId, endpoint, ...(warehouseId !== undefined && { warehouseId }) }));
    expect(company(await callsOf('weightChecks', weighedB))).toEqual([{ companyId: 'courier-b', warehouseId: 'warehouse-b', endpoint: '/companies/:companyId/courier/weight-checks' }]);
    expect(company(await callsOf('weightChecks', weighedA))).toEqual([{ companyId: 'courier', warehouseId: 'warehouse', endpoint: '/courier/weight-checks' }]);
    expect(company(await callsOf('repairOrders', repairB))).toEqual([{ companyId: 'repair-provider-b', endpoint: '/companies/:companyId/repair/orders' }]);
    expect(company(await callsOf('repairOrders', repairA))).toEqual([{ companyId: 'repair-provider', endpoint: '/repair/orders' }]);
    // The repair's pickup is the order's courier's (none named: the default company's).
    expect(company(await callsOf('pickups', repairA))).toEqual([{ companyId: 'courier', endpoint: '/courier/pickups' }]);
  }, 120_000);

  it('lets ship_back and request_pickup name the return leg’s courier: it books the pickup, reads the case and calls back', async () => {
    const caseId = await open('leg', returnBody({ description: 'return leg with another courier' }));
    await caseWhen(h, caseId, (v) => v.status === 'awaiting_merchant_review');
    await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'approve', returnAddress: 'Returns desk' }).expect(200);
    await caseWhen(h, caseId, (v) => v.status === 'awaiting_return_shipment');

    for (const [command, body] of [['ship-back', { trackingNumber: 'TRK-leg-x', courierId: 'nobody' }], ['request-pickup', { address: 'Gate 2', courierId: 'warehouse-b' }]] as const) {
      const refused = await api().post(`/cases/${caseId}/commands/${command}`).set(auth(KEYS.customer)).send(body).expect(422);
      expect(refused.body).toMatchObject({ code: 'unknown_company', errors: [{ field: 'body.courierId' }] });
    }
    expect((await caseWhen(h, caseId, () => true)).status).toBe('awaiting_return_shipment');

    await api().post(`/cases/${caseId}/commands/request-pickup`).set(auth(KEYS.customer)).send({ address: 'Gate 2, 8 Harbour Rd', courierId: 'courier-b' }).expect(200);
    const booked = await caseWhen(h, caseId, (v: { status: string; returnTrackingNumber?: string; returnCourierId?: string }) => v.returnTrackingNumber !== undefined);
    expect(booked).toMatchObject({ status: 'return_in_transit', returnCourierId: 'courier-b' });
    expect((await callsOf('pickups', caseId)).map(({ companyId, endpoint }) => ({ companyId, endpoint }))).toEqual([{ companyId: 'courier-b', endpoint: '/companies/:companyId/courier/pickups' }]);

    // Access follows the return leg: courier-b reads the case and calls back for it; the order's courier, not involved
    // in the leg, reads it no more, but still calls back for the order's parcel.
    const read = (key: string) => api().get(`/cases/${caseId}`).set(auth(key));
    const scan = (key: string, on: string) => api().post('/callbacks/courier').set(auth(key)).send({ caseId: on, dedupKey: `leg-${key}-${on}`, event: 'in_transit', at: Date.now() });
    const seen = [(await read(KEYS['courier-b'])).status, (await read(KEYS.courier)).status, (await scan(KEYS['courier-b'], caseId)).status, (await scan(KEYS.courier, caseId)).status, (await scan(KEYS['courier-b'], cases.a)).status];
    expect(seen).toEqual([200, 404, 202, 202, 404]);
    // The leg's courier delivers: the case moves on.
    await api().post('/callbacks/courier').set(auth(KEYS['courier-b'])).send({ caseId, dedupKey: `leg-delivered-${caseId}`, event: 'delivered', trackingNumber: booked.returnTrackingNumber, at: Date.now() }).expect(202);
    await caseWhen(h, caseId, (v) => v.status === 'awaiting_inspection');
  }, 120_000);

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
