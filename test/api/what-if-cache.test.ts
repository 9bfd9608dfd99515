/**
 * The API keeps the packed chunks it decoded (activities/store/what-if/chunk-cache.ts) and reads from the store only the
 * list of chunks in a range: a chunk packed after the cache was filled is read by the next simulation, and a case whose
 * newest version moved between the open cases, the chunks and the cases not packed yet is counted once, as its newest.
 */
import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import request from 'supertest';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import type { ClockHistory } from '../../activities/store/what-if/clock-history';
import { clockHistoryModel, packClosedHistories, toClockHistoryDocument } from '../../activities/store/what-if/history-store';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { startDevMongo, type DevMongo } from '../support/servers';
import { KEYS } from './harness';

const HOUR = 3_600_000;
const OPENED = Date.UTC(2026, 9, 20, 2);
const MINUTE = 60_000;

/** A merchant review opened at OPENED: answered after 30 h when closed (met), else still running. */
const history = (id: string, version: number, closed: boolean): ClockHistory => ({
  caseId: id,
  version,
  kind: 'return',
  openedAt: OPENED,
  ...(closed && { closedAt: OPENED + 60 * HOUR }),
  merchantId: 'm-cache',
  priorityChanges: [],
  policyVersion: 'v1',
  clocks: [{ name: 'merchant_review', owner: 'merchant', status: closed ? 'satisfied' : 'running', startedAt: OPENED, deadline: OPENED + 48 * HOUR, warned: true, breachAction: 'approve', ...(closed && { satisfiedAt: OPENED + 30 * HOUR }) }],
  events: [],
  queues: [],
});

let mongo: DevMongo;
let store: mongoose.Connection;
let app: ReturnType<typeof createApp>;

/** Written now, as the ProjectionWriter writes a version: a newer version replaces the case's document. */
async function write(h: ClockHistory): Promise<void> {
  await clockHistoryModel(store).replaceOne({ _id: h.caseId }, { ...toClockHistoryDocument(h), projectedAt: new Date() }, { upsert: true }).exec();
}

/** A packing run past the packing's one-minute lag: every closed case written so far is packed. */
const packNow = () => packClosedHistories(store, Date.now() + MINUTE + 1);

const chunkCount = () => store.collection('case_clock_history_chunks').countDocuments({ count: { $exists: true } });

async function simulate(): Promise<{ cases: number; totals: { actual: { met: number; pending: number } } }> {
  const res = await request(app).post(`/admin/policies/${loadPolicy({}).version}/simulate`).set({ Authorization: `Bearer ${KEYS.supervisor}` }).send({ from: '2026-10-20', to: '2026-10-21' }).expect(200);
  return res.body;
}

beforeAll(async () => {
  mongo = await startDevMongo();
  store = await openStore(mongo.uri);
  await syncCaseIndexes(store);
  app = createApp({ temporal: {} as Client, store, taskQueue: 'what-if-cache-test', policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
}, 120_000);
afterAll(async () => {
  await store?.close();
  await mongo?.stop();
});

describe('the packed chunks kept by the API', () => {
  it('reads a chunk packed after the cache was filled, and counts each case once, as its newest version', async () => {
    await write(history('cache-1', 2, true));
    await write(history('cache-2', 2, true));
    await write(history('cache-reopened', 2, true));
    await write(history('cache-open', 1, false));
    expect(await packNow()).toBe(3);
    // The cache now holds the first chunk.
    expect(await simulate()).toMatchObject({ cases: 4, totals: { actual: { met: 3, pending: 1 } } });

    // Packed since: a new closed case, and the open one closed (its open version was read from the open cases before).
    await write(history('cache-3', 2, true));
    await write(history('cache-open', 2, true));
    // Reopened since its packing: its newest version is open, its old one stays in the first chunk.
    await write(history('cache-reopened', 3, false));
    expect(await packNow()).toBe(2);
    expect(await chunkCount()).toBe(2);
    expect(await simulate()).toMatchObject({ cases: 5, totals: { actual: { met: 4, pending: 1 } } });

    // Closed again, not packed yet: read from the cases written since the packing, over its version in the chunk.
    await write(history('cache-reopened', 4, true));
    expect(await simulate()).toMatchObject({ cases: 5, totals: { actual: { met: 5, pending: 0 } } });
  });
});
