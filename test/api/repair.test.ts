import request from 'supertest';
import { caseIdFor } from '../../api/cases';
import { DEV_API_KEYS } from '../../config/api-keys';
import { ApiHarness, caseWhen, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const agentId = DEV_API_KEYS.find((k) => k.key === KEYS.agent)!.id;
const REPAIR_KEY = DEV_API_KEYS.find((k) => k.role === 'repair_provider')!.key;

function repairBody(overrides: { category?: string; sku?: string } = {}) {
  const body = returnBody();
  return { ...body, order: { ...body.order, category: overrides.category ?? 'kitchen' }, details: { kind: 'repair', sku: overrides.sku ?? 'kettle-1', fault: 'the kettle does not heat' } };
}

describe('repair cases over the API, the sandbox playing the repair provider', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  const api = () => request(h.app);

  type View = { status: string; facts: Record<string, unknown>; audit: Array<{ action: string }> };
  it.each([
    ['a category without a warranty period', { category: 'garden' }, 'no_warranty_info', 'body.order.category'],
    ['an item not in the order', { sku: 'toaster-9' }, 'unknown_sku', 'body.details.sku'],
  ])('refuses %s with 422 naming the field, and opens nothing', async (_name, overrides, code, field) => {
    const key = `repair-bad-${code}-${Date.now()}`;
    const res = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', key).send(repairBody(overrides));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code, errors: [expect.objectContaining({ field })] });
    expect((await api().get(`/cases/${caseIdFor(agentId, key)}`).set(auth(KEYS.agent))).status).toBe(404);
  });

  it('dispatches the repair to the provider once and follows its callbacks, deduplicated, to the customer’s confirmation', async () => {
    const created = await api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', `repair-ok-${Date.now()}`).send(repairBody());
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    const opened = await caseWhen<View>(h, caseId, (v) => v.status === 'awaiting_collection');
    expect(opened.facts).toMatchObject({ repairWarranty: 'in_warranty', repairChargeable: false });
    const actions = await api().get(`/cases/${caseId}/actions`).set(auth(KEYS.customer));
    expect(actions.body.actions).toEqual(expect.arrayContaining(['request_pickup', 'drop_off']));
    expect((await api().post(`/cases/${caseId}/commands/drop-off`).set(auth(KEYS.customer)).send({})).status).toBe(400);
    expect((await api().post(`/cases/${caseId}/commands/request-pickup`).set(auth(KEYS.customer)).send({ address: '12 West Lake Rd, Hangzhou' })).status).toBe(200);
    const atProvider = await caseWhen<View>(h, caseId, (v) => v.facts.repairOrderId !== undefined);
    const repairOrderId = atProvider.facts.repairOrderId as string;
    const sandbox = await (await fetch(`${h.sandboxUrl}/_control/records`)).json();
    expect(sandbox.repairOrders.filter((o: { caseId: string }) => o.caseId === caseId)).toEqual([expect.objectContaining({ repairOrderId, sku: 'kettle-1', chargeable: false })]);

    const callback = (event: string, extra: object = {}) => ({ caseId, dedupKey: `${caseId}-${event}`, repairOrderId, event, ...extra });
    expect((await api().post('/callbacks/repair').set(auth(KEYS.courier)).send(callback('accepted'))).status).toBe(403);
    expect((await api().post('/callbacks/repair').set(auth(REPAIR_KEY)).send({ ...callback('accepted'), event: 'teleported' })).status).toBe(400);
    for (const event of ['accepted', 'repaired', 'repaired']) expect((await api().post('/callbacks/repair').set(auth(REPAIR_KEY)).send(callback(event))).status).toBe(202);
    expect((await api().post('/callbacks/repair').set(auth(REPAIR_KEY)).send(callback('shipped_back', { trackingNumber: 'SF-BACK-9' }))).status).toBe(202);
    const back = await caseWhen<View>(h, caseId, (v) => v.status === 'awaiting_repair_confirmation');
    expect(back.audit.filter((a: { action: string }) => a.action === 'repair_repaired')).toHaveLength(1);
    expect((await api().post('/callbacks/repair').set(auth(REPAIR_KEY)).send({ ...callback('accepted'), caseId: 'case-nope' })).status).toBe(404);

    const confirmed = await api().post(`/cases/${caseId}/commands/confirm-resolution`).set(auth(KEYS.customer)).send({ resolved: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'closed', outcome: 'repaired' });
  });

  it('documents the repair kind, its commands and the provider callback in the OpenAPI document', async () => {
    const doc = JSON.parse((await api().get('/openapi.json')).text);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/callbacks/repair', '/cases/{id}/commands/drop-off', '/cases/{id}/commands/choose-repair-remedy']));
    expect(JSON.stringify(doc.components.schemas.KindDetails)).toContain('"repair"');
    expect(doc.components.schemas.RepairCallback).toBeDefined();
  });
});

