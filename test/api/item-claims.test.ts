import request from 'supertest';
import { caseIdFor } from '../../api/cases';
import { CaseViewDoc } from '../../api/schemas';
import { DEV_API_KEYS } from '../../config/api-keys';
import { ApiHarness, caseInStatus, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const agentId = DEV_API_KEYS.find((k) => k.key === KEYS.agent)!.id;

/** A return of some items of a three-line order (kettle 259.00, four cups at 20.00, two lids at 5.00). */
function itemBody(items: unknown, kind: 'return' | 'exchange' = 'return') {
  const body = returnBody();
  return {
    ...body,
    order: {
      ...body.order,
      paidAmountCents: 34_900,
      items: [
        { sku: 'kettle-1', name: 'Kettle', quantity: 1, unitPriceCents: 25_900 },
        { sku: 'cup-1', name: 'Cup', quantity: 4, unitPriceCents: 2_000 },
        { sku: 'lid-1', name: 'Lid', quantity: 2, unitPriceCents: 500 },
      ],
    },
    details: { kind, reason: 'quality_defect', items },
  };
}

describe('item-level returns over the API', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  const api = () => request(h.app);

  it.each([
    ['an unknown sku', [{ sku: 'toaster-9', quantity: 1, reason: 'quality_defect' }], 'unknown_sku', ['body.details.items.0.sku']],
    [
      'more than bought',
      [
        { sku: 'kettle-1', quantity: 1, reason: 'quality_defect' },
        { sku: 'cup-1', quantity: 5, reason: 'quality_defect' },
      ],
      'quantity_exceeds_order',
      ['body.details.items.1.quantity'],
    ],
    [
      'a sku twice',
      [
        { sku: 'cup-1', quantity: 2, reason: 'quality_defect' },
        { sku: 'cup-1', quantity: 2, reason: 'wrong_item' },
      ],
      'duplicate_sku',
      ['body.details.items.1.sku'],
    ],
  ])('refuses %s with 422 naming the field, and opens nothing', async (_name, items, code, fields) => {
    const key = `items-bad-${code}-${Date.now()}`;
    const res = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', key).send(itemBody(items));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 422, code });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    expect((await api().get(`/cases/${caseIdFor(agentId, key)}`).set(auth(KEYS.agent))).status).toBe(404);
  });

  it('refuses a per-item reason outside the contract with 400', async () => {
    const res = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', `items-bad-reason-${Date.now()}`).send(itemBody([{ sku: 'cup-1', quantity: 1, reason: 'bored' }]));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.details.items.0.reason']);
  });

  it('inspects item by item, shows the refund lines, and honours start_refund.amountCents only within its bounds', async () => {
    const items = [
      { sku: 'kettle-1', quantity: 1, reason: 'quality_defect' },
      { sku: 'cup-1', quantity: 2, reason: 'damaged_in_transit' },
    ];
    const created = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', `items-ok-${Date.now()}`).send(itemBody(items));
    expect(created.status).toBe(201);
    expect(created.body.details.items).toEqual(items);
    const caseId = created.body.caseId as string;
    expect((await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'approve' })).status).toBe(200);
    expect((await api().post(`/cases/${caseId}/commands/ship-back`).set(auth(KEYS.agent)).send({ trackingNumber: 'SF-ITEMS-API' })).status).toBe(200);
    const delivered = { caseId, dedupKey: 'sf-items-1', trackingNumber: 'SF-ITEMS-API', event: 'delivered', at: new Date().toISOString() };
    expect((await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(delivered)).status).toBe(202);
    await caseInStatus(h, caseId, 'awaiting_inspection');

    const noEvidence = await api()
      .post(`/cases/${caseId}/commands/inspect`)
      .set(auth(KEYS['merchant-a']))
      .send({ result: 'accepted', findings: 'one cup chipped', items: [{ sku: 'cup-1', result: 'accepted', deductionCents: 500 }] });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.body.errors.map((e: { field: string }) => e.field)).toEqual([expect.stringMatching(/^body\.items\.0/)]);
    const unclaimed = await api()
      .post(`/cases/${caseId}/commands/inspect`)
      .set(auth(KEYS['merchant-a']))
      .send({ result: 'accepted', findings: 'checked', items: [{ sku: 'lid-1', result: 'accepted' }] });
    expect(unclaimed.status).toBe(422);
    expect(unclaimed.body).toMatchObject({ code: 'sku_not_claimed', errors: [expect.objectContaining({ field: 'body.items.0.sku' })] });

    const inspected = await api()
      .post(`/cases/${caseId}/commands/inspect`)
      .set(auth(KEYS['merchant-a']))
      .send({
        result: 'accepted',
        findings: 'kettle leaks; one cup chipped by use',
        items: [
          { sku: 'kettle-1', result: 'accepted' },
          { sku: 'cup-1', result: 'accepted', deductionCents: 500, findings: 'chipped by use', evidence: [{ kind: 'photo', uri: 'https://files.example/p/chip.jpg' }] },
        ],
      });
    expect(inspected.status).toBe(200);
    const due = await caseInStatus(h, caseId, 'refund_due');
    expect(due.refundLines.map((l: { kind: string; sku?: string; amountCents: number }) => [l.kind, l.sku, l.amountCents])).toEqual([
      ['item', 'kettle-1', 25_900],
      ['item', 'cup-1', 4_000],
      ['deduction', 'cup-1', -500],
    ]);
    expect(due.facts).toMatchObject({ refundAmountCents: 29_400, refundMaxCents: 29_900 });

    const above = await api().post(`/cases/${caseId}/commands/start-refund`).set(auth(KEYS['merchant-a'])).send({ amountCents: 34_900 });
    expect(above.status).toBe(422);
    expect(above.body).toMatchObject({ code: 'amount_out_of_bounds', errors: [expect.objectContaining({ field: 'body.amountCents' })] });
    const below = await api().post(`/cases/${caseId}/commands/start-refund`).set(auth(KEYS['merchant-a'])).send({ amountCents: 29_000 });
    expect(below.status).toBe(422);
    expect((await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body.facts.refundRequested).toBeUndefined();

    expect((await api().post(`/cases/${caseId}/commands/start-refund`).set(auth(KEYS['merchant-a'])).send({ amountCents: 29_900 })).status).toBe(200);
    const done = await caseInStatus(h, caseId, 'closed');
    expect(done.refunds).toEqual([expect.objectContaining({ amountCents: 29_900, status: 'succeeded' })]);
    expect(CaseViewDoc.safeParse(done).error?.issues ?? []).toEqual([]);
  });

  it('documents the items, the per-item inspection and the refund amount in the OpenAPI document', async () => {
    const doc = JSON.parse((await api().get('/openapi.json')).text);
    const text = JSON.stringify(doc);
    expect(doc.components.schemas.ClaimItem.properties).toHaveProperty('reason');
    expect(doc.components.schemas.RefundLine).toBeDefined();
    expect(text).toContain('amount_out_of_bounds');
    const inspect = doc.paths['/cases/{id}/commands/inspect'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(inspect)).toContain('deductionCents');
  });
});
