import { Client, Connection } from '@temporalio/client';
import type mongoose from 'mongoose';
import request from 'supertest';
import { caseModel } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { ledgerModel } from '../../activities/store/ledger';
import { depositModel, statementModel } from '../../activities/store/settlement';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import type { ManagedProcess } from '../../scripts/servers/process';
import { statementWorkflowId } from '../../workflows/contract/settlement';
import { KEYS, returnBody } from '../api/harness';
import { startDevServers, type DevMongo, type DevTemporal } from '../support/servers';
import { crash, startWorkerProcess, type WorkerEnv } from '../support/worker-process';
import { waitFor } from '../support/wait-for';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

/**
 * Two cases driven through the workflows on the real parts (the worker as its own process) charge the courier and the
 * warehouse; the month is then settled with the worker killed three times: while the cases record their charges,
 * while a statement is at the merchant (taken, not yet answered) and right after the merchant's answer. Every ledger
 * entry, statement and deposit debit exists once, and the statements' totals are the charges the cases recorded.
 */
describe('settlement through worker crashes (dev server, FerretDB, sandbox, worker process)', () => {
  let temporal: DevTemporal;
  let mongo: DevMongo;
  let sandbox: RunningSandbox;
  let store: mongoose.Connection;
  let connection: Connection;
  let client: Client;
  let app: ReturnType<typeof createApp>;
  let workerEnv: WorkerEnv;
  let taskQueue: string;
  const workers: ManagedProcess[] = [];
  const period = new Date().toISOString().slice(0, 7);

  beforeAll(async () => {
    [temporal, mongo] = await startDevServers();
    sandbox = await startSandbox();
    store = await openStore(mongo.uri);
    await caseModel(store).syncIndexes();
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection });
    taskQueue = `settlement-crash-${process.pid}`;
    app = createApp({ temporal: client, store, taskQueue, policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
    workerEnv = { TEMPORAL_ADDRESS: temporal.address, TEMPORAL_TASK_QUEUE: taskQueue, MONGODB_URI: mongo.uri, PARTNER_SANDBOX_URL: sandbox.url };
  }, 180_000);

  afterAll(async () => {
    for (const party of ['courier', 'warehouse'] as const) await client?.workflow.getHandle(statementWorkflowId(period, party, party)).terminate('test finished').catch(() => undefined);
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
  const statementIn = (id: string, status: string) => waitFor(`statement ${id} ${status}`, async () => (await statementModel(store).findById(id).lean().exec())?.status === status || undefined);

  it('writes every ledger entry, statement and deposit debit once, and the statements total the cases’ charges', async () => {
    const first = await startWorker();
    // Damaged in transit with the outer packaging damaged: the courier bears the goods.
    const transit = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'settle-crash-transit').send({ ...returnBody(), details: { kind: 'return', reason: 'damaged_in_transit', outerPackageDamaged: true } });
    expect(transit.status).toBe(201);
    // A missing lid, the outbound weight short: the warehouse bears it.
    const body = returnBody();
    const order = { ...body.order, orderId: 'order-missing-lid', paidAmountCents: 30_900, items: [...body.order.items, { sku: 'lid-1', name: 'Lid', quantity: 1, unitPriceCents: 5_000 }] };
    await fetch(`${sandbox.url}/_control/weights`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: order.orderId, recordedWeightGrams: 1500, measuredWeightGrams: 1200, mismatch: true }) });
    const missing = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'settle-crash-missing').send({ ...body, order, details: { kind: 'return', reason: 'missing_item' } });
    expect(missing.status).toBe(201);
    const caseIds: string[] = [transit.body.caseId, missing.body.caseId];
    for (const caseId of caseIds) await caseInStatus(caseId, 'awaiting_remedy_agreement');
    expect((await command(caseIds[0], 'propose-remedy', KEYS.agent, { remedy: 'refund', description: 'return it for a full refund' })).status).toBe(200);
    expect((await command(caseIds[1], 'propose-remedy', KEYS.agent, { remedy: 'refund', items: [{ sku: 'lid-1', quantity: 1 }], description: 'refund the missing lid' })).status).toBe(200);
    expect((await command(caseIds[0], 'customer-decision', KEYS.customer, { accept: true })).status).toBe(200);
    expect((await command(caseIds[1], 'customer-decision', KEYS.customer, { accept: true })).status).toBe(200);
    // Killed while the cases record their charges and project them.
    await crash(first);
    const second = await startWorker();
    const views = [await caseInStatus(caseIds[0], 'awaiting_merchant_review'), await caseInStatus(caseIds[1], 'closed')];
    const charges = views.flatMap((v) => v.charges as Array<{ party: string; amountCents: number; key: string }>);
    expect(charges.map((c) => [c.party, c.amountCents])).toEqual([['courier', 25_900], ['warehouse', 5_000]]);
    await waitFor('the charges in the ledger', async () => ((await ledgerModel(store).countDocuments({ caseId: { $in: caseIds } })) === 2 ? true : undefined));
    // A merchant charge of the month (seeded: a refund on the merchant's behalf needs a refusal path of its own).
    await ledgerModel(store).create({ _id: 'seeded:merchant-a', caseId: 'case-seeded', party: 'merchant', partyId: 'merchant-a', amountCents: 4_200, currency: 'CNY', reason: 'refund_paid_on_behalf_of_merchant', at: new Date(), status: 'open' });

    // The merchant takes its statement and does not answer: the worker dies waiting; the retry gets the kept answer.
    sandbox.state.faults.add({ route: '/merchant/statements', mode: 'timeout', delayMs: 120_000 });
    const run = await client.workflow.execute('settlementPeriodWorkflow', { taskQueue, workflowId: `settlement-crash-run-1`, args: [period] });
    const ids = { courier: statementWorkflowId(period, 'courier', 'courier'), warehouse: statementWorkflowId(period, 'warehouse', 'warehouse'), merchant: statementWorkflowId(period, 'merchant', 'merchant-a') };
    expect([...run.issued].sort()).toEqual(Object.values(ids).sort());
    await waitFor('the statement at the merchant', async () => (sandbox.state.records.statements.some((s) => s.party === 'merchant') ? true : undefined));
    await crash(second);
    const third = await startWorker();
    await statementIn(ids.merchant, 'awaiting_party');

    // The statements' totals are the cases' charges.
    const stored = await statementModel(store).find().lean().exec();
    const total = (party: string) => stored.find((s) => s.party === party)!.totalCents;
    expect([total('courier'), total('warehouse'), total('merchant')]).toEqual([25_900, 5_000, 4_200]);
    expect(stored.find((s) => s.party === 'courier')!.lines.map((l) => l.key)).toEqual([charges[0].key]);

    // Killed right after the merchant's answer, before or while its deposit is debited.
    const answered = await api().post(`/settlement/statements/${ids.merchant}/responses`).set(auth(KEYS['merchant-a'])).send({ lines: [{ key: 'seeded:merchant-a', decision: 'confirm' }] });
    expect(answered.status).toBe(200);
    await crash(third);
    await startWorker();
    await statementIn(ids.merchant, 'settled');

    expect(await depositModel(store).find().lean().exec()).toEqual([expect.objectContaining({ merchantId: 'merchant-a', period, amountCents: -4_200, lineKeys: ['seeded:merchant-a'] })]);
    expect(sandbox.state.records.statements.map((s) => s.statementId).sort()).toEqual(Object.values(ids).sort());
    expect(await ledgerModel(store).countDocuments()).toBe(3);
    expect(await statementModel(store).countDocuments()).toBe(3);
    // The month again: nothing new.
    const again = await client.workflow.execute('settlementPeriodWorkflow', { taskQueue, workflowId: `settlement-crash-run-2`, args: [period] });
    expect(again.issued).toEqual([]);
    expect(sandbox.state.records.statements).toHaveLength(3);
  }, 360_000);
});
