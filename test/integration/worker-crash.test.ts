import { Client, Connection } from '@temporalio/client';
import type mongoose from 'mongoose';
import request from 'supertest';
import { caseModel } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import type { ManagedProcess } from '../../scripts/servers/process';
import { KEYS, returnBody } from '../api/harness';
import { startDevServers, type DevMongo, type DevTemporal } from '../support/servers';
import { crash, startWorkerProcess, type WorkerEnv } from '../support/worker-process';
import { waitFor } from '../support/wait-for';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * One return from open to refund on the real parts (Temporal dev server, FerretDB, partner sandbox, the worker as its
 * own process), with the worker killed twice: once between steps, once while the payment provider has taken the
 * refund but not yet answered. The case must carry on and the customer must be refunded exactly once.
 */
describe('a return through worker crashes (dev server, FerretDB, sandbox, worker process)', () => {
  let temporal: DevTemporal;
  let mongo: DevMongo;
  let sandbox: RunningSandbox;
  let store: mongoose.Connection;
  let connection: Connection;
  let app: ReturnType<typeof createApp>;
  let workerEnv: WorkerEnv;
  const workers: ManagedProcess[] = [];

  beforeAll(async () => {
    [temporal, mongo] = await startDevServers();
    sandbox = await startSandbox();
    store = await openStore(mongo.uri);
    await caseModel(store).syncIndexes();
    connection = await Connection.connect({ address: temporal.address });
    const taskQueue = `worker-crash-${process.pid}`;
    app = createApp({ temporal: new Client({ connection }), store, taskQueue, policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
    workerEnv = { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, MONGODB_URI: mongo.uri, PARTNER_SANDBOX_URL: sandbox.url };
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(2000)));
    await connection?.close();
    await store?.close();
    await sandbox?.close();
    await Promise.all([temporal?.stop(), mongo?.stop()]);
  });

  const api = () => request(app);
  const startWorker = async () => {
    const worker = await startWorkerProcess(workerEnv);
    workers.push(worker);
    return worker;
  };
  const command = (caseId: string, name: string, key: string, body: object = {}) => api().post(`/cases/${caseId}/commands/${name}`).set(auth(key)).send(body);

  const caseInStatus = (caseId: string, status: string) =>
    waitFor(`case ${caseId} in ${status}`, async () => {
      const res = await api().get(`/cases/${caseId}`).set(auth(KEYS.agent));
      return res.body.status === status ? res.body : undefined;
    });

  it('carries the case on after each crash and refunds exactly once', async () => {
    const first = await startWorker();
    const opened = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'worker-crash-0001').send(returnBody());
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.caseId;
    expect((await command(caseId, 'merchant-review', KEYS['merchant-a'], { decision: 'approve' })).status).toBe(200);
    expect((await command(caseId, 'ship-back', KEYS.agent, { trackingNumber: 'SF0000000001', carrier: 'SF' })).status).toBe(200);

    // Crash between steps: the courier's delivery arrives while no worker runs, and is applied once one is back.
    await crash(first);
    const delivered = { caseId, dedupKey: 'sf-delivered-1', trackingNumber: 'SF0000000001', event: 'delivered', at: new Date().toISOString() };
    expect((await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(delivered)).status).toBe(202);
    const second = await startWorker();
    await caseInStatus(caseId, 'awaiting_inspection');
    expect((await command(caseId, 'inspect', KEYS['merchant-a'], { result: 'accepted', findings: 'leak confirmed' })).status).toBe(200);
    await caseInStatus(caseId, 'refund_due');

    // The payment provider fails twice, then takes the refund and holds its answer: the worker dies waiting for it.
    sandbox.state.faults.add({ route: '/payment/refunds', mode: 'fail', times: 2 });
    sandbox.state.faults.add({ route: '/payment/refunds', mode: 'timeout', delayMs: 120_000 });
    expect((await command(caseId, 'start-refund', KEYS['merchant-a'])).status).toBe(200);
    await waitFor('the refund to reach the payment provider', async () => (sandbox.state.refunds.some((r) => r.caseId === caseId) ? true : undefined));
    await crash(second);
    expect(sandbox.state.refunds.filter((r) => r.caseId === caseId)).toHaveLength(1);

    // After the activity's start-to-close timeout the retry runs on the new worker, with the same idempotency key.
    await startWorker();
    const closed = await caseInStatus(caseId, 'closed');
    const ledger = sandbox.state.refunds.filter((r) => r.caseId === caseId);
    expect(ledger).toEqual([expect.objectContaining({ amountCents: 25_900, method: 'original' })]);
    expect(closed).toMatchObject({ outcome: 'refunded' });
    expect(closed.refunds).toEqual([expect.objectContaining({ refundId: ledger[0].refundId, status: 'succeeded', amountCents: 25_900 })]);
    expect(closed.audit.filter((a: { action: string }) => a.action === 'refund_issued')).toHaveLength(1);
    expect(closed.audit.filter((a: { action: string }) => a.action === 'return_delivered_to_merchant')).toHaveLength(1);
    const refundCalls = sandbox.state.requests.filter((r) => r.route === '/payment/refunds');
    expect(new Set(refundCalls.map((r) => r.idempotencyKey))).toEqual(new Set([closed.refunds[0].idempotencyKey]));
    expect(refundCalls.length).toBeGreaterThanOrEqual(4);

    // The store projection catches up with the live case (the survey is sent after closing, so it may be a step behind).
    const projected = await waitFor('the projection to catch up with the closed case', async () => {
      const doc = await caseModel(store).findOne({ caseId }).lean();
      return doc && doc.version >= closed.version ? doc : undefined;
    });
    expect(projected.status).toBe('closed');
  }, 240_000);
});
