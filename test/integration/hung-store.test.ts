import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type mongoose from 'mongoose';
import { createActivities } from '../../activities';
import { partnerUrlsFor } from '../../activities/partners/urls';
import { toCaseProjection } from '../../activities/store/case-activities';
import { caseModel, syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { createCaseWorkers, type CaseWorkers } from '../../worker/create-worker';
import { caseWorkflow } from '../../workflows';
import { getCaseQuery } from '../../workflows/messages';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { caseInput, order } from '../support/case-fixtures';
import { startFreezableProxy, type FreezableProxy } from '../support/freezable-proxy';
import { startDevMongo, startDevTemporal, type DevMongo, type DevTemporal } from '../support/servers';
import { waitFor } from '../support/wait-for';

/** More cases than the case task queue has activity slots (100): hung store writes there would starve every refund. */
const CASES = 150;


/**
 * The store hangs (connections open, no answer) while refund-only cases open: the refunds are still paid, each once,
 * because store writes have a task queue and slots of their own and every write is bounded; once the store answers
 * again, the projection catches up with every workflow.
 */
describe('refunds while the case store hangs (dev server, FerretDB behind a frozen proxy, sandbox)', () => {
  let temporal: DevTemporal;
  let mongo: DevMongo;
  let proxy: FreezableProxy;
  let sandbox: RunningSandbox;
  let store: mongoose.Connection;
  let native: NativeConnection;
  let connection: Connection;
  let workers: CaseWorkers;
  let running: Promise<void>;

  beforeAll(async () => {
    [temporal, mongo] = await Promise.all([startDevTemporal(), startDevMongo()]);
    sandbox = await startSandbox();
    const mongoUrl = new URL(mongo.uri);
    proxy = await startFreezableProxy({ host: mongoUrl.hostname, port: Number(mongoUrl.port) });
    mongoUrl.port = String(proxy.port);
    store = await openStore(mongoUrl.toString());
    await syncCaseIndexes(store);
    native = await NativeConnection.connect({ address: temporal.address });
    connection = await Connection.connect({ address: temporal.address });
    workers = await createCaseWorkers({
      connection: native,
      config: { temporalNamespace: 'default', taskQueue: `hung-store-${process.pid}` },
      activities: createActivities({ store, partnerUrls: partnerUrlsFor(sandbox.url) }),
    });
    running = workers.run();
  }, 180_000);

  afterAll(async () => {
    proxy?.thaw();
    for (const w of workers?.workers ?? []) w.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    await store?.close();
    await proxy?.close();
    await sandbox?.close();
    await Promise.all([temporal?.stop(), mongo?.stop()]);
  });

  it('pays every refund once while the store hangs, and the store catches up afterwards', async () => {
    const client = new Client({ connection });
    proxy.freeze();
    const caseIds = Array.from({ length: CASES }, (_, i) => `hung-store-${process.pid}-${i}`);
    const handles = await Promise.all(
      caseIds.map((caseId) =>
        client.workflow.start(caseWorkflow, {
          workflowId: caseId,
          taskQueue: `hung-store-${process.pid}`,
          args: [caseInput(caseId, { kind: 'refund_only', ground: 'not_shipped' }, { order: order({ orderId: `order-${caseId}`, shippedAt: undefined }), receivedAt: Date.now() }, DEFAULT_POLICY)],
        }),
      ),
    );

    const refundsOf = async (caseId: string) => {
      const res = await fetch(`${sandbox.url}/_control/refunds?caseId=${encodeURIComponent(caseId)}`);
      return ((await res.json()) as { refunds: unknown[] }).refunds;
    };
    const refunded = await waitFor('every refund paid while the store hangs', async () => {
      const counts = await Promise.all(caseIds.map(async (id) => (await refundsOf(id)).length));
      return counts.every((n) => n >= 1) ? counts : undefined;
    });
    expect(refunded).toEqual(caseIds.map(() => 1));
    const views = await Promise.all(handles.map((h) => h.query(getCaseQuery)));
    expect(views.map((v) => v.refunds.map((r) => r.status))).toEqual(caseIds.map(() => ['succeeded']));

    proxy.thaw();
    const [live, stored] = await waitFor('the store to hold every case at its live version', async () => {
      const views = await Promise.all(handles.map((h) => h.query(getCaseQuery)));
      const docs = await caseModel(store).find({ _id: { $in: caseIds } }).lean().exec();
      const versions = new Map(docs.map((d) => [d._id, d.version]));
      return views.every((v) => versions.get(v.caseId) === v.version) ? ([views, docs] as const) : undefined;
    });
    // Every stored summary is exactly what the live workflow projects now, field for field.
    const byId = new Map(stored.map((d) => [d._id, d]));
    for (const v of live) expect(byId.get(v.caseId)).toEqual({ ...toCaseProjection(v).summary, historyLength: expect.any(Number) });
  }, 300_000);
});
