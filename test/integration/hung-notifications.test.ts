import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createCaseWorkers, type CaseWorkers } from '../../worker/create-worker';
import { caseWorkflow } from '../../workflows';
import type { CaseActivities } from '../../workflows/case/activities';
import type { CaseInput, CaseView } from '../../workflows/domain/case';
import { getCaseQuery } from '../../workflows/messages';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { caseInput, recordingActivities } from '../support/case-fixtures';
import { startDevTemporal, type DevTemporal } from '../support/servers';

/** Notification calls that never answer: each hangs until the worker shuts down. */
function hungNotifications() {
  let attempts = 0;
  let answered = 0;
  const hang = (): Promise<never> => {
    attempts++;
    return new Promise((_, reject) =>
      Context.current().cancellationSignal.addEventListener('abort', () => {
        answered++;
        reject(new Error('cancelled'));
      }),
    );
  };
  const overrides: Partial<CaseActivities> = { notifyMerchant: hang, notifyCustomer: hang, pageOnCall: hang };
  return { overrides, attempts: () => attempts, answered: () => answered };
}

const audited = (v: CaseView, action: string) => v.audit.filter((a) => a.action === action);

/**
 * Deadlines fire by themselves whatever the notification partner does. Every message hangs (an attempt lasts 30 s and
 * is tried 5 times), yet each reminder, breach and default action happens while the messages still hang: a message runs
 * beside the case, never in front of a clock's timer or of a breach. Real dev server, clocks of a few seconds.
 */
describe('deadlines with a notification partner that hangs (dev server)', () => {
  let temporal: DevTemporal;
  let native: NativeConnection;
  let connection: Connection;
  let workers: CaseWorkers;
  let running: Promise<void>;
  const hung = hungNotifications();
  const taskQueue = `hung-notifications-${process.pid}`;

  beforeAll(async () => {
    temporal = await startDevTemporal();
    native = await NativeConnection.connect({ address: temporal.address });
    connection = await Connection.connect({ address: temporal.address });
    workers = await createCaseWorkers({ connection: native, config: { temporalNamespace: 'default', taskQueue }, activities: recordingActivities(hung.overrides).activities });
    running = workers.run();
  }, 120_000);

  afterAll(async () => {
    for (const w of workers?.workers ?? []) w.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    await temporal?.stop();
  });

  async function runUntil(input: CaseInput, done: (v: CaseView) => boolean): Promise<CaseView> {
    const handle = await new Client({ connection }).workflow.start(caseWorkflow, { workflowId: input.caseId, taskQueue, args: [input] });
    const until = Date.now() + 60_000;
    for (;;) {
      const v = await handle.query(getCaseQuery);
      if (done(v)) return v;
      if (Date.now() > until) throw new Error(`case ${input.caseId} is still ${v.status}: ${v.audit.map((a) => a.action).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('a return: the review reminder, the default approval and the ship-back deadline fire while every message hangs', async () => {
    const policy = { ...DEFAULT_POLICY, version: 'test-seconds', merchantReviewReminder: { minutes: 0.05 }, merchantReviewTimeout: { minutes: 0.1 }, customerShipBack: { minutes: 0.1 } };
    const input = caseInput(`hung-return-${process.pid}`, { kind: 'return', reason: 'quality_defect' }, { receivedAt: Date.now() }, policy);
    const closed = await runUntil(input, (v) => v.status === 'closed');
    expect(closed.outcome).toBe('abandoned');
    const review = closed.clocks.find((c) => c.name === 'merchant_review')!;
    const shipBack = closed.clocks.find((c) => c.name === 'customer_ship_back')!;
    expect(audited(closed, 'sla_warning').map((a) => a.data?.clock)).toEqual(['merchant_review']);
    expect(audited(closed, 'sla_warning')[0].at).toBeGreaterThanOrEqual(review.warnAt!);
    expect(audited(closed, 'approved_by_default')[0].at).toBeGreaterThanOrEqual(review.deadline);
    expect(audited(closed, 'closed_abandoned')[0].at).toBeGreaterThanOrEqual(shipBack.deadline);
    // All of it happened while the messages were still hanging (the merchant's first and the customer's first; later
    // ones to the same recipient queue behind them): none has answered yet.
    expect(hung.attempts()).toBeGreaterThanOrEqual(2);
    expect(hung.answered()).toBe(0);
  }, 90_000);

  it('a safety incident: the emergency-start breach escalates while the pages hang', async () => {
    const policy = { ...DEFAULT_POLICY, version: 'test-seconds', safetyEmergencyStart: { minutes: 0.1 } };
    const receivedAt = Date.now();
    const input = caseInput(`hung-safety-${process.pid}`, { kind: 'safety', hazard: 'charger overheats', affectedOrderIds: ['order-1'], relatedCaseIds: [] }, { receivedAt }, policy);
    const breached = await runUntil(input, (v) => v.escalated);
    const clock = breached.clocks.find((c) => c.name === 'emergency_start')!;
    expect(clock.status).toBe('breached');
    expect(breached.escalations).toEqual([expect.objectContaining({ to: 'platform', clock: 'emergency_start' })]);
    expect(breached).toMatchObject({ waitingOn: 'safety_owner', escalatedTo: ['platform'], nextDeadline: clock.deadline });
    expect(breached.openBreaches).toEqual([expect.objectContaining({ clock: 'emergency_start', owingParty: 'safety_owner' })]);
    expect(hung.answered()).toBe(0);
  }, 90_000);
});
