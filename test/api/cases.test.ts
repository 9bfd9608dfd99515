import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { CaseViewDoc } from '../../api/schemas';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { freePort } from '../../scripts/servers/process';
import { ApiHarness, caseInStatus, KEYS, returnBody, startApiHarness } from './harness';
import { seedCases, type SeedCase } from './seed';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('case API against Temporal, FerretDB, the sandbox and a real worker', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  const api = () => request(h.app);

  async function create(key: string, idemKey: string, body: object = returnBody()) {
    return api().post('/cases').set(auth(key)).set('Idempotency-Key', idemKey).send(body);
  }

  describe('opening a case', () => {
    it('creates once per Idempotency-Key, replays with 200, and refuses the key with another body', async () => {
      const body = returnBody();
      const first = await create(KEYS.agent, 'create-key-0001', body);
      expect(first.status).toBe(201);
      expect(first.headers.location).toBe(`/cases/${first.body.caseId}`);
      expect(first.body).toMatchObject({ kind: 'return', details: { kind: 'return', reason: 'quality_defect' } });

      const replay = await create(KEYS.agent, 'create-key-0001', body);
      expect(replay.status).toBe(200);
      expect(replay.body.caseId).toBe(first.body.caseId);
      expect(replay.headers['idempotent-replayed']).toBe('true');

      const reused = await create(KEYS.agent, 'create-key-0001', { ...body, description: 'something else' });
      expect(reused.status).toBe(409);
      expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reused.body.code).toBe('idempotency_key_reused');
    });

    it('opens one case when the same request arrives several times at once', async () => {
      const body = returnBody({ description: 'Sent five times by a retrying client.' });
      const answers = await Promise.all(Array.from({ length: 5 }, () => create(KEYS.agent, 'create-key-race-0001', body)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(answers.filter((a) => a.status === 200).every((a) => a.headers['idempotent-replayed'] === 'true')).toBe(true);
      expect(new Set(answers.map((a) => a.body.caseId)).size).toBe(1);
      const audit = await api().get(`/cases/${answers[0].body.caseId}/audit`).set(auth(KEYS.agent));
      expect(audit.body.audit.filter((a: { action: string }) => a.action === 'submitted_for_merchant_review')).toHaveLength(1);
    });

    it('requires the Idempotency-Key header', async () => {
      const res = await api().post('/cases').set(auth(KEYS.agent)).send(returnBody());
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'header.Idempotency-Key' })]);
    });

    it('answers 400 naming the failing and unknown fields', async () => {
      const bad = { ...returnBody(), details: { kind: 'return', reason: 'bored' }, extra: 1 };
      const res = await create(KEYS.agent, 'create-key-bad-1', bad);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['body.details.reason', 'body.extra']));
      expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('answers 400 on malformed JSON and on an operator object in a string field', async () => {
      const malformed = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'create-key-bad-2').set('Content-Type', 'application/json').send('{"channel":');
      expect(malformed.status).toBe(400);
      const injected = await create(KEYS.agent, 'create-key-bad-3', { ...returnBody(), description: { $gt: '' } });
      expect(injected.status).toBe(400);
      expect(injected.body.errors[0].field).toBe('body.description');
    });

    it('401 without or with an unknown key, 403 for a role that may not open cases', async () => {
      expect((await api().post('/cases').set('Idempotency-Key', 'create-key-auth1').send(returnBody())).status).toBe(401);
      expect((await create('not-a-real-key-123', 'create-key-auth2')).status).toBe(401);
      const res = await create(KEYS.courier, 'create-key-auth3');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
    });
  });

  describe('a return from open to refund', () => {
    let caseId: string;
    beforeAll(async () => {
      const res = await api().post('/cases').set('X-API-Key', KEYS.agent).set('Idempotency-Key', 'walkthrough-0001').send(returnBody());
      expect(res.status).toBe(201);
      caseId = res.body.caseId;
      await caseInStatus(h, caseId, 'awaiting_merchant_review');
    });

    it('reads the case, masking contact data for merchants; partner systems see only cases they take part in', async () => {
      const agent = await api().get(`/cases/${caseId}`).set(auth(KEYS.agent));
      expect(agent.status).toBe(200);
      expect(agent.body.customer.phone).toBe('+86 138 0013 8000');
      const merchant = await api().get(`/cases/${caseId}`).set(auth(KEYS['merchant-a']));
      expect(merchant.status).toBe(200);
      expect(merchant.body.customer.phone).not.toContain('0013');
      expect(merchant.body.customer.email).toBe('l***@example.com');
      // Nothing is on its way yet, no refund issued, no weight checked: the courier, payment and warehouse keys see nothing.
      for (const key of [KEYS.courier, KEYS.payment, KEYS.warehouse]) expect((await api().get(`/cases/${caseId}`).set(auth(key))).status).toBe(404);
    });

    it("answers 404 for another merchant's case, on reads and on commands", async () => {
      expect((await api().get(`/cases/${caseId}`).set(auth(KEYS['merchant-b']))).status).toBe(404);
      expect((await api().get(`/cases/${caseId}/clocks`).set(auth(KEYS['merchant-b']))).status).toBe(404);
      const cmd = await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS['merchant-b'])).send({ decision: 'approve' });
      expect(cmd.status).toBe(404);
      expect(cmd.body.code).toBe('case_not_found');
    });

    it('404 for an unknown case, 400 for a malformed id', async () => {
      expect((await api().get('/cases/case-000000000000000000000000').set(auth(KEYS.agent))).status).toBe(404);
      const bad = await api().get('/cases/%24where').set(auth(KEYS.agent));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('path.id');
    });

    it('lists the actions the role may take, reads clocks and audit', async () => {
      const actions = await api().get(`/cases/${caseId}/actions`).set(auth(KEYS['merchant-a']));
      expect(actions.status).toBe(200);
      expect(actions.body.actions).toContain('merchant_review');
      const clocks = await api().get(`/cases/${caseId}/clocks`).set(auth(KEYS.agent));
      expect(clocks.status).toBe(200);
      expect(clocks.body.clocks.map((c: { name: string }) => c.name)).toContain('merchant_review');
      const audit = await api().get(`/cases/${caseId}/audit`).set(auth(KEYS.supervisor));
      expect(audit.status).toBe(200);
      expect(audit.body.audit.length).toBeGreaterThan(0);
      expect((await api().get(`/cases/${caseId}/audit`).set(auth(KEYS.courier))).status).toBe(403);
    });

    it('refuses an invalid transition with 409, a role the step does not allow with 403, a bad body with 400', async () => {
      const early = await api().post(`/cases/${caseId}/commands/ship-back`).set(auth(KEYS.agent)).send({ trackingNumber: 'SF1' });
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('invalid_transition');
      expect(early.body.detail).toMatch(/ship_back/);
      const wrongRole = await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS.agent)).send({ decision: 'approve' });
      expect(wrongRole.status).toBe(403);
      expect(wrongRole.body.code).toBe('role_not_allowed');
      const routeRole = await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS.payment)).send({ decision: 'approve' });
      expect(routeRole.status).toBe(403);
      const badBody = await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'maybe', actor: { id: 'x', role: 'admin' } });
      expect(badBody.status).toBe(400);
      expect(badBody.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.decision', 'body.actor']));
    });

    it('runs merchant review → ship back → courier delivery → inspection → refund', async () => {
      const review = await api().post(`/cases/${caseId}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'approve' });
      expect(review.status).toBe(200);
      expect(review.body.status).toBe('awaiting_return_shipment');
      expect(review.body.customer.phone).not.toContain('0013');

      const shipped = await api().post(`/cases/${caseId}/commands/ship-back`).set(auth(KEYS.agent)).send({ trackingNumber: 'SF1234567890', carrier: 'SF' });
      expect(shipped.status).toBe(200);
      expect(shipped.body.status).toBe('return_in_transit');

      const delivered = { caseId, dedupKey: 'sf-evt-1', trackingNumber: 'SF1234567890', event: 'delivered', at: new Date().toISOString() };
      const cb = await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(delivered);
      expect(cb.status).toBe(202);
      expect((await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(delivered)).status).toBe(202);
      expect((await api().post('/callbacks/courier').set(auth(KEYS.payment)).send(delivered)).status).toBe(403);
      await caseInStatus(h, caseId, 'awaiting_inspection');

      const inspected = await api().post(`/cases/${caseId}/commands/inspect`).set(auth(KEYS['merchant-a'])).send({ result: 'accepted', findings: 'leak confirmed' });
      expect(inspected.status).toBe(200);
      await caseInStatus(h, caseId, 'refund_due');
      const refund = await api().post(`/cases/${caseId}/commands/start-refund`).set(auth(KEYS['merchant-a'])).send({});
      expect(refund.status).toBe(200);
      const done = await caseInStatus(h, caseId, 'closed');
      expect(done.outcome).toBe('refunded');
      expect(done.refunds[0]).toMatchObject({ status: 'succeeded', amountCents: 25900 });
      // The OpenAPI document's CaseView describes what the API really answers.
      expect(CaseViewDoc.safeParse(done).error?.issues ?? []).toEqual([]);

      const pay = await api().post('/callbacks/payment').set(auth(KEYS.payment)).send({ caseId, dedupKey: 'pay-1', refundId: done.refunds[0].refundId ?? 'rf-x', status: 'succeeded' });
      expect(pay.status).toBe(202);

      // Partner systems now take part: each reads the case and the order, never the audit, facts, charges or contacts.
      const courier = await api().get(`/cases/${caseId}`).set(auth(KEYS.courier));
      expect(courier.status).toBe(200);
      expect(Object.keys(courier.body).sort()).toEqual(['caseId', 'closedAt', 'kind', 'lastTransitionAt', 'openedAt', 'order', 'returnTrackingNumber', 'status']);
      const payment = await api().get(`/cases/${caseId}`).set(auth(KEYS.payment));
      expect(payment.status).toBe(200);
      expect(payment.body.refunds).toEqual([expect.objectContaining({ refundId: done.refunds[0].refundId })]);
      expect(payment.body).not.toHaveProperty('audit');
      expect(payment.body).not.toHaveProperty('customer');
      expect((await api().get(`/cases/${caseId}`).set(auth(KEYS.warehouse))).status).toBe(404);
      expect((await api().get(`/cases/${caseId}/audit`).set(auth(KEYS.courier))).status).toBe(403);
    });

    it('answers 404 to a callback for an unknown case and 400 to a bad one', async () => {
      const unknown = await api().post('/callbacks/payment').set(auth(KEYS.payment)).send({ caseId: 'case-nope', dedupKey: 'p-2', refundId: 'rf-1', status: 'succeeded' });
      expect(unknown.status).toBe(404);
      const bad = await api().post('/callbacks/courier').set(auth(KEYS.courier)).send({ caseId, dedupKey: 'x', event: 'teleported', at: 'yesterday' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.event']));
    });
  });

  describe('a refund the payment partner refuses (the sandbox caps the order)', () => {
    async function waitForView(caseId: string, holds: (view: { facts?: Record<string, unknown> }) => boolean, what: string, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const res = await api().get(`/cases/${caseId}`).set(auth(KEYS.supervisor));
        if (res.status === 200 && holds(res.body)) return res.body;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`case ${caseId}: ${what} never held`);
    }

    it('flags the case for the platform and lists it as stuck; a supervisor retries it with the refundable amount', async () => {
      const created = await create(KEYS.agent, 'refund-refused-0001', returnBody({ description: 'The kettle leaks; part of the order was refunded before.' }));
      expect(created.status).toBe(201);
      const { caseId } = created.body;
      const cap = await fetch(`${h.sandboxUrl}/_control/refund-caps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: created.body.order.orderId, capCents: 15_900 }) });
      expect(cap.status).toBe(201);
      const command = (name: string, key: string, body: object) => api().post(`/cases/${caseId}/commands/${name}`).set(auth(key)).send(body);

      await caseInStatus(h, caseId, 'awaiting_merchant_review');
      const nothingBlocked = await command('resolve-blocked-refund', KEYS.supervisor, { resolution: 'retry' });
      expect([nothingBlocked.status, nothingBlocked.body.code]).toEqual([409, 'invalid_transition']);
      expect((await command('merchant-review', KEYS['merchant-a'], { decision: 'approve' })).status).toBe(200);
      expect((await command('ship-back', KEYS.agent, { trackingNumber: 'SF5550001' })).status).toBe(200);
      const delivered = { caseId, dedupKey: 'sf-cap-1', trackingNumber: 'SF5550001', event: 'delivered', at: new Date().toISOString() };
      expect((await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(delivered)).status).toBe(202);
      await caseInStatus(h, caseId, 'awaiting_inspection');
      expect((await command('inspect', KEYS['merchant-a'], { result: 'accepted', findings: 'leak confirmed' })).status).toBe(200);
      await caseInStatus(h, caseId, 'refund_due');
      expect((await command('start-refund', KEYS['merchant-a'], {})).status).toBe(200);

      const blocked = await waitForView(caseId, (v) => v.facts?.refundBlocked === true, 'refund blocked');
      expect(blocked).toMatchObject({ status: 'refund_due', escalated: true });
      expect(blocked.refunds).toEqual([expect.objectContaining({ status: 'failed', amountCents: 25_900, idempotencyKey: `${caseId}:refund:1` })]);
      expect(blocked.audit.find((a: { action: string }) => a.action === 'refund_refused')?.data).toMatchObject({ failureType: 'RefundRefused', amountCents: 25_900 });

      // The supervisors' stuck-case view shows it, whatever its deadlines.
      let stuck: { caseId: string; reasons: string[]; refundBlocked: boolean } | undefined;
      for (let i = 0; i < 100 && !stuck; i++) {
        const res = await api().get('/supervisor/stuck-cases').query({ merchantId: 'merchant-a' }).set(auth(KEYS.supervisor));
        expect(res.status).toBe(200);
        stuck = res.body.items.find((item: { caseId: string }) => item.caseId === caseId);
        if (!stuck) await new Promise((r) => setTimeout(r, 200));
      }
      expect(stuck).toMatchObject({ reasons: ['refund_blocked'], refundBlocked: true, escalated: true });

      // Only supervisors and admins reach the route; the body is checked field by field; the workflow checks the amount.
      for (const key of [KEYS.agent, KEYS['senior-agent'], KEYS['merchant-a'], KEYS.customer]) expect((await command('resolve-blocked-refund', key, { resolution: 'retry' })).status).toBe(403);
      const noReference = await command('resolve-blocked-refund', KEYS.supervisor, { resolution: 'settled_offline' });
      expect(noReference.status).toBe(400);
      expect(noReference.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.reference']);
      const badAmount = await command('resolve-blocked-refund', KEYS.supervisor, { resolution: 'retry', amountCents: 0, extra: 1 });
      expect(badAmount.status).toBe(400);
      expect(badAmount.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.amountCents', 'body.extra']));
      const tooMuch = await command('resolve-blocked-refund', KEYS.admin, { resolution: 'retry', amountCents: 30_000 });
      expect([tooMuch.status, tooMuch.body.code]).toEqual([422, 'invalid_amount']);

      const retried = await command('resolve-blocked-refund', KEYS.supervisor, { resolution: 'retry', amountCents: 15_900, reason: 'only 159.00 is refundable on the order' });
      expect(retried.status).toBe(200);
      expect(retried.body.refunds[1]).toMatchObject({ idempotencyKey: `${caseId}:refund:2`, amountCents: 15_900 });
      const closed = await caseInStatus(h, caseId, 'closed');
      expect(closed.outcome).toBe('refunded');
      expect(closed.refunds.filter((r: { status: string }) => r.status === 'succeeded')).toEqual([expect.objectContaining({ amountCents: 15_900 })]);
      const ledger = (await (await fetch(`${h.sandboxUrl}/_control/refunds?caseId=${caseId}`)).json()) as { refunds: Array<{ amountCents: number }> };
      expect(ledger.refunds.map((r) => r.amountCents)).toEqual([15_900]);
      const late = await command('resolve-blocked-refund', KEYS.supervisor, { resolution: 'retry' });
      expect([late.status, late.body.code]).toEqual([409, 'invalid_transition']);
    });
  });

  describe('a remedy proposal naming items (damaged in transit)', () => {
    let caseId: string;
    beforeAll(async () => {
      const body = { ...returnBody(), details: { kind: 'return', reason: 'damaged_in_transit', outerPackageDamaged: true } };
      const res = await create(KEYS.agent, 'remedy-items-0001', body);
      expect(res.status).toBe(201);
      caseId = res.body.caseId;
      await caseInStatus(h, caseId, 'awaiting_remedy_agreement');
    });

    it('answers 400 naming the failing item fields, and passes a valid proposal with its items to the workflow', async () => {
      const propose = (body: object) => api().post(`/cases/${caseId}/commands/propose-remedy`).set(auth(KEYS.agent)).send(body);
      const remedy = { remedy: 'reship_part', description: 'reship the cracked kettle' };
      const bad = await propose({ ...remedy, items: [{ sku: '', quantity: 0 }, { sku: 'kettle-1', quantity: 1.5, colour: 'red' }, { sku: 'x'.repeat(101), quantity: 1001 }] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['body.items.0.sku', 'body.items.0.quantity', 'body.items.1.quantity', 'body.items.1.colour', 'body.items.2.sku', 'body.items.2.quantity']),
      );
      const tooMany = await propose({ ...remedy, items: Array.from({ length: 51 }, () => ({ sku: 'kettle-1', quantity: 1 })) });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.items']);

      const ok = await propose({ ...remedy, items: [{ sku: 'kettle-1', quantity: 1 }] });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body.facts.pendingRemedy)).toMatchObject({ remedy: 'reship_part', items: [{ sku: 'kettle-1', quantity: 1 }] });
      expect(ok.body.audit.find((a: { action: string }) => a.action === 'remedy_proposed')?.data).toMatchObject({ items: [{ sku: 'kettle-1', quantity: 1 }] });
    });
  });

  describe('supervisor commands and bulk assignment', () => {
    let caseId: string;
    beforeAll(async () => {
      caseId = (await create(KEYS.agent, 'supervisor-cmd-0001')).body.caseId;
      await caseInStatus(h, caseId, 'awaiting_merchant_review');
    });
    const command = (name: string, key: string, body: object) => api().post(`/cases/${caseId}/commands/${name}`).set(auth(key)).send(body);

    it('extends a deadline with a reason, audited; 400 without a reason, 403 for an agent, 422 for an unknown clock', async () => {
      const before = (await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body;
      const review = before.clocks.find((c: { name: string }) => c.name === 'merchant_review');
      const noReason = await command('extend-deadline', KEYS.supervisor, { clock: 'merchant_review', by: { hours: 24 } });
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'body.reason' })]);
      expect((await command('extend-deadline', KEYS.agent, { clock: 'merchant_review', by: { hours: 24 }, reason: 'x' })).status).toBe(403);
      const unknown = await command('extend-deadline', KEYS.supervisor, { clock: 'nope', by: { hours: 24 }, reason: 'x' });
      expect(unknown.status).toBe(422);
      expect(unknown.body.code).toBe('unknown_clock');
      const extended = await command('extend-deadline', KEYS.supervisor, { clock: 'merchant_review', by: { hours: 24 }, reason: 'merchant on holiday' });
      expect(extended.status).toBe(200);
      expect(extended.body.clocks.find((c: { name: string }) => c.name === 'merchant_review').deadline).toBe(review.deadline + 24 * 3_600_000);
      const audit = (await api().get(`/cases/${caseId}/audit`).set(auth(KEYS.supervisor))).body.audit;
      expect(audit.at(-1)).toMatchObject({ action: 'sla_extended', reason: 'merchant on holiday', actor: { role: 'supervisor' } });
      const noted = await command('add-note', KEYS.agent, { note: 'called the merchant', reason: 'follow-up' });
      expect(noted.status).toBe(200);
      expect(noted.body.audit.at(-1)).toMatchObject({ action: 'note_added', data: { note: 'called the merchant' } });
    });

    it('answers a command retried with the same Idempotency-Key with its first answer, not a refusal', async () => {
      const other = (await create(KEYS.agent, 'supervisor-cmd-0002')).body.caseId;
      await caseInStatus(h, other, 'awaiting_merchant_review');
      const approve = () => api().post(`/cases/${other}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).set('Idempotency-Key', 'review-retry-0001').send({ decision: 'approve' });
      const first = await approve();
      expect(first.status).toBe(200);
      const retry = await approve();
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      // Without the key the same command is a second command, which the case refuses.
      const again = await api().post(`/cases/${other}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'approve' });
      expect(again.status).toBe(409);
      const audit = (await api().get(`/cases/${other}/audit`).set(auth(KEYS.agent))).body.audit;
      expect(audit.filter((a: { action: string }) => a.action === 'merchant_approved')).toHaveLength(1);
    });

    it('assigns many cases at once with one result per case', async () => {
      const res = await api().post('/supervisor/bulk-assign').set(auth(KEYS.supervisor)).send({ caseIds: [caseId, 'case-000000000000000000000000'], agentId: 'agent-9', reason: 'rebalancing' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ assigned: 1, failed: 1 });
      expect(res.body.results).toEqual([
        { caseId, outcome: 'assigned', status: 'awaiting_merchant_review' },
        { caseId: 'case-000000000000000000000000', outcome: 'failed', error: expect.objectContaining({ status: 404, code: 'case_not_found' }) },
      ]);
      expect((await api().get(`/cases/${caseId}`).set(auth(KEYS.agent))).body.assignedAgentId).toBe('agent-9');
      const bad = await api().post('/supervisor/bulk-assign').set(auth(KEYS.supervisor)).send({ caseIds: [], agentId: 'agent-9' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.caseIds', 'body.reason']);
      expect((await api().post('/supervisor/bulk-assign').set(auth(KEYS.agent)).send({ caseIds: [caseId], agentId: 'a', reason: 'r' })).status).toBe(403);
    });
  });

  describe('store reads: list, stuck cases, counts', () => {
    const hour = 3_600_000;
    const base = Date.UTC(2026, 0, 10, 8, 0, 0);
    const now = Date.now();
    function seed(n: number, extra: Partial<SeedCase>): SeedCase {
      return {
        id: `seed-${String(n).padStart(2, '0')}`,
        merchantId: 'seed-m1',
        customerId: 'seed-c1',
        openedAt: base + n * hour,
        lastTransitionAt: now - hour,
        ...extra,
      };
    }
    // Deadlines, owing parties and flags come from the clocks, as the worker's projection derives them.
    const seeds = [
      seed(1, { clocks: [{ name: 'merchant_review', owner: 'merchant', deadline: now - hour, status: 'breached' }] }),
      seed(2, { status: 'awaiting_return_shipment', clocks: [{ name: 'ship_back', owner: 'customer', deadline: now + hour }] }),
      seed(3, { lastTransitionAt: now - 72 * hour, clocks: [{ name: 'merchant_review', owner: 'merchant', deadline: now + 48 * hour }] }),
      seed(4, { kind: 'exchange', merchantId: 'seed-m2', escalations: [{ to: 'platform', at: now - 2 * hour }] }),
      // Closed: a closed case owes nothing, so its summary has no next deadline any more.
      seed(5, { status: 'refunded', closedAt: now - hour, clocks: [{ name: 'refund_start', owner: 'merchant', deadline: now - hour, status: 'satisfied', satisfiedAt: now - 2 * hour }] }),
      seed(6, { agentId: 'seed-agent', clocks: [{ name: 'merchant_review', owner: 'merchant', deadline: now + 96 * hour }] }),
    ];
    beforeAll(async () => {
      await seedCases(h.store, seeds);
    });

    it('filters by merchant, kind, status, agent, flags, created range and next deadline', async () => {
      const ids = async (query: Record<string, string>, key = KEYS.agent) => {
        const res = await api().get('/cases').query(query).set(auth(key));
        expect(res.status).toBe(200);
        return res.body.items.map((i: { caseId: string }) => i.caseId).sort();
      };
      expect(await ids({ merchantId: 'seed-m1' })).toEqual(['seed-01', 'seed-02', 'seed-03', 'seed-05', 'seed-06']);
      expect(await ids({ kind: 'exchange', customerId: 'seed-c1' })).toEqual(['seed-04']);
      expect(await ids({ status: 'awaiting_return_shipment', merchantId: 'seed-m1' })).toEqual(['seed-02']);
      expect(await ids({ agentId: 'seed-agent' })).toEqual(['seed-06']);
      expect(await ids({ escalated: 'true', customerId: 'seed-c1' })).toEqual(['seed-04']);
      expect(await ids({ breached: 'true', customerId: 'seed-c1' })).toEqual(['seed-01']);
      expect(await ids({ createdFrom: new Date(base + 2 * hour).toISOString(), createdTo: new Date(base + 4 * hour).toISOString() })).toEqual(['seed-02', 'seed-03']);
      // seed-05 is closed: it owes nothing, so it has no next deadline to be before anything.
      expect(await ids({ nextDeadlineBefore: new Date(now + 2 * hour).toISOString(), merchantId: 'seed-m1' })).toEqual(['seed-01', 'seed-02']);
      // A merchant's list is confined to its own cases whatever it asks for.
      expect(await ids({ customerId: 'seed-c1' }, KEYS['merchant-a'])).toEqual([]);
    });

    it('pages with a stable cursor, newest first', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await api().get('/cases').query({ customerId: 'seed-c1', limit: '2', ...(cursor && { cursor }) }).set(auth(KEYS.supervisor));
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((i: { caseId: string }) => i.caseId));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(['seed-06', 'seed-05', 'seed-04', 'seed-03', 'seed-02', 'seed-01']);
    });

    it('rejects operator injection, repeated and unknown query parameters', async () => {
      for (const q of ['merchantId[$ne]=x', 'merchantId=a&merchantId=b', 'limit=0', 'limit=abc', 'escalated=yes', 'cursor=!!', 'cursor=eyJhIjoxfQ', 'sort=openedAt', 'status=%7B%22%24gt%22%3A%22%22%7D']) {
        const res = await api().get(`/cases?${q}`).set(auth(KEYS.agent));
        expect([q, res.status]).toEqual([q, 400]);
      }
    });

    it('lists stuck cases with who owes the next action and by when', async () => {
      const res = await api().get('/supervisor/stuck-cases').query({ within: 'PT2H', idleFor: 'P1D', merchantId: 'seed-m1' }).set(auth(KEYS.supervisor));
      expect(res.status).toBe(200);
      const byId = Object.fromEntries(res.body.items.map((i: { caseId: string }) => [i.caseId, i]));
      expect(Object.keys(byId).sort()).toEqual(['seed-01', 'seed-02', 'seed-03']);
      expect(byId['seed-01']).toMatchObject({ owingParty: 'merchant', reasons: ['deadline_breached'], nextDeadlineClock: 'merchant_review' });
      expect(byId['seed-02']).toMatchObject({ owingParty: 'customer', reasons: ['deadline_within_window'] });
      expect(byId['seed-03'].reasons).toEqual(['idle']);
      expect(res.body.items[0].caseId).toBe('seed-01');

      const narrow = await api().get('/supervisor/stuck-cases').query({ merchantId: 'seed-m1' }).set(auth(KEYS.admin));
      expect(narrow.body.items.map((i: { caseId: string }) => i.caseId)).toEqual(['seed-01']);
      expect((await api().get('/supervisor/stuck-cases?within=2h').set(auth(KEYS.supervisor))).status).toBe(400);
      expect((await api().get('/supervisor/stuck-cases').set(auth(KEYS['merchant-a']))).status).toBe(403);
    });

    it('counts cases by merchant, status, kind and owing party', async () => {
      const byMerchant = await api().get('/supervisor/case-counts?by=merchantId').set(auth(KEYS.supervisor));
      expect(byMerchant.status).toBe(200);
      expect(byMerchant.body.counts).toEqual(expect.arrayContaining([{ value: 'seed-m1', count: 5 }, { value: 'seed-m2', count: 1 }]));
      const open = await api().get('/supervisor/case-counts?by=kind&open=true').set(auth(KEYS.supervisor));
      expect(open.status).toBe(200);
      expect(open.body.counts.find((c: { value: string }) => c.value === 'exchange')?.count).toBeGreaterThanOrEqual(1);
      for (const by of ['status', 'owingParty']) expect((await api().get(`/supervisor/case-counts?by=${by}`).set(auth(KEYS.admin))).status).toBe(200);
      expect((await api().get('/supervisor/case-counts?by=customerId').set(auth(KEYS.supervisor))).status).toBe(400);
      expect((await api().get('/supervisor/case-counts?by=kind').set(auth(KEYS.agent))).status).toBe(403);
    });
  });

  it('serves an OpenAPI 3.1 document generated from the schemas', async () => {
    const res = await api().get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.text);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/cases', '/cases/{id}', '/cases/{id}/commands/merchant-review', '/supervisor/stuck-cases', '/callbacks/courier']));
    expect(doc.components.schemas.CreateCaseBody.example).toBeDefined();
    const remedy = doc.paths['/cases/{id}/commands/propose-remedy'].post.requestBody.content['application/json'].schema;
    expect(remedy.properties.items).toMatchObject({ type: 'array', maxItems: 50 });
    expect(remedy.properties.items.items.properties).toMatchObject({ sku: { type: 'string', minLength: 1, maxLength: 100 }, quantity: { type: 'integer', maximum: 1000 } });
  });

  it('documents exactly the routes it mounts, each with its roles', async () => {
    const doc = (await api().get('/openapi.json')).body as { paths: Record<string, Record<string, { description: string; security?: unknown }>> };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(mountedRoutes(h.app).sort()).toEqual(documented.sort());
    expect(documented.length).toBeGreaterThan(40);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const op of Object.values(methods)) {
        const isPublic = op.description.includes('No API key needed.');
        expect([path, isPublic || /Roles: \w/.test(op.description), op.security !== undefined]).toEqual([path, true, !isPublic]);
      }
    }
    const keyless = Object.entries(doc.paths).filter(([, methods]) => Object.values(methods).some((op) => op.security === undefined));
    expect(keyless.map(([path]) => path).sort()).toEqual(['/console/config.json', '/healthz', '/openapi.json', '/readyz']);
    const merchantReview = doc.paths['/cases/{id}/commands/merchant-review'].post.description;
    expect(merchantReview).toContain('Roles: agent, senior_agent, supervisor, admin, merchant, customer.');
  });

  it('answers 503 problem+json when Temporal is unreachable', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 1000 });
    try {
      const app = createApp({ temporal: new Client({ connection }), store: h.store, taskQueue: 'unused', policy: loadPolicy({}), apiKeys: DEV_API_KEYS, callTimeoutMs: 3000 });
      const created = await request(app).post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'create-when-down').send(returnBody());
      expect(created.status).toBe(503);
      expect(created.headers['content-type']).toMatch(/^application\/problem\+json/);
      const read = await request(app).get('/cases/case-000000000000000000000001').set(auth(KEYS.agent));
      expect(read.status).toBe(503);
      // A case the store knows is still readable from its projection.
      const stored = await request(app).get('/cases/seed-01').set(auth(KEYS.agent));
      expect(stored.status).toBe(200);
      expect(stored.headers['x-case-source']).toBe('store');
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

  it('answers 503 problem+json when the case store is unreachable', async () => {
    const store = await openStore(h.mongoUri);
    await store.close();
    const app = createApp({ temporal: h.temporal, store, taskQueue: 'unused', policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
    const res = await request(app).get('/cases').set(auth(KEYS.supervisor));
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('dependency_unavailable');
    const counts = await request(app).get('/supervisor/case-counts?by=kind').set(auth(KEYS.supervisor));
    expect(counts.status).toBe(503);
  });
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method and path the Express app serves, in the document's notation (`GET /cases/{id}`). */
function mountedRoutes(app: unknown): string[] {
  const walk = (stack: Layer[]): string[] =>
    stack.flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`)
        : walk(layer.handle?.stack ?? []),
    );
  return walk((app as { router: { stack: Layer[] } }).router.stack);
}
