import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type mongoose from 'mongoose';
import request from 'supertest';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { startCaseStore, type CaseStore } from '../../scripts/servers/case-store';
import { startDevTemporal, type DevTemporal } from '../support/servers';

const SUPERVISOR = DEV_API_KEYS.find((k) => k.role === 'supervisor')!.key;
/**
 * Far above the store's 5 s bound, far below the ~40 s a read on a pooled connection to a stopped store used to wait
 * (until the driver's heartbeat gave up): a read that does not answer by then has no bound.
 */
const NO_BOUND_MS = 25_000;

/**
 * Store reads through the API when FerretDB is stopped (SIGSTOP: connections open, nothing answers) and when it is
 * killed: each read answers 503 problem+json, the first one after the fault included.
 */
describe('store reads answer within their bound when the store is stopped or killed (real FerretDB on PostgreSQL)', () => {
  let temporal: DevTemporal;
  let caseStore: CaseStore;
  let dataDir: string;
  let connection: Connection;
  let store: mongoose.Connection;
  let app: ReturnType<typeof createApp>;
  let ferretPid: number;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-bound-'));
    [temporal, caseStore] = await Promise.all([startDevTemporal(), startCaseStore({ dataDir, ephemeral: true })]);
    ferretPid = caseStore.servers.find((s) => s.name === 'ferretdb')!.child.pid!;
    store = await openStore(`${caseStore.uri}bound`);
    await syncCaseIndexes(store);
    connection = await Connection.connect({ address: temporal.address });
    app = createApp({ temporal: new Client({ connection }), store, policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
  }, 180_000);

  afterAll(async () => {
    try {
      if (ferretPid) process.kill(ferretPid, 'SIGCONT');
    } catch {
      // Killed by the second test.
    }
    await store?.close(true);
    await connection?.close();
    await Promise.all([temporal?.stop(), caseStore?.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const list = () => request(app).get('/cases?limit=5').set('Authorization', `Bearer ${SUPERVISOR}`).timeout(NO_BOUND_MS);
  const expectUnavailable = (res: request.Response) => {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'dependency_unavailable' });
  };

  it('answers 503 on the first read after FerretDB is stopped, and on the next, then 200 once it runs again', async () => {
    expect((await list()).status).toBe(200);
    process.kill(ferretPid, 'SIGSTOP');
    expectUnavailable(await list());
    expectUnavailable(await list());
    process.kill(ferretPid, 'SIGCONT');
    let res = await list();
    for (let attempt = 0; res.status !== 200 && attempt < 20; attempt++) res = await list();
    expect(res.status).toBe(200);
  }, 120_000);

  it('answers 503 on the first read after FerretDB is killed, and on the next', async () => {
    expect((await list()).status).toBe(200);
    process.kill(ferretPid, 'SIGKILL');
    expectUnavailable(await list());
    expectUnavailable(await list());
  }, 120_000);
});
