/**
 * Every refusal code docs/api.md's table documents (and every code the OpenAPI document's 4xx problem answers name) is
 * brought about in its situation through the API, against real servers, and answers with the documented status.
 */
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { ledgerModel, type LedgerEntryDocument } from '../../activities/store/ledger';
import { statementModel } from '../../activities/store/settlement';
import { previousPeriod, periodRange } from '../../workflows/contract/settlement';
import { DEV_API_KEYS } from '../../config/api-keys';
import { ApiHarness, caseInStatus, caseWhen, KEYS, returnBody, startApiHarness } from './harness';

type Res = request.Response;
const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const REPAIR_KEY = DEV_API_KEYS.find((k) => k.role === 'repair_provider')!.key;
const HOUR = 3_600_000;

/** The refusal-code table of docs/api.md: code → documented status. */
function documentedCodes(): Map<string, number> {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/api.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Refusal codes'), doc.indexOf('\n## ', doc.indexOf('## Refusal codes') + 1));
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)];
  return new Map(rows.map((m) => [m[1], Number(m[2])]));
}

/** Codes named in the OpenAPI document's 4xx problem answers. */
function openApiCodes(doc: { paths: Record<string, Record<string, { responses?: Record<string, { description?: string; content?: Record<string, unknown> }> }>> }): Set<string> {
  const codes = new Set<string>();
  for (const operations of Object.values(doc.paths)) {
    for (const operation of Object.values(operations)) {
      for (const [status, answer] of Object.entries(operation.responses ?? {})) {
        if (!/^4\d\d$/.test(status) || !answer.content?.['application/problem+json']) continue;
        for (const m of (answer.description ?? '').matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)) codes.add(m[0]);
      }
    }
  }
  return codes;
}

