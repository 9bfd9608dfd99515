import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type mongoose from 'mongoose';
import request from 'supertest';
import { createActivities } from '../../activities';
import { partnerUrlsFor } from '../../activities/partners/urls';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { freePort } from '../../scripts/servers/process';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { createCaseWorkers } from '../../worker/create-worker';
import { caseWorkflow } from '../../workflows';
import { getCaseQuery } from '../../workflows/messages';
import { DevMongo, DevTemporal, startDevServers } from '../support/servers';
import { waitFor } from '../support/wait-for';
import { KEYS, returnBody } from './harness';

/**
 * Overload as the API sees it: Temporal takes a create or a command, but no worker gives its first answer within the
 * API's bound (here: no worker polls the task queue yet). The API answers 202 with the case and where to poll, not 503;
 * once a worker runs, the accepted work happens. What Temporal did not take is still 503.
 */
describe('creates and commands accepted by Temporal but not answered in time (dev server, FerretDB)', () => {
  let temporal: DevTemporal;
  let mongo: DevMongo;
  let store: mongoose.Connection;
  let connection: Connection;
  let sandbox: RunningSandbox;
  const taskQueue = `overload-${process.pid}`;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    [temporal, mongo] = await startDevServers();
    store = await openStore(mongo.uri);
    sandbox = await startSandbox();
    connection = await Connection.connect({ address: temporal.address });
    app = createApp({ temporal: new Client({ connection }), store, taskQueue, policy: loadPolicy({}), apiKeys: DEV_API_KEYS, callTimeoutMs: 1500 });
  }, 180_000);

  afterAll(async () => {
    await connection?.close();
    await store?.close();
    await sandbox?.close();
    await Promise.all([temporal?.stop(), mongo?.stop()]);
  });

  const body = returnBody();
  const create = (key: string, payload: object = body) =>
    request(app).post('/cases').set('Authorization', `Bearer ${KEYS.agent}`).set('Idempotency-Key', key).send(payload);

  it('answers 202 with the case id and a Location for a create (and its retry), 503 for a command only admitted; both happen once a worker runs', async () => {
    const res = await create(`overload-create-${process.pid}`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ caseId: expect.stringMatching(/^case-/), status: 'accepted' });
    expect(res.headers.location).toBe(`/cases/${res.body.caseId}`);
    const again = await create(`overload-create-${process.pid}`);
    expect(again.status).toBe(202);
    expect(again.body.caseId).toBe(res.body.caseId);
    // The same key with another body is still refused.
    const other = await create(`overload-create-${process.pid}`, { ...body, description: 'another body' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'idempotency_key_reused' });

    // A command no worker has seen is only admitted, not accepted (a server restart would lose it): 503, retry.
    const assign = () =>
      request(app)
        .post(`/cases/${res.body.caseId}/commands/assign`)
        .set('Authorization', `Bearer ${KEYS.supervisor}`)
        .set('Idempotency-Key', `overload-assign-${process.pid}`)
        .send({ agentId: 'agent-overload' });
    const notAccepted = await assign();
    expect(notAccepted.status).toBe(503);
    expect(notAccepted.headers['content-type']).toMatch(/^application\/problem\+json/);

    const native = await NativeConnection.connect({ address: temporal.address });
    const workers = await createCaseWorkers({ connection: native, config: { temporalNamespace: 'default', taskQueue }, activities: createActivities({ store, partnerUrls: partnerUrlsFor(sandbox.url) }) });
    const running = workers.run();
    try {
      const handle = new Client({ connection }).workflow.getHandle<typeof caseWorkflow>(res.body.caseId);
      await waitFor('the accepted case to answer', () => handle.query(getCaseQuery).catch(() => undefined));
      expect((await create(`overload-create-${process.pid}`)).status).toBe(200);
      const retried = await assign();
      expect(retried.status).toBe(200);
      expect((await handle.query(getCaseQuery)).audit.filter((e) => e.action === 'assigned')).toHaveLength(1);
    } finally {
      for (const worker of workers.workers) worker.shutdown();
      await running;
      await native.close();
    }
  }, 180_000);

  it('answers 503 when Temporal did not take the create', async () => {
    const dead = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 1000 });
    try {
      const down = createApp({ temporal: new Client({ connection: dead }), store, taskQueue, policy: loadPolicy({}), apiKeys: DEV_API_KEYS, callTimeoutMs: 1500 });
      const res = await request(down).post('/cases').set('Authorization', `Bearer ${KEYS.agent}`).set('Idempotency-Key', `overload-down-${process.pid}`).send(body);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await dead.close();
    }
  });

  it('documents 202 with a Location on creates and commands', async () => {
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, { post?: { responses: Record<string, { headers?: object }> } }> };
    for (const path of ['/cases', '/cases/{id}/commands/assign', '/cases/{id}/complaints']) {
      expect(doc.paths[path].post!.responses['202']).toMatchObject({ headers: { Location: expect.any(Object) } });
    }
  });
});
