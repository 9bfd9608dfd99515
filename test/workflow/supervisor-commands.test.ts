import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { caseInput, HOUR, merchant, recordingActivities, supervisor } from '../support/case-fixtures';
import { caseWorker, send, view } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const returnDetails = { kind: 'return' as const, reason: 'quality_defect' as const };
const refusal = (code: string) => ({ cause: { type: code } });

describe('supervisor commands (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown().catch(() => undefined);
  });

  it('extends, pauses and resumes the merchant review deadline; the default approval follows the moved deadline', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sup-extend', returnDetails, { receivedAt: await env.currentTimeMs() }));
      const opened = await view(handle);
      const review = opened.clocks.find((c) => c.name === 'merchant_review')!;
      await expect(send(handle, 'extend_deadline', { actor: supervisor, clock: 'merchant_review', by: { hours: 24 }, reason: '' })).rejects.toMatchObject(refusal('reason_required'));
      await expect(send(handle, 'extend_deadline', { actor: supervisor, clock: 'no_such_clock', by: { hours: 24 }, reason: 'x' })).rejects.toMatchObject(refusal('unknown_clock'));
      await expect(send(handle, 'extend_deadline', { actor: merchant, clock: 'merchant_review', by: { hours: 24 }, reason: 'x' })).rejects.toMatchObject(refusal('role_not_allowed'));
      const extended = await send(handle, 'extend_deadline', { actor: supervisor, clock: 'merchant_review', by: { hours: 24 }, reason: 'merchant closed for a public holiday' });
      expect(extended.clocks.find((c) => c.name === 'merchant_review')?.deadline).toBe(review.deadline + 24 * HOUR);
      expect(extended.nextDeadline).toBe(review.deadline + 24 * HOUR);
      expect(extended.audit.at(-1)).toMatchObject({ action: 'sla_extended', actor: supervisor, reason: 'merchant closed for a public holiday' });

      await env.sleep(49 * HOUR);
      expect((await view(handle)).status).toBe('awaiting_merchant_review');
      const paused = await send(handle, 'pause_deadline', { actor: supervisor, clock: 'merchant_review', reason: 'merchant under investigation' });
      expect(paused.clocks.find((c) => c.name === 'merchant_review')?.status).toBe('paused');
      await expect(send(handle, 'pause_deadline', { actor: supervisor, clock: 'merchant_review', reason: 'again' })).rejects.toMatchObject(refusal('invalid_clock_state'));
      await env.sleep(100 * HOUR);
      expect((await view(handle)).status).toBe('awaiting_merchant_review');
      const resumed = await send(handle, 'resume_deadline', { actor: supervisor, clock: 'merchant_review', reason: 'investigation closed' });
      const deadline = resumed.clocks.find((c) => c.name === 'merchant_review')!.deadline;
      await env.sleep(deadline - (await env.currentTimeMs()) + 1000);
      const approved = await view(handle);
      expect(approved.status).toBe('awaiting_return_shipment');
      // Workflow time: the timer fires at the moved deadline (the test server rounds to a few ms).
      const approvedAt = approved.audit.find((a) => a.action === 'approved_by_default')!.at;
      expect(approvedAt).toBeGreaterThanOrEqual(deadline);
      expect(approvedAt).toBeLessThan(deadline + 1000);
    });
  });

  it('overrides a merchant rejection: the closed case reopens for ship-back; priority and notes are audited', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sup-override', returnDetails));
      const rejected = await send(handle, 'merchant_review', { actor: merchant, decision: 'reject', reason: 'used goods' });
      expect(rejected).toMatchObject({ status: 'closed', outcome: 'rejected' });
      await expect(send(handle, 'override_review', { actor: supervisor, decision: 'reject', reason: 'x' })).rejects.toMatchObject(refusal('invalid_transition'));
      const noted = await send(handle, 'add_note', { actor: supervisor, note: 'photos show an unused kettle', reason: 'review of the rejection' });
      expect(noted.audit.at(-1)).toMatchObject({ action: 'note_added', data: { note: 'photos show an unused kettle', internal: true } });

      const reopened = await send(handle, 'override_review', { actor: supervisor, decision: 'approve', reason: 'the evidence shows a defect', returnAddress: 'Platform returns desk' });
      expect(reopened).toMatchObject({ status: 'awaiting_return_shipment', returnAddress: 'Platform returns desk' });
      expect(reopened.closedAt).toBeUndefined();
      expect(reopened.outcome).toBeUndefined();
      expect(reopened.clocks.find((c) => c.name === 'customer_ship_back')).toMatchObject({ status: 'running', owner: 'customer' });
      expect(reopened.audit.at(-1)).toMatchObject({ action: 'review_overridden', fromStatus: 'closed', toStatus: 'awaiting_return_shipment', actor: supervisor });

      // The command contract holds in the workflow too: a malformed payload from a direct Temporal client is refused.
      await expect(send(handle, 'assign', { actor: supervisor, agentId: 42 as unknown as string })).rejects.toMatchObject(refusal('invalid_payload'));
      await expect(send(handle, 'add_note', { actor: supervisor, note: 'x', reason: 'y', sneaky: true } as never)).rejects.toMatchObject(refusal('invalid_payload'));

      // Whose case it is holds in the workflow too, for a direct Temporal client: another customer cannot ship it back.
      await expect(send(handle, 'ship_back', { actor: { id: 'customer-2', role: 'customer' }, trackingNumber: 'SF-X' })).rejects.toMatchObject(refusal('not_your_case'));

      const urgent = await send(handle, 'change_priority', { actor: supervisor, priority: 'urgent', reason: 'customer complained twice' });
      expect(urgent.priority).toBe('urgent');
      expect(urgent.audit.at(-1)).toMatchObject({ action: 'priority_changed', data: { to: 'urgent' } });

      // The reopened case runs its playbook again: silence past the ship-back limit closes it as abandoned.
      await env.sleep(8 * 24 * HOUR);
      expect(await view(handle)).toMatchObject({ status: 'closed', outcome: 'abandoned' });
    });
  });
});
