import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DEFAULT_CALENDAR } from '../../workflows/sla/calendar';
import { startClock, type ClockSpec } from '../../workflows/sla/clock';
import {
  clockSetWorkflow,
  clocksQuery,
  pauseClockSignal,
  resumeClockSignal,
  satisfyClockSignal,
  type ClockSetWorkflowInput,
} from './fixtures/clock-set-workflow';

const PROVISIONED_TEST_SERVER = path.resolve(__dirname, '../../.tools/bin/temporal-test-server');
const TEST_SERVER = fs.existsSync(PROVISIONED_TEST_SERVER) ? PROVISIONED_TEST_SERVER : '/tmp/probe/ts/run.sh';

const HOUR = 3_600_000;
/** Slack for the real time that passes between test steps while time skipping is locked. */
const SLACK = 60_000;
const TASK_QUEUE = 'clock-set';

const merchantReview: ClockSpec = {
  name: 'merchantReview',
  limit: { hours: 48 },
  warnBefore: { hours: 24 },
  breachAction: 'approve',
  owner: 'merchant',
};

describe('ClockSet in a workflow (time skipping)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: TEST_SERVER } },
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(fn: () => Promise<T>): Promise<T> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./fixtures/clock-set-workflow'),
    });
    return worker.runUntil(fn);
  }

  function start(workflowId: string, input: ClockSetWorkflowInput) {
    return env.client.workflow.start(clockSetWorkflow, { args: [input], taskQueue: TASK_QUEUE, workflowId });
  }

  /** Polls the query until the clock reaches `status`, so the next step happens after the signal was applied. */
  async function clockStatus(handle: Awaited<ReturnType<typeof start>>, status: string) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const { clocks, nextDeadline } = await handle.query(clocksQuery);
      if (clocks[0]?.status === status) return { clock: clocks[0], nextDeadline };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`clock never reached ${status}`);
  }

  function expectNear(actual: number, expected: number) {
    expect(actual).toBeGreaterThanOrEqual(expected);
    expect(actual).toBeLessThan(expected + SLACK);
  }

  it('warns at 24 h and breaches at 48 h of workflow time', async () => {
    const result = await withWorker(async () => {
      const handle = await start('clock-warn-breach', { spec: merchantReview });
      const { clock, nextDeadline } = await clockStatus(handle, 'running');
      expect(nextDeadline).toBe(clock.deadline);
      return handle.result();
    });

    const { startedAt } = result.clock;
    expect(result.outcome).toBe('breached');
    expect(result.events.map((e) => e.kind)).toEqual(['warn', 'breach']);
    expectNear(result.events[0].at - startedAt, 24 * HOUR);
    expectNear(result.events[1].at - startedAt, 48 * HOUR);
    expect(result.clock).toMatchObject({ status: 'breached', warned: true, breachedAt: result.events[1].at });
  });

  it('extends the warning and the deadline by a pause', async () => {
    const result = await withWorker(async () => {
      const handle = await start('clock-pause-resume', { spec: merchantReview });
      await clockStatus(handle, 'running');
      await env.sleep(10 * HOUR);
      await handle.signal(pauseClockSignal, merchantReview.name);
      const { nextDeadline } = await clockStatus(handle, 'paused');
      expect(nextDeadline).toBeUndefined();
      await env.sleep(5 * HOUR);
      await handle.signal(resumeClockSignal, merchantReview.name);
      await clockStatus(handle, 'running');
      return handle.result();
    });

    const { startedAt } = result.clock;
    expect(result.outcome).toBe('breached');
    expect(result.events.map((e) => e.kind)).toEqual(['warn', 'breach']);
    // 10 h running + 5 h paused + 14 h more to the warning; the breach stays 24 h after it.
    expectNear(result.events[0].at - startedAt, 29 * HOUR);
    expectNear(result.events[1].at - startedAt, 53 * HOUR);
    // The breach fires when the timer does, at (or just after) the shifted deadline.
    expectNear(result.events[1].at, result.clock.deadline);
  });

  it('stops waiting when the clock is satisfied, after the warning and before the breach', async () => {
    const result = await withWorker(async () => {
      const handle = await start('clock-satisfied', { spec: merchantReview });
      await clockStatus(handle, 'running');
      await env.sleep(30 * HOUR);
      await handle.signal(satisfyClockSignal, merchantReview.name);
      return handle.result();
    });

    const { startedAt } = result.clock;
    expect(result.outcome).toBe('satisfied');
    expect(result.events.map((e) => e.kind)).toEqual(['warn']);
    expectNear(result.events[0].at - startedAt, 24 * HOUR);
    expectNear(result.clock.satisfiedAt! - startedAt, 30 * HOUR);
  });

  it('picks up carried clocks (continue-as-new): an overdue warning fires at once', async () => {
    const now = await env.currentTimeMs();
    const carried = { [merchantReview.name]: startClock(merchantReview, now - 47 * HOUR, DEFAULT_CALENDAR) };
    const result = await withWorker(() => start('clock-carried', { name: merchantReview.name, carried }).then((h) => h.result()));

    expect(result.events.map((e) => e.kind)).toEqual(['warn', 'breach']);
    expectNear(result.events[0].at, now);
    expectNear(result.events[1].at, now + HOUR);
  });
});
