/**
 * `npm run start:cluster`'s Temporal: the server built from go.temporal.io/server (provision.sh --with-temporal-cluster,
 * which `npm test` runs) on a PostgreSQL of its own, its schema set up by temporal-sql-tool, with two worker processes.
 * One return goes from open to refund through the API while the worker that ran its first steps may be either: the
 * first worker is SIGKILLed halfway and the second carries the case to one refund. The schedules are there once, the
 * case is found by its search attributes in the SQL visibility store, and the shared dynamic config is one the server
 * accepts.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type mongoose from 'mongoose';
import request from 'supertest';
import { caseModel } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { startPostgres } from '../../scripts/servers/postgres';
import { freePort, type ManagedProcess } from '../../scripts/servers/process';
import { freeTemporalClusterPort, startTemporalCluster, TEMPORAL_DYNAMIC_CONFIG_FILE } from '../../scripts/servers/temporal-cluster';
import { temporalClusterTools } from '../../scripts/servers/tools';
import { QUALITY_SCHEDULE_ID } from '../../worker/quality-schedule';
import { SETTLEMENT_SCHEDULE_ID } from '../../worker/settlement-schedule';
import { CLOCK_HISTORY_PACKING_SCHEDULE_ID } from '../../worker/clock-history-packing-schedule';
import { writeCaseWorkflowBundle } from '../../worker/workflow-bundle';
import { KEYS, returnBody } from '../api/harness';
import { startDevMongo, type DevMongo } from '../support/servers';
import { waitFor } from '../support/wait-for';
import { crash, startWorkerProcess } from '../support/worker-process';

const run = promisify(execFile);
const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('the Temporal server on PostgreSQL with two workers (start:cluster)', () => {
  let dataDir: string;
  const servers: ManagedProcess[] = [];
  let mongo: DevMongo;
  let sandbox: RunningSandbox;
  let store: mongoose.Connection;
  let connection: Connection;
  let client: Client;
  let app: ReturnType<typeof createApp>;
  const workers: ManagedProcess[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-cluster-test-'));
    // As root PostgreSQL runs as the `postgres` user, who must be able to pass through this directory.
    fs.chmodSync(dataDir, 0o711);
    const postgresPort = await freePort();
    servers.push(await startPostgres({ dataDir: path.join(dataDir, 'postgres'), port: postgresPort, database: 'postgres', ephemeral: true }));
    const temporalPort = await freeTemporalClusterPort();
    servers.push(await startTemporalCluster({ port: temporalPort, postgres: { port: postgresPort, user: 'postgres' }, logFile: path.join(dataDir, 'temporal.log') }));
    [mongo, sandbox] = await Promise.all([startDevMongo(), startSandbox()]);
    store = await openStore(mongo.uri);
    await caseModel(store).syncIndexes();
    const address = `127.0.0.1:${temporalPort}`;
    connection = await Connection.connect({ address });
    client = new Client({ connection });
    const taskQueue = `temporal-cluster-${process.pid}`;
    app = createApp({ temporal: client, store, taskQueue, policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
    // Bundled once for both workers, as npm start does (two bundling side by side are slow on a loaded machine).
    const bundle = path.join(dataDir, 'workflow-bundle.js');
    await writeCaseWorkflowBundle(bundle);
    const env = { TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, MONGODB_URI: mongo.uri, PARTNER_SANDBOX_URL: sandbox.url, WORKFLOW_BUNDLE_PATH: bundle };
    workers.push(...(await Promise.all([startWorkerProcess(env), startWorkerProcess(env)])));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(2000)));
    await connection?.close();
    await store?.close();
    await sandbox?.close();
    await mongo?.stop();
    for (const server of servers.reverse()) await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  const api = () => request(app);
  const command = (caseId: string, name: string, key: string, body: object = {}) => api().post(`/cases/${caseId}/commands/${name}`).set(auth(key)).send(body);
  const caseInStatus = (caseId: string, status: string) =>
    waitFor(`case ${caseId} in ${status}`, async () => {
      const res = await api().get(`/cases/${caseId}`).set(auth(KEYS.agent));
      return res.body.status === status ? res.body : undefined;
    });

  it('accepts the dynamic config start:cluster and docker-compose.yml share', async () => {
    const { stdout, stderr } = await run(temporalClusterTools().server, ['validate-dynamic-config', TEMPORAL_DYNAMIC_CONFIG_FILE]);
    expect(`${stdout}${stderr}`).not.toMatch(/unknown|error|invalid/i);
  });

  it('has each schedule once, ensured by both workers', async () => {
    for (const id of [QUALITY_SCHEDULE_ID, SETTLEMENT_SCHEDULE_ID, CLOCK_HISTORY_PACKING_SCHEDULE_ID]) {
      expect((await client.schedule.getHandle(id).describe()).scheduleId).toBe(id);
    }
    const listed: string[] = [];
    for await (const schedule of client.schedule.list()) listed.push(schedule.scheduleId);
    expect(listed.sort()).toEqual([QUALITY_SCHEDULE_ID, SETTLEMENT_SCHEDULE_ID, CLOCK_HISTORY_PACKING_SCHEDULE_ID].sort());
  });

  it('carries a return to one refund on the second worker after the first is killed', async () => {
    const opened = await api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', 'temporal-cluster-0001').send(returnBody());
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.caseId;
    expect((await command(caseId, 'merchant-review', KEYS['merchant-a'], { decision: 'approve' })).status).toBe(200);
    expect((await command(caseId, 'ship-back', KEYS.agent, { trackingNumber: 'SF0000000002', carrier: 'SF' })).status).toBe(200);

    await crash(workers[0]);
    const delivered = { caseId, dedupKey: 'sf-delivered-2', trackingNumber: 'SF0000000002', event: 'delivered', at: new Date().toISOString() };
    expect((await api().post('/callbacks/courier').set(auth(KEYS.courier)).send(delivered)).status).toBe(202);
    await caseInStatus(caseId, 'awaiting_inspection');
    expect((await command(caseId, 'inspect', KEYS['merchant-a'], { result: 'accepted', findings: 'leak confirmed' })).status).toBe(200);
    await caseInStatus(caseId, 'refund_due');
    expect((await command(caseId, 'start-refund', KEYS['merchant-a'])).status).toBe(200);
    const closed = await caseInStatus(caseId, 'closed');

    expect(closed).toMatchObject({ outcome: 'refunded' });
    expect(sandbox.state.refunds.filter((r) => r.caseId === caseId)).toEqual([expect.objectContaining({ amountCents: 25_900 })]);
    for (const step of ['merchant_approved', 'shipped_back', 'return_delivered_to_merchant', 'inspection_accepted', 'refund_issued', 'refunded']) {
      expect(closed.audit.filter((a: { action: string }) => a.action === step)).toHaveLength(1);
    }
    expect(workers[1].child.exitCode).toBeNull();
    // The SQL visibility store keeps the search attributes the case upserts.
    const found = await waitFor('the case by its search attributes', async () => {
      const ids: string[] = [];
      for await (const execution of client.workflow.list({ query: `CaseKind = 'return' AND CaseStatus = 'closed' AND MerchantId = 'merchant-a'` })) ids.push(execution.workflowId);
      return ids.includes(caseId) ? ids : undefined;
    });
    expect(found).toContain(caseId);
  }, 240_000);
});
