/**
 * ATTACHMENT_STORE=gridfs through the API against the embedded store (FerretDB v1): the same sha256 addressing, size
 * limit, type allow-list and scoping as the local store, with the bytes in the case store's GridFS bucket and nothing
 * under DATA_DIR. Also: request_info to the courier needs a parcel.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { GRIDFS_BUCKET } from '../../api/attachment-store';
import { loadRuntimeConfig } from '../../config/env';
import { ATTACHMENT_MAX_BYTES } from '../../workflows/contract';
import { ApiHarness, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(400 * 1024)]);

describe('attachments in GridFS (ATTACHMENT_STORE=gridfs)', () => {
  let h: ApiHarness;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attachments-gridfs-'));
  beforeAll(async () => {
    h = await startApiHarness({ dataDir, attachmentStore: 'gridfs' });
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const api = () => request(h.app);

  it('reads ATTACHMENT_STORE: local by default, gridfs when set, anything else refused', () => {
    expect(loadRuntimeConfig({}).attachmentStore).toBe('local');
    expect(loadRuntimeConfig({ ATTACHMENT_STORE: 'gridfs' }).attachmentStore).toBe('gridfs');
    expect(() => loadRuntimeConfig({ ATTACHMENT_STORE: 's3' })).toThrow(/ATTACHMENT_STORE must be one of local, gridfs/);
  });

  it('stores by sha256 once in the case store, serves it to the case’s parties only, and refuses what the local store refuses', async () => {
    const created = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'gridfs-api-0001').send(returnBody());
    expect(created.status).toBe(201);
    const id = created.body.caseId as string;
    const sha = crypto.createHash('sha256').update(PDF).digest('hex');

    const uploaded = await api().post(`/cases/${id}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'application/pdf').send(PDF);
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ caseId: id, sha256: sha, size: PDF.length, uri: `attachment://${sha}` });
    expect((await api().post(`/cases/${id}/attachments`).set(auth(KEYS['merchant-a'])).set('Content-Type', 'application/pdf').send(PDF)).status).toBe(200);
    const files = h.store.db!.collection(`${GRIDFS_BUCKET}.files`);
    expect(await files.find({ filename: sha }).toArray()).toEqual([expect.objectContaining({ length: PDF.length, metadata: { contentType: 'application/pdf', sha256: sha } })]);
    expect(fs.existsSync(path.join(dataDir, 'attachments'))).toBe(false);

    const exe = await api().post(`/cases/${id}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'application/x-msdownload').send(Buffer.from('MZ'));
    expect(exe.status).toBe(415);
    expect(exe.body).toMatchObject({ code: 'unsupported_media_type', errors: [{ field: 'header.Content-Type' }] });
    const big = await api().post(`/cases/${id}/attachments`).set(auth(KEYS.customer)).set('Content-Type', 'video/mp4').send(Buffer.alloc(ATTACHMENT_MAX_BYTES + 1));
    expect(big.status).toBe(413);
    expect(await files.countDocuments({})).toBe(1);

    // Scoping: another merchant neither reads nor adds; the case's merchant reads the bytes back.
    expect((await api().get(`/cases/${id}/attachments/${sha}`).set(auth(KEYS['merchant-b']))).status).toBe(404);
    expect((await api().post(`/cases/${id}/attachments`).set(auth(KEYS['merchant-b'])).set('Content-Type', 'application/pdf').send(PDF)).status).toBe(404);
    const own = await api().get(`/cases/${id}/attachments/${sha}`).set(auth(KEYS['merchant-a'])).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(own.status).toBe(200);
    expect(own.headers['content-type']).toMatch(/^application\/pdf/);
    expect(Buffer.compare(own.body as Buffer, PDF)).toBe(0);
    // A file in the store is still not another case's: the case record scopes it.
    const other = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'gridfs-api-0002').send(returnBody());
    expect((await api().get(`/cases/${other.body.caseId}/attachments/${sha}`).set(auth(KEYS.agent))).status).toBe(404);

    // request_info to the courier on a case without a parcel of its own names one, or is refused naming the field.
    for (let i = 0; i < 50 && (await api().get(`/cases/${id}`).set(auth(KEYS.agent))).body.status !== 'awaiting_merchant_review'; i++) await new Promise((r) => setTimeout(r, 200));
    await api().post(`/cases/${id}/commands/request-intervention`).set(auth(KEYS['merchant-a'])).send({ reason: 'the customer used it' }).expect(200);
    const noParcel = await api().post(`/cases/${id}/commands/request-info`).set(auth(KEYS.supervisor)).send({ party: 'courier', request: 'the delivery record' });
    expect(noParcel.status).toBe(422);
    expect(noParcel.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(noParcel.body).toMatchObject({ code: 'tracking_number_required', errors: [{ field: 'body.trackingNumber' }] });
    const asked = await api().post(`/cases/${id}/commands/request-info`).set(auth(KEYS.supervisor)).send({ party: 'courier', request: 'the delivery record', trackingNumber: 'SF1001' });
    expect(asked.status).toBe(200);
    let answered: { answer?: { kind: string } } | undefined;
    for (let i = 0; i < 50 && !answered?.answer; i++) {
      answered = (await api().get(`/cases/${id}`).set(auth(KEYS.supervisor))).body.dispute.infoRequests[0];
      if (!answered?.answer) await new Promise((r) => setTimeout(r, 200));
    }
    expect(answered).toMatchObject({ party: 'courier', trackingNumber: 'SF1001', answer: { kind: 'handover_record' } });
  });
});