describe('every documented refusal code, in its situation', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });
  const api = () => request(h.app);
  let n = 0;
  const open = async (body: object, key = KEYS.customer): Promise<string> => {
    const res = await api().post('/cases').set(auth(key)).set('Idempotency-Key', `refusal-walk-${Date.now()}-${++n}`).send(body);
    expect(res.status).toBe(201);
    return res.body.caseId as string;
  };
  const command = (id: string, name: string, key: string, body: object = {}) => api().post(`/cases/${id}/commands/${name}`).set(auth(key)).send(body);
  const ok = async (res: Res | Promise<Res>, status = 200) => {
    const r = await res;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r;
  };

  /** A return awaiting the merchant's review. */
  const pendingReturn = async () => {
    const id = await open(returnBody());
    await caseInStatus(h, id, 'awaiting_merchant_review');
    return id;
  };
  /** A return the merchant rejected, taken to the platform by the customer. */
  const disputed = async () => {
    const id = await pendingReturn();
    await ok(command(id, 'merchant-review', KEYS['merchant-a'], { decision: 'reject', reason: 'no defect visible' }));
    await ok(command(id, 'request-intervention', KEYS.customer, { reason: 'the base leaks, see the photo' }));
    return id;
  };
  /** A dispute ruled; `until` holds of the case's view before it is answered (default: its appeal window is open). */
  const ruled = async (until = (v: { status: string; dispute?: { phase: string } }) => v.dispute?.phase === 'appeal_window') => {
    const id = await disputed();
    await ok(command(id, 'submit-evidence', KEYS.customer, { note: 'photo of the leak' }));
    await ok(command(id, 'submit-evidence', KEYS['merchant-a'], { note: 'our test report' }));
    await ok(command(id, 'rule-dispute', KEYS.supervisor, { responsibleParty: 'merchant', remedy: 'none', reasons: 'no defect shown' }));
    await caseWhen(h, id, until);
    return id;
  };
  /** Opens the next cases under a policy version of `policy`'s limits (activated for them, then the file's again). */
  let version = 0;
  const underPolicy = async <T>(policy: object, run: () => Promise<T>): Promise<T> => {
    const name = `walk-${Date.now()}-${++version}`;
    await ok(api().post('/admin/policies').set(auth(KEYS.admin)).send({ version: name, reason: 'refusal walk', policy }), 201);
    await ok(api().post(`/admin/policies/${name}/activate`).set(auth(KEYS.admin)).send({ reason: 'refusal walk' }));
    try {
      return await run();
    } finally {
      const plain = `${name}-plain`;
      await ok(api().post('/admin/policies').set(auth(KEYS.admin)).send({ version: plain, reason: 'refusal walk', policy: {} }), 201);
      await ok(api().post(`/admin/policies/${plain}/activate`).set(auth(KEYS.admin)).send({ reason: 'refusal walk' }));
    }
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const withItems = (items: object[]) => ({ ...returnBody(), details: { kind: 'return', reason: 'quality_defect', items } });
  const twoItems = () => {
    const body = returnBody();
    return { ...body, order: { ...body.order, paidAmountCents: 31_900, items: [...body.order.items, { sku: 'care-1', name: 'Descaling service', quantity: 1, unitPriceCents: 6_000 }] } };
  };

  // Settlement: last month's ledger for the courier and merchant-b, settled by hand.
  const period = previousPeriod(Date.now());
  const statementId = (party: string, partyId: string) => `statement-${period}-${party}-${partyId}`;
  let settled: Promise<void> | undefined;
  const settle = () =>
    (settled ??= (async () => {
      const { fromMs } = periodRange(period);
      const entry = (key: string, party: LedgerEntryDocument['party'], partyId: string): LedgerEntryDocument => ({ _id: `walk-${key}`, caseId: `case-walk-${key}`, party, partyId, amountCents: 500, currency: 'CNY', reason: `${party}_charge`, at: new Date(fromMs + HOUR), status: 'open' });
      // c3 is never answered: the courier's statement stays open (a statement with every line settled settles itself).
      await ledgerModel(h.store).insertMany([entry('c1', 'courier', 'courier'), entry('c2', 'courier', 'courier'), entry('c3', 'courier', 'courier'), entry('mb1', 'merchant', 'merchant-b')]);
      await ok(api().post('/settlement/periods').set(auth(KEYS.supervisor)).send({ period }));
      const until = Date.now() + 60_000;
      while ((await statementModel(h.store).countDocuments({ _id: { $in: [statementId('courier', 'courier'), statementId('merchant', 'merchant-b')] }, status: 'awaiting_party' })) < 2 && Date.now() < until) await sleep(250);
    })());
  const answer = (party: 'courier' | 'merchant-b', lines: object[]) =>
    api()
      .post(`/settlement/statements/${party === 'courier' ? statementId('courier', 'courier') : statementId('merchant', 'merchant-b')}/responses`)
      .set(auth(party === 'courier' ? KEYS.courier : KEYS['merchant-b']))
      .send({ lines });
  const decide = (key: string) => api().post(`/settlement/statements/${statementId('courier', 'courier')}/decisions`).set(auth(KEYS.supervisor)).send({ key, decision: 'uphold', note: 'the scan shows the damage' });

  const SITUATIONS: Record<string, () => Promise<Res>> = {
    validation_failed: () => api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-invalid').send({ channel: 'carrier-pigeon' }),
    range_too_large: async () => {
      const at = new Date(Date.UTC(2025, 0, 10));
      await ledgerModel(h.store).insertMany(Array.from({ length: 5_001 }, (_, i) => ({ _id: `walk-bulk-${i}`, caseId: `case-bulk-${i}`, party: 'warehouse', partyId: 'warehouse', amountCents: 1, currency: 'CNY', reason: 'missing_item', at, status: 'open' })));
      return api().get('/ledger?from=2025-01-01&to=2025-01-31&party=warehouse').set(auth(KEYS.supervisor));
    },
    unauthenticated: () => api().get('/cases'),
    forbidden: () => api().post('/cases').set(auth(KEYS.courier)).set('Idempotency-Key', 'refusal-walk-forbidden').send(returnBody()),
    role_not_allowed: async () => command(await pendingReturn(), 'inspect', KEYS.customer, { result: 'accepted', findings: 'mine' }),
    not_your_order: () => api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-order').send(returnBody({ customerId: 'customer-2' })),
    internal_for_staff: async () => api().post(`/cases/${await pendingReturn()}/messages`).set(auth(KEYS.customer)).send({ body: 'for staff', visibility: 'internal' }),
    not_your_statement: async () => {
      await settle();
      return api().post(`/settlement/statements/${statementId('courier', 'courier')}/responses`).set(auth(KEYS['merchant-a'])).send({ lines: [{ key: 'walk-c1', decision: 'confirm' }] });
    },
    case_not_found: () => api().get('/cases/case-000000000000000000000000').set(auth(KEYS.agent)),
    policy_not_found: () => api().get('/admin/policies/no-such-version').set(auth(KEYS.admin)),
    calendar_year_not_found: () => api().post('/admin/calendars/2099/apply').set(auth(KEYS.admin)).send({ reason: 'a year no one added' }),
    statement_not_found: () => api().get('/settlement/statements/statement-1999-01-courier-courier').set(auth(KEYS.supervisor)),
    unknown_party: () => api().get('/settlement/statements?party=merchant&partyId=merchant-zz').set(auth(KEYS.supervisor)),
    // The example: a customer asking for intervention while the merchant's review is pending is "not yet".
    invalid_transition: async () => {
      const res = await command(await pendingReturn(), 'request-intervention', KEYS.customer, { reason: 'too early' });
      expect(res.body).toMatchObject({ caseStatus: 'awaiting_merchant_review', possibleWhen: expect.arrayContaining(['closed']) });
      return res;
    },
    case_closed: async () => {
      const id = await pendingReturn();
      await caseWhen(h, id, () => true);
      await h.temporal.workflow.getHandle(id).terminate('refusal walk: the case has ended');
      return command(id, 'merchant-review', KEYS['merchant-a'], { decision: 'approve' });
    },
    case_open: async () => api().post(`/cases/${await pendingReturn()}/complaints`).set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-complaint').send({ description: 'too slow' }),
    idempotency_key_reused: async () => {
      await ok(api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-reused').send(returnBody()), 201);
      return api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-reused').send(returnBody({ description: 'another body' }));
    },
    policy_version_exists: async () => {
      const body = { version: `walk-exists-${Date.now()}`, reason: 'refusal walk', policy: {} };
      await ok(api().post('/admin/policies').set(auth(KEYS.admin)).send(body), 201);
      return api().post('/admin/policies').set(auth(KEYS.admin)).send(body);
    },
    statement_not_open: async () => {
      await settle();
      await ok(answer('merchant-b', [{ key: 'walk-mb1', decision: 'confirm' }]));
      const until = Date.now() + 60_000;
      while ((await statementModel(h.store).findById(statementId('merchant', 'merchant-b')).lean().exec())?.status !== 'settled' && Date.now() < until) await sleep(250);
      return answer('merchant-b', [{ key: 'walk-mb1', decision: 'confirm' }]);
    },
    attachment_too_large: async () => api().post(`/cases/${await pendingReturn()}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'video/mp4').send(Buffer.alloc(10 * 1024 * 1024 + 1)),
    body_too_large: () => api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-large').send({ ...returnBody(), description: 'x'.repeat(300_000) }),
    unsupported_media_type: async () => api().post(`/cases/${await pendingReturn()}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'application/x-msdownload').send(Buffer.from('MZ')),
    unknown_company: () => {
      const body = returnBody();
      return api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-company').send({ ...body, order: { ...body.order, courierId: 'no-such-courier' } });
    },
    unknown_sku: () => api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-sku').send(withItems([{ sku: 'toaster-9', quantity: 1, reason: 'quality_defect' }])),
    duplicate_sku: () =>
      api()
        .post('/cases')
        .set(auth(KEYS.customer))
        .set('Idempotency-Key', 'refusal-walk-dup')
        .send(withItems([{ sku: 'kettle-1', quantity: 1, reason: 'quality_defect' }, { sku: 'kettle-1', quantity: 1, reason: 'quality_defect' }])),
    quantity_exceeds_order: () => api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-qty').send(withItems([{ sku: 'kettle-1', quantity: 2, reason: 'quality_defect' }])),
    no_warranty_info: () => {
      const body = returnBody();
      return api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'refusal-walk-warranty').send({ ...body, order: { ...body.order, category: 'garden' }, details: { kind: 'repair', sku: 'kettle-1', fault: 'no heat' } });
    },
    unknown_attachment: async () => api().post(`/cases/${await pendingReturn()}/messages`).set(auth(KEYS.customer)).send({ body: 'see photo', attachments: ['1'.repeat(64)] }),
    already_requested: async () => command(await disputed(), 'request-intervention', KEYS['merchant-a'], { reason: 'we ask too' }),
    intervention_window_passed: () =>
      underPolicy({ interventionWindow: { minutes: 0.05 } }, async () => {
        const id = await pendingReturn();
        await ok(command(id, 'merchant-review', KEYS['merchant-a'], { decision: 'reject', reason: 'no defect visible' }));
        await sleep(4_000);
        return command(id, 'request-intervention', KEYS.customer, { reason: 'late' });
      }),
    tracking_number_required: async () => command(await disputed(), 'request-info', KEYS.supervisor, { party: 'courier', request: 'the handover record' }),
    evidence_open: async () => command(await disputed(), 'rule-dispute', KEYS.supervisor, { responsibleParty: 'merchant', remedy: 'none', reasons: 'too early' }),
    same_reviewer: async () => {
      const id = await ruled();
      await ok(command(id, 'appeal-ruling', KEYS.customer, { reason: 'the video shows the leak' }));
      return command(id, 'rule-appeal', KEYS.supervisor, { responsibleParty: 'merchant', remedy: 'none', reasons: 'me again' });
    },
    already_appealed: async () => {
      const id = await ruled();
      await ok(command(id, 'appeal-ruling', KEYS.customer, { reason: 'the video shows the leak' }));
      return command(id, 'appeal-ruling', KEYS.customer, { reason: 'again' });
    },
    appeal_window_closed: () =>
      underPolicy({ appealWindow: { minutes: 0.05 } }, async () => {
        // The window (3 s) lapses: the ruling is final and the case leaves the dispute.
        const id = await ruled((v) => v.status !== 'in_dispute');
        return command(id, 'appeal-ruling', KEYS.customer, { reason: 'too late' });
      }),
    amount_out_of_bounds: async () => {
      const id = await pendingReturn();
      await ok(command(id, 'merchant-review', KEYS['merchant-a'], { decision: 'approve', returnAddress: 'Returns desk' }));
      await ok(command(id, 'ship-back', KEYS.customer, { trackingNumber: `SF-WALK-${id}` }));
      await ok(api().post('/callbacks/courier').set(auth(KEYS.courier)).send({ caseId: id, dedupKey: `walk-${id}`, trackingNumber: `SF-WALK-${id}`, event: 'delivered', at: new Date().toISOString() }), 202);
      await caseInStatus(h, id, 'awaiting_inspection');
      await ok(command(id, 'inspect', KEYS['merchant-a'], { result: 'accepted', findings: 'leak confirmed' }));
      await caseInStatus(h, id, 'refund_due');
      return command(id, 'start-refund', KEYS['merchant-a'], { amountCents: 99_999_999 });
    },
    items_not_applicable: async () => {
      const body = returnBody();
      const id = await open({ ...body, details: { kind: 'repair', sku: 'kettle-1', fault: 'no heat' } });
      await caseInStatus(h, id, 'awaiting_collection');
      await ok(command(id, 'drop-off', KEYS.customer, { location: 'Service point, 3 Harbour Rd' }));
      const dispatched = await caseWhen<{ status: string; facts: Record<string, unknown> }>(h, id, (v) => v.facts.repairOrderId !== undefined);
      const repairOrderId = dispatched.facts.repairOrderId as string;
      await ok(api().post('/callbacks/repair').set(auth(REPAIR_KEY)).send({ caseId: id, dedupKey: `${id}-unrepairable`, repairOrderId, event: 'unrepairable' }), 202);
      await caseInStatus(h, id, 'awaiting_repair_remedy');
      await ok(command(id, 'choose-repair-remedy', KEYS.customer, { remedy: 'return_refund' }));
      await caseInStatus(h, id, 'awaiting_return_shipment');
      await ok(command(id, 'ship-back', KEYS.customer, { trackingNumber: `SF-RP-${id}` }));
      await ok(api().post('/callbacks/courier').set(auth(KEYS.courier)).send({ caseId: id, dedupKey: `walk-rp-${id}`, trackingNumber: `SF-RP-${id}`, event: 'delivered', at: new Date().toISOString() }), 202);
      await caseInStatus(h, id, 'awaiting_inspection');
      return command(id, 'inspect', KEYS['merchant-a'], { result: 'accepted', findings: 'as described', items: [{ sku: 'kettle-1', result: 'accepted' }] });
    },
    slot_in_past: async () => {
      const body = twoItems();
      const id = await open({ ...body, details: { kind: 'maintenance', packageSku: 'care-1' } });
      await caseWhen(h, id, () => true);
      return command(id, 'book-service', KEYS.customer, { slotAt: Date.now() - 60_000 });
    },
    reschedule_limit_reached: async () => {
      const body = twoItems();
      const id = await open({ ...body, details: { kind: 'maintenance', packageSku: 'care-1' } });
      await caseWhen(h, id, () => true);
      await ok(command(id, 'book-service', KEYS.customer, { slotAt: Date.now() + 3 * 24 * HOUR }));
      for (let i = 1; i <= 2; i++) await ok(command(id, 'reschedule-service', KEYS.customer, { slotAt: Date.now() + (3 + i) * 24 * HOUR }));
      return command(id, 'reschedule-service', KEYS.customer, { slotAt: Date.now() + 9 * 24 * HOUR });
    },
    period_not_closed: () => api().post('/settlement/periods').set(auth(KEYS.admin)).send({ period: new Date().toISOString().slice(0, 7) }),
    unknown_line: async () => {
      await settle();
      return answer('courier', [{ key: 'walk-nope', decision: 'confirm' }]);
    },
    duplicate_line: async () => {
      await settle();
      return answer('courier', [
        { key: 'walk-c2', decision: 'dispute', reason: 'not ours' },
        { key: 'walk-c2', decision: 'confirm' },
      ]);
    },
    line_already_answered: async () => {
      await settle();
      await ok(answer('courier', [{ key: 'walk-c1', decision: 'confirm' }]));
      return answer('courier', [{ key: 'walk-c1', decision: 'confirm' }]);
    },
    line_not_disputed: async () => {
      await settle();
      const answered = await answer('courier', [{ key: 'walk-c1', decision: 'confirm' }]);
      expect([200, 422]).toContain(answered.status);
      return decide('walk-c1');
    },
    line_already_decided: async () => {
      await settle();
      await ok(answer('courier', [{ key: 'walk-c2', decision: 'dispute', reason: 'the parcel left us intact' }]));
      await ok(decide('walk-c2'));
      return decide('walk-c2');
    },
    not_sampled: async () => api().post('/qa/reviews').set(auth(KEYS.supervisor)).send({ caseId: await pendingReturn(), score: 50, findings: 'looked at it', mishandled: false }),
    not_mishandled: async () => api().post('/qa/reopenings').set(auth(KEYS.supervisor)).send({ caseId: await pendingReturn(), reason: 'reopen it' }),
  };

  it('documents every code the OpenAPI document names in docs/api.md’s table, and has a situation for each', async () => {
    const table = documentedCodes();
    const doc = (await api().get('/openapi.json')).body;
    expect([...openApiCodes(doc)].filter((code) => !table.has(code)).sort()).toEqual([]);
    expect(Object.keys(SITUATIONS).sort()).toEqual([...table.keys()].sort());
  });

  it.each([...documentedCodes()])('%s (%i) comes in its situation', async (code, status) => {
    const res = await SITUATIONS[code]();
    expect({ status: res.status, code: res.body?.code, type: res.headers['content-type'] }).toEqual({ status, code, type: expect.stringMatching(/^application\/problem\+json/) });
  }, 120_000);
});
