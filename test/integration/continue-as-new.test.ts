import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { allowedActionsQuery } from '../../workflows/messages';
import { caseInput, recordingActivities } from '../support/case-fixtures';
import { caseWorker, send, view, type CaseHandle } from '../support/case-env';
import { startDevTemporal, type DevTemporal } from '../support/servers';

const merchant = { id: 'merchant-user-1', role: 'merchant' as const, merchantId: 'merchant-a' };
const customer = { id: 'customer-1', role: 'customer' as const };

/**
 * The dev server is told to suggest continue-as-new after a handful of history events, so a return continues as new
 * at nearly every step; what a case has seen and done must survive each new run.
 */
describe('continue-as-new of a long case (dev server suggesting it early)', () => {
  let temporal: DevTemporal;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    temporal = await startDevTemporal({ 'limit.historyCount.suggestContinueAsNew': 10 });
    nativeConnection = await NativeConnection.connect({ address: temporal.address });
    connection = await Connection.connect({ address: temporal.address });
    client = new Client({ connection });
  }, 120_000);

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
    await temporal?.stop();
  });

  async function reach(handle: CaseHandle, status: string) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const current = await view(handle).catch(() => undefined);
      if (current?.status === status) return current;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`case ${handle.workflowId} never reached ${status}`);
  }

  async function surveySent(handle: CaseHandle) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const actions: string[] = await handle.query(allowedActionsQuery, 'customer').catch(() => []);
      if (actions.includes('answer_survey')) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the survey of ${handle.workflowId} was never sent`);
  }

  it('carries audit, dedup keys, clocks and done effects across runs: one refund, no repeated notice', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker({ nativeConnection, client }, fake.activities);
    await worker.runUntil(async () => {
      const started = await start(caseInput('can-return', { kind: 'return', reason: 'quality_defect' }, { receivedAt: Date.now() }));
      const handle = client.workflow.getHandle(started.workflowId) as CaseHandle;
      await reach(handle, 'awaiting_merchant_review');
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      await reach(handle, 'awaiting_return_shipment');
      await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF1' });
      const delivered = { dedupKey: 'sf1-delivered', trackingNumber: 'SF1', event: 'delivered' as const, at: Date.now() };
      await handle.signal('courier_event', delivered);
      await reach(handle, 'awaiting_inspection');
      await handle.signal('courier_event', delivered);
      await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'defect confirmed' });
      await reach(handle, 'refund_due');
      await send(handle, 'start_refund', { actor: merchant });
      const closed = await reach(handle, 'closed');
      await surveySent(handle);
      await send(handle, 'answer_survey', { actor: customer, rating: 4 });
      const result = await handle.result();

      const runs: string[] = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) runs.push(run.runId);
      expect(runs.length).toBeGreaterThanOrEqual(3);

      expect(closed.outcome).toBe('refunded');
      expect(result.survey).toMatchObject({ rating: 4 });
      expect(fake.named('issueRefund')).toHaveLength(1);
      expect(fake.named('notifyCustomer').map((n) => n.template)).toEqual(['return_approved', 'refund_issued', 'satisfaction_survey']);
      const actions = result.audit.map((a) => a.action);
      expect(actions.filter((a) => a === 'return_delivered_to_merchant')).toHaveLength(1);
      expect(actions).toEqual(expect.arrayContaining(['submitted_for_merchant_review', 'shipped_back', 'inspection_accepted', 'refund_issued']));
      expect(result.audit.map((a) => a.seq)).toEqual(result.audit.map((_, i) => i + 1));
      expect(result.clocks.find((c) => c.name === 'merchant_review')).toMatchObject({ status: 'satisfied' });
      expect(result.clocks.find((c) => c.name === 'refund_start')).toMatchObject({ status: 'satisfied' });
      expect(result.version).toBeGreaterThanOrEqual(closed.version);
      expect(fake.projections.get(handle.workflowId)?.version).toBe(result.version);
    });
  });
});
