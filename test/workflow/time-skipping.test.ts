import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { timeSkippingEnv } from '../support/servers';
import { sleepForWorkflowTime } from './fixtures/sleep-workflow';

const HOURS_48 = 48 * 60 * 60 * 1000;

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('sleeps 48 h of workflow time in well under a second of wall time', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping',
      workflowsPath: require.resolve('./fixtures/sleep-workflow'),
    });
    await worker.runUntil(async () => {
      const serverTimeBefore = await env.currentTimeMs();
      const wallBefore = performance.now();
      const elapsed = await env.client.workflow.execute(sleepForWorkflowTime, {
        args: [HOURS_48],
        taskQueue: 'time-skipping',
        workflowId: 'sleep-48h',
      });
      const wallMs = performance.now() - wallBefore;
      expect(elapsed).toBeGreaterThanOrEqual(HOURS_48);
      expect((await env.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(HOURS_48);
      // Wall time is a sanity bound, not a benchmark: without time skipping this would take two days.
      expect(wallMs).toBeLessThan(30_000);
    });
  });
});
