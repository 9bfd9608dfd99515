import mongoose from 'mongoose';
import { openStore } from '../../activities/store/connection';
import { CaseDocument, caseModel, saveCaseProjection } from '../../activities/store/case-model';
import { DevMongo, startDevMongo } from '../support/servers';

function projection(version: number, status: string): CaseDocument {
  const at = new Date(Date.UTC(2026, 10, 2, 8, 0, version));
  return {
    caseId: 'case-store-1',
    version,
    kind: 'return',
    status,
    merchantId: 'm-1',
    openedAt: new Date(Date.UTC(2026, 10, 2, 8, 0, 0)),
    lastTransitionAt: at,
    escalated: false,
    breached: false,
    view: { status, version },
  };
}

describe('case store on FerretDB (MongoDB wire protocol)', () => {
  let mongo: DevMongo;
  let store: mongoose.Connection;
  beforeAll(async () => {
    mongo = await startDevMongo();
    store = await openStore(mongo.uri);
    await caseModel(store).syncIndexes();
  });
  afterAll(async () => {
    await store?.close();
    await mongo?.stop();
  });

  it('writes a case projection and reads it back over the wire', async () => {
    expect(await saveCaseProjection(store, projection(1, 'submitted'))).toBe('written');
    const read = await caseModel(store).findOne({ caseId: 'case-store-1' }).lean();
    expect(read).toMatchObject({ caseId: 'case-store-1', version: 1, status: 'submitted', merchantId: 'm-1' });
    expect(read?.openedAt.toISOString()).toBe('2026-11-02T08:00:00.000Z');
  });

  it('never lets a stale or repeated write overwrite a newer version', async () => {
    expect(await saveCaseProjection(store, projection(3, 'approved'))).toBe('written');
    expect(await saveCaseProjection(store, projection(2, 'under_review'))).toBe('stale');
    expect(await saveCaseProjection(store, projection(3, 'approved'))).toBe('stale');
    const read = await caseModel(store).findOne({ caseId: 'case-store-1' }).lean();
    expect(read).toMatchObject({ version: 3, status: 'approved' });
    expect(await caseModel(store).countDocuments({ caseId: 'case-store-1' })).toBe(1);
  });
});
