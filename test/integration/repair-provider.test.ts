/**
 * The repair provider adapter in a real worker against the sandbox: the per-attempt partner timeout fires while the
 * sandbox holds the answer (the activity's own 30 s limit would otherwise end it), and the retry with the same
 * idempotency key gets the first repair order back: the repair is dispatched once.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createPartnerActivities, partnerUrlsFor, PartnerFailureType } from '../../activities/partners';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import type { RequestLogEntry, SandboxRecords } from '../../sandbox/state';
import { caseInput, customer, recordingActivities } from '../support/case-fixtures';
import { caseWorker, reach, send, view } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

describe('repair provider adapter in a real worker', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    // Held answers stay held for ten minutes: only the adapter's own timeout can end the first attempt in time.
    sandbox = await startSandbox({ timeoutHoldMs: 600_000 });
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
    await sandbox?.close();
  });

  it('times out an attempt the sandbox holds, retries with the same key, and opens one repair order', async () => {
    const real = createPartnerActivities({ urls: partnerUrlsFor(sandbox.url), timeoutMs: 500 });
    const failures: string[] = [];
    const fake = recordingActivities({
      dispatchRepair: async (input) => {
        try {
          return await real.dispatchRepair(input);
        } catch (err) {
          failures.push(String((err as { type?: string }).type));
          throw err;
        }
      },
      instructRepair: real.instructRepair,
    });
    await fetch(`${sandbox.url}/_control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: '/repair/orders', mode: 'timeout', times: 1 }) });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('repair-sandbox-timeout', { kind: 'repair', sku: 'sku-1', fault: 'no power' }));
      await reach(handle, 'awaiting_collection');
      await send(handle, 'drop_off', { actor: customer, location: 'Service point' });
      let repairOrderId: string | undefined;
      for (let i = 0; i < 200 && !repairOrderId; i++) {
        repairOrderId = (await view(handle)).facts.repairOrderId;
        if (!repairOrderId) await new Promise((r) => setTimeout(r, 100));
      }
      expect(failures).toEqual([PartnerFailureType.PartnerTimeout]);
      const records = (await (await fetch(`${sandbox.url}/_control/records`)).json()) as SandboxRecords;
      expect(records.repairOrders).toEqual([expect.objectContaining({ repairOrderId, caseId: 'repair-sandbox-timeout', idempotencyKey: 'repair-sandbox-timeout:repair-dispatch' })]);
      const log = ((await (await fetch(`${sandbox.url}/_control/requests?route=${encodeURIComponent('/repair/orders')}`)).json()) as { requests: RequestLogEntry[] }).requests;
      expect(log.map((e) => [e.idempotencyKey, e.outcome, e.delivered ?? false])).toEqual([
        ['repair-sandbox-timeout:repair-dispatch', 'processed', false],
        ['repair-sandbox-timeout:repair-dispatch', 'replayed', true],
      ]);
    });
  });
});