describe('maintenance cases over the API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  const api = () => request(h.app);
  function maintenanceBody(packageSku = 'care-1') {
    const body = returnBody();
    return {
      ...body,
      order: { ...body.order, paidAmountCents: 31_900, items: [...body.order.items, { sku: 'care-1', name: 'Descaling service', quantity: 1, unitPriceCents: 6_000 }] },
      details: { kind: 'maintenance', packageSku },
    };
  }

  it('refuses a package not in the order (422 naming the field) and a slot in the past (422 slot_in_past), then books a future slot', async () => {
    const key = `maint-bad-${Date.now()}`;
    const bad = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', key).send(maintenanceBody('care-9'));
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'unknown_sku', errors: [{ field: 'body.details.packageSku', message: 'not in the order' }] });
    expect((await api().get(`/cases/${caseIdFor(agentId, key)}`).set(auth(KEYS.agent))).status).toBe(404);

    const created = await api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', `maint-ok-${Date.now()}`).send(maintenanceBody());
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    for (let i = 0; i < 50 && (await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body.status !== 'awaiting_booking'; i++) await new Promise((r) => setTimeout(r, 200));
    const past = await api().post(`/cases/${caseId}/commands/book-service`).set(auth(KEYS.customer)).send({ slotAt: Date.now() - 60_000 });
    expect(past.status).toBe(422);
    expect(past.body).toMatchObject({ code: 'slot_in_past', errors: [expect.objectContaining({ field: 'body.slotAt' })] });
    expect((await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body.status).toBe('awaiting_booking');
    const booked = await api().post(`/cases/${caseId}/commands/book-service`).set(auth(KEYS.customer)).send({ slotAt: Date.now() + 3 * 86_400_000 });
    expect(booked.status).toBe(200);
    expect(booked.body.status).toBe('service_booked');
    let bookings: Array<{ caseId: string }> = [];
    for (let i = 0; i < 50 && bookings.length === 0; i++) {
      bookings = ((await (await fetch(`${h.sandboxUrl}/_control/records`)).json()).serviceBookings as Array<{ caseId: string }>).filter((b) => b.caseId === caseId);
      if (bookings.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(bookings).toEqual([expect.objectContaining({ packageSku: 'care-1', idempotencyKey: `${caseId}:service-booking:1` })]);
  });

  it('takes the provider’s visit outcome by POST /callbacks/service: its role only, validated, deduplicated, closing the case with the service record', async () => {
    const created = await api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', `maint-cb-${Date.now()}`).send(maintenanceBody());
    const caseId = created.body.caseId as string;
    for (let i = 0; i < 50 && (await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body.status !== 'awaiting_booking'; i++) await new Promise((r) => setTimeout(r, 200));
    expect((await api().post(`/cases/${caseId}/commands/book-service`).set(auth(KEYS.customer)).send({ slotAt: Date.now() + 86_400_000 })).status).toBe(200);
    let bookingId: string | undefined;
    for (let i = 0; i < 50 && bookingId === undefined; i++) {
      bookingId = (await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body.facts.serviceBookingId;
      if (bookingId === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    const done = { caseId, dedupKey: `${caseId}-visit`, bookingId, event: 'completed', serviceRecord: 'descaled, seals replaced', evidence: [{ kind: 'document', uri: 'evidence://service-sheet-1' }] };
    expect((await api().post('/callbacks/service').set(auth(KEYS.courier)).send(done)).status).toBe(403);
    const noRecord = await api().post('/callbacks/service').set(auth(REPAIR_KEY)).send({ ...done, serviceRecord: undefined });
    expect(noRecord.status).toBe(400);
    expect(noRecord.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await api().post('/callbacks/service').set(auth(REPAIR_KEY)).send({ ...done, event: 'rained_off' })).status).toBe(400);
    expect((await api().post('/callbacks/service').set(auth(REPAIR_KEY)).send({ ...done, caseId: 'case-nope' })).status).toBe(404);
    expect((await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body.status).toBe('service_booked');
    for (let i = 0; i < 2; i++) expect((await api().post('/callbacks/service').set(auth(REPAIR_KEY)).send(done)).status).toBe(202);
    let closed = { status: 'service_booked' } as { status: string; outcome?: string; facts?: Record<string, unknown>; audit?: Array<{ action: string; evidence?: unknown }> };
    for (let i = 0; i < 50 && closed.status !== 'closed'; i++) {
      closed = (await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body;
      if (closed.status !== 'closed') await new Promise((r) => setTimeout(r, 200));
    }
    expect(closed).toMatchObject({ status: 'closed', outcome: 'serviced', facts: { serviceRecord: 'descaled, seals replaced' } });
    expect(closed.audit!.filter((a) => a.action === 'service_completed')).toEqual([expect.objectContaining({ evidence: done.evidence })]);
    const doc = JSON.parse((await api().get('/openapi.json')).text);
    expect(doc.paths['/callbacks/service']).toBeDefined();
    expect(doc.components.schemas.ServiceCallback).toBeDefined();
  });
});
