import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { ATTACHMENT_MAX_BYTES } from '../../workflows/contract';
import { ApiHarness, caseInStatus, caseWhen, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(512)]);

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('disputes through the API: messages, attachments and their scoping, intervention', () => {
  let h: ApiHarness;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'disputes-api-'));
  beforeAll(async () => {
    h = await startApiHarness({ dataDir });
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const api = () => request(h.app);

  it('keeps evidence to the case’s parties, refuses bad files and internal messages from parties, and opens the dispute', async () => {
    const created = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'dispute-api-0001').send(returnBody());
    expect(created.status).toBe(201);
    const id = created.body.caseId as string;
    for (let i = 0; i < 50 && (await api().get(`/cases/${id}`).set(auth(KEYS.agent))).body.status !== 'awaiting_merchant_review'; i++) await new Promise((r) => setTimeout(r, 200));
    const rejected = await api().post(`/cases/${id}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'reject', reason: 'no defect found' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'closed', outcome: 'rejected' });

    // Upload: stored by content hash, once.
    const sha = crypto.createHash('sha256').update(PNG).digest('hex');
    const uploaded = await api().post(`/cases/${id}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'image/png').send(PNG);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ caseId: id, sha256: sha, contentType: 'image/png', size: PNG.length, uri: `attachment://${sha}`, uploadedBy: { id: 'customer-1', role: 'customer' } });
    expect((await api().post(`/cases/${id}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'image/png').send(PNG)).status).toBe(200);
    expect(filesUnder(path.join(dataDir, 'attachments'))).toEqual([path.join(dataDir, 'attachments', sha.slice(0, 2), sha)]);

    // Refused files change nothing.
    const exe = await api().post(`/cases/${id}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'application/x-msdownload').send(Buffer.from('MZ...'));
    expect(exe.status).toBe(415);
    expect(exe.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(exe.body).toMatchObject({ code: 'unsupported_media_type', errors: [{ field: 'header.Content-Type' }] });
    const big = await api().post(`/cases/${id}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'video/mp4').send(Buffer.alloc(ATTACHMENT_MAX_BYTES + 1));
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(filesUnder(path.join(dataDir, 'attachments'))).toHaveLength(1);

    // Another merchant reads nothing of the case: not its evidence, its thread, nor may it add to them.
    expect((await api().get(`/cases/${id}/attachments/${sha}`).set(auth(KEYS['merchant-b']))).status).toBe(404);
    expect((await api().get(`/cases/${id}/messages`).set(auth(KEYS['merchant-b']))).status).toBe(404);
    expect((await api().post(`/cases/${id}/messages`).set(auth(KEYS['merchant-b'])).send({ body: 'hello' })).status).toBe(404);
    expect((await api().post(`/cases/${id}/attachments`).set(auth(KEYS['merchant-b'])).set('Content-Type', 'image/png').send(PNG)).status).toBe(404);
    const own = await api().get(`/cases/${id}/attachments/${sha}`).set(auth(KEYS['merchant-a'])).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(own.status).toBe(200);
    expect(own.headers['content-type']).toMatch(/^image\/png/);
    expect(Buffer.compare(own.body as Buffer, PNG)).toBe(0);
    expect((await api().get(`/cases/${id}/attachments/${'0'.repeat(64)}`).set(auth(KEYS['merchant-a']))).status).toBe(404);

    // The thread: parties post public messages; staff may add internal ones that parties never read.
    const internalByParty = await api().post(`/cases/${id}/messages`).set(auth(KEYS.customer)).send({ body: 'for staff', visibility: 'internal' });
    expect(internalByParty.status).toBe(403);
    expect(internalByParty.body).toMatchObject({ code: 'internal_for_staff', errors: [{ field: 'body.visibility' }] });
    const bad = await api().post(`/cases/${id}/messages`).set(auth(KEYS.customer)).send({ body: ' ', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['body.body', 'body.extra']));
    expect((await api().post(`/cases/${id}/messages`).set(auth(KEYS.customer)).send({ body: 'see photo', attachments: ['1'.repeat(64)] })).body.code).toBe('unknown_attachment');
    expect((await api().post(`/cases/${id}/messages`).set(auth(KEYS.customer)).send({ body: 'the seam leaks, photo attached', attachments: [sha] })).status).toBe(201);
    expect((await api().post(`/cases/${id}/messages`).set(auth(KEYS.agent)).send({ body: 'merchant has a history of this', visibility: 'internal' })).status).toBe(201);
    const forCustomer = await api().get(`/cases/${id}/messages`).set(auth(KEYS.customer));
    expect(forCustomer.body.messages.map((m: { body: string }) => m.body)).toEqual(['the seam leaks, photo attached']);
    expect((await api().get(`/cases/${id}/messages`).set(auth(KEYS['merchant-a']))).body.messages).toHaveLength(1);
    expect((await api().get(`/cases/${id}/messages`).set(auth(KEYS.supervisor))).body.messages.map((m: { visibility: string }) => m.visibility)).toEqual(['public', 'internal']);

    // The dispute: the customer intervenes with the attachment as evidence; rulings are the platform's.
    const intervened = await api()
      .post(`/cases/${id}/commands/request-intervention`)
      .set(auth(KEYS.customer))
      .send({ reason: 'the merchant rejected a leaking kettle', evidence: [{ kind: 'photo', uri: `attachment://${sha}` }] });
    expect(intervened.status).toBe(200);
    expect(intervened.body).toMatchObject({ status: 'in_dispute', dispute: { phase: 'evidence', trigger: 'merchant_rejected' } });
    const again = await api().post(`/cases/${id}/commands/request-intervention`).set(auth(KEYS['merchant-a'])).send({ reason: 'me too' });
    expect([again.status, again.body.code]).toEqual([409, 'already_requested']);
    expect((await api().post(`/cases/${id}/commands/rule-dispute`).set(auth(KEYS.customer)).send({ responsibleParty: 'merchant', remedy: 'full_refund', reasons: 'mine' })).status).toBe(403);
    const early = await api().post(`/cases/${id}/commands/rule-dispute`).set(auth(KEYS.supervisor)).send({ responsibleParty: 'merchant', remedy: 'full_refund', reasons: 'too early' });
    expect(early.body.code).toBe('evidence_open');
    const clocks = await api().get(`/cases/${id}/clocks`).set(auth(KEYS.customer));
    expect(clocks.body.clocks.filter((c: { name: string }) => c.name.startsWith('dispute_evidence_')).map((c: { owner: string }) => c.owner)).toEqual(['customer', 'merchant']);

    // Supervisors see the open dispute: its evidence deadlines with the party that owes them, and the platform's queue.
    type Item = { caseId: string; disputePhase?: string; owingParty?: string; nextDeadlineClock?: string; reasons: string[] };
    const find = async (url: string) => {
      for (let i = 0; i < 50; i++) {
        const item = ((await api().get(url).set(auth(KEYS.supervisor))).body.items as Item[]).find((x) => x.caseId === id && x.disputePhase !== undefined);
        if (item) return item;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`case ${id} not listed with its dispute at ${url}`);
    };
    expect(await find('/supervisor/stuck-cases?within=P3D&owingParty=customer')).toMatchObject({
      disputePhase: 'evidence',
      owingParty: 'customer',
      nextDeadlineClock: 'dispute_evidence_customer',
      reasons: ['deadline_within_window', 'dispute_open'],
    });
    expect(await find('/supervisor/stuck-cases')).toMatchObject({ disputePhase: 'evidence', reasons: ['dispute_open'] });
    expect(await find('/queues/platform')).toMatchObject({ disputePhase: 'evidence' });
  });

  it('the courier answers a request for evidence later through its callback, under its own clock', async () => {
    const created = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'dispute-api-0004').send(returnBody());
    const id = created.body.caseId as string;
    await caseInStatus(h, id, 'awaiting_merchant_review');
    await api().post(`/cases/${id}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'approve' }).expect(200);
    // A LATE… parcel: the sandbox courier takes requests about it to answer later.
    await api().post(`/cases/${id}/commands/ship-back`).set(auth(KEYS.customer)).send({ trackingNumber: 'LATE-API-1' }).expect(200);
    const delivered = { caseId: id, dedupKey: 'late-api-1-d', trackingNumber: 'LATE-API-1', event: 'delivered', at: new Date().toISOString() };
    await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(delivered).expect(202);
    await caseInStatus(h, id, 'awaiting_inspection');
    await api().post(`/cases/${id}/commands/inspect`).set(auth(KEYS['merchant-a'])).send({ result: 'rejected', findings: 'the parcel arrived empty' }).expect(200);
    await api().post(`/cases/${id}/commands/request-intervention`).set(auth(KEYS.customer)).send({ reason: 'ask the courier' }).expect(200);
    const asked = await api().post(`/cases/${id}/commands/request-info`).set(auth(KEYS.supervisor)).send({ party: 'courier', request: 'the handover record' });
    expect(asked.body.clocks.find((c: { name: string }) => c.name === 'dispute_courier_evidence')).toMatchObject({ status: 'running', owner: 'courier' });
    type View = { status: string; dispute: { infoRequests: Array<{ evidenceRequestId?: string; answer?: { evidenceId: string } }> }; clocks: Array<{ name: string; status: string }>; audit: Array<{ action: string; data?: Record<string, unknown> }> };
    const pending = await caseWhen<View>(h, id, (v) => v.dispute.infoRequests[0]?.evidenceRequestId !== undefined);
    const requestId = pending.dispute.infoRequests[0].evidenceRequestId!;

    const answer = await fetch(`${h.sandboxUrl}/_control/courier-evidence-requests/${requestId}/answer`, { method: 'POST' });
    const callback = (await answer.json()) as Record<string, unknown>;
    expect(callback).toMatchObject({ caseId: id, event: 'evidence', evidenceRequestId: requestId, trackingNumber: 'LATE-API-1', kind: 'handover_record' });
    // Only the courier (or an admin) sends courier events; a malformed one is refused and changes nothing.
    const byMerchant = await api().post('/callbacks/courier').set(auth(KEYS['merchant-a'])).send(callback);
    expect([byMerchant.status, byMerchant.body.code]).toEqual([403, 'forbidden']);
    const { evidenceRequestId: _omitted, ...withoutRequest } = callback;
    expect((await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(withoutRequest)).status).toBe(400);
    expect((await api().get(`/cases/${id}`).set(auth(KEYS.agent))).body.dispute.infoRequests[0].answer).toBeUndefined();

    await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(callback).expect(202);
    const answered = await caseWhen<View>(h, id, (v) => v.dispute.infoRequests[0].answer !== undefined);
    expect(answered.dispute.infoRequests[0].answer).toMatchObject({ evidenceId: callback.evidenceId });
    expect(answered.clocks.find((c) => c.name === 'dispute_courier_evidence')).toMatchObject({ status: 'satisfied' });
    expect(answered.audit.find((a) => a.action === 'courier_evidence_received')).toMatchObject({ data: expect.objectContaining({ evidenceRequestId: requestId, via: 'callback' }) });
  });

  it('a complaint about a closed case opens a feedback case linked to it; an open case is refused', async () => {
    const created = await api().post('/cases').set(auth(KEYS.customer)).set('Idempotency-Key', 'dispute-api-0002').send(returnBody());
    const id = created.body.caseId as string;
    for (let i = 0; i < 50 && (await api().get(`/cases/${id}`).set(auth(KEYS.agent))).body.status !== 'awaiting_merchant_review'; i++) await new Promise((r) => setTimeout(r, 200));
    const open = await api().post(`/cases/${id}/complaints`).set(auth(KEYS.customer)).set('Idempotency-Key', 'complaint-0001').send({ description: 'too slow' });
    expect(open.status).toBe(409);
    expect(open.body.code).toBe('case_open');
    await api().post(`/cases/${id}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'reject', reason: 'used goods' });

    const body = { description: 'The merchant rejected my return without looking at the photos.', desiredResolution: 'a full refund' };
    expect((await api().post(`/cases/${id}/complaints`).set(auth(KEYS['merchant-b'])).set('Idempotency-Key', 'complaint-0001').send(body)).status).toBe(403);
    const other = await api().post(`/cases/${id}/complaints`).set(auth(KEYS.customer)).set('Idempotency-Key', 'complaint-0001').send({ ...body, extra: true });
    expect(other.status).toBe(400);
    const complaint = await api().post(`/cases/${id}/complaints`).set(auth(KEYS.customer)).set('Idempotency-Key', 'complaint-0001').send(body);
    expect(complaint.status).toBe(201);
    expect(complaint.headers.location).toBe(`/cases/${complaint.body.caseId}`);
    expect(complaint.body).toMatchObject({
      kind: 'feedback',
      aboutCaseId: id,
      details: { kind: 'feedback', feedbackType: 'after_sales_service', desiredResolution: 'a full refund' },
      order: { orderId: created.body.order.orderId },
    });
    expect(complaint.body.caseId).not.toBe(id);
    const replay = await api().post(`/cases/${id}/complaints`).set(auth(KEYS.customer)).set('Idempotency-Key', 'complaint-0001').send(body);
    expect(replay.status).toBe(200);
    expect(replay.body.caseId).toBe(complaint.body.caseId);
  });

  it('the appeal window shows in the stuck-case view with the party that may still appeal', async () => {
    const created = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'dispute-api-0003').send(returnBody());
    const id = created.body.caseId as string;
    for (let i = 0; i < 50 && (await api().get(`/cases/${id}`).set(auth(KEYS.agent))).body.status !== 'awaiting_merchant_review'; i++) await new Promise((r) => setTimeout(r, 200));
    await api().post(`/cases/${id}/commands/merchant-review`).set(auth(KEYS['merchant-a'])).send({ decision: 'reject', reason: 'no defect found' }).expect(200);
    await api().post(`/cases/${id}/commands/request-intervention`).set(auth(KEYS.customer)).send({ reason: 'it leaks' }).expect(200);
    await api().post(`/cases/${id}/commands/submit-evidence`).set(auth(KEYS.customer)).send({ note: 'video' }).expect(200);
    await api().post(`/cases/${id}/commands/submit-evidence`).set(auth(KEYS['merchant-a'])).send({ note: 'photos' }).expect(200);
    await api().post(`/cases/${id}/commands/rule-dispute`).set(auth(KEYS.supervisor)).send({ responsibleParty: 'customer', remedy: 'none', reasons: 'no defect shown' }).expect(200);

    type Item = { caseId: string; disputePhase?: string; owingParty?: string; nextDeadlineClock?: string; reasons: string[] };
    const find = async (url: string, fits: (item: Item) => boolean) => {
      for (let i = 0; i < 50; i++) {
        const item = ((await api().get(url).set(auth(KEYS.supervisor))).body.items as Item[]).find((x) => x.caseId === id && fits(x));
        if (item) return item;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`case ${id} not listed as expected at ${url}`);
    };
    const ruled = await find('/supervisor/stuck-cases?within=P8D', (x) => x.disputePhase === 'appeal_window');
    expect(ruled).toMatchObject({ nextDeadlineClock: expect.stringMatching(/^dispute_appeal_(customer|merchant)$/), reasons: ['deadline_within_window', 'dispute_open'] });
    expect(ruled.nextDeadlineClock).toBe(`dispute_appeal_${ruled.owingParty}`);

    // The customer appeals, another staff member rules again: only the merchant may still appeal, and owes that window.
    await api().post(`/cases/${id}/commands/appeal-ruling`).set(auth(KEYS.customer)).send({ reason: 'the video shows the leak' }).expect(200);
    await api().post(`/cases/${id}/commands/rule-appeal`).set(auth(KEYS.admin)).send({ responsibleParty: 'merchant', remedy: 'partial_refund', amountCents: 1_000, reasons: 'a small leak' }).expect(200);
    const reruled = await find('/supervisor/stuck-cases?within=P8D&owingParty=merchant', (x) => x.disputePhase === 'appeal_window');
    expect(reruled).toMatchObject({ owingParty: 'merchant', nextDeadlineClock: 'dispute_appeal_merchant' });
    const clocks = await api().get(`/cases/${id}/clocks`).set(auth(KEYS['merchant-a']));
    expect(clocks.body.clocks.filter((c: { name: string }) => c.name.startsWith('dispute_appeal_')).map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['dispute_appeal_customer', 'satisfied'],
      ['dispute_appeal_merchant', 'running'],
    ]);
  });
});
