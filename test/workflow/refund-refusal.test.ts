import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseActivities } from '../../workflows/case/activities';
import { allowedActionsQuery } from '../../workflows/messages';
import { agent, caseInput, customer, HOUR, merchant, order, recordingActivities, supervisor } from '../support/case-fixtures';
import { caseWorker, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const returnDetails = { kind: 'return' as const, reason: 'quality_defect' as const };
const PAID = order().paidAmountCents;

/** Fake partners whose payment partner refuses the first `refusals` refunds as more than is refundable on the order. */
function refusingPayment(refusals = 1) {
  let left = refusals;
  const issueRefund: CaseActivities['issueRefund'] = async (input) => {
    fake.calls.push({ name: 'issueRefund', input });
    if (left-- > 0) throw ApplicationFailure.nonRetryable('exceeds refundable amount', 'RefundRefused');
    return { refundId: `r-${input.idempotencyKey}`, status: 'succeeded' };
  };
  const fake = recordingActivities({ issueRefund });
  return fake;
}

/** A return taken through merchant review, ship-back, delivery and an accepted inspection: the refund is due. */
async function toRefundDue(handle: CaseHandle): Promise<void> {
  await send(handle, 'merchant_review', { actor: merchant, decision: 'approve', returnAddress: 'Hangzhou returns desk' });
  await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF123' });
  await handle.signal('courier_event', { dedupKey: 'sf-1', trackingNumber: 'SF123', event: 'delivered', at: Date.now() });
  await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'seam leaks; confirmed defect' });
  expect((await view(handle)).status).toBe('refund_due');
}

describe('a refund the payment partner refuses (time-skipping)', () => {
  // One server per test: time skipping is server-wide, so cases of one test must not hold the clock of another.
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  it('escalates instead of failing the case, then a supervisor retries with a corrected amount under a new key', async () => {
    const fake = refusingPayment();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('refund-refused-retry', returnDetails));
      await toRefundDue(handle);
      // Nothing is blocked yet: the command is not available.
      await expect(send(handle, 'resolve_blocked_refund', { actor: supervisor, resolution: 'retry' })).rejects.toMatchObject({ cause: { type: 'invalid_transition' } });

      await send(handle, 'start_refund', { actor: merchant });
      await env.sleep(HOUR);
      const blocked = await view(handle);
      expect(blocked).toMatchObject({ status: 'refund_due', escalated: true, facts: { refundBlocked: true, blockedRefundKey: 'refund-refused-retry:refund:1' } });
      expect(blocked.closedAt).toBeUndefined();
      expect(blocked.refunds).toEqual([expect.objectContaining({ idempotencyKey: 'refund-refused-retry:refund:1', status: 'failed', failure: 'exceeds refundable amount', amountCents: PAID })]);
      expect(blocked.audit.find((a) => a.action === 'refund_refused')).toMatchObject({
        actor: { role: 'system' },
        data: { refund: 'return_refund', idempotencyKey: 'refund-refused-retry:refund:1', amountCents: PAID, failureType: 'RefundRefused' },
      });
      expect(blocked.escalations).toEqual([expect.objectContaining({ to: 'platform' })]);
      expect(fake.named('pageOnCall')).toEqual([expect.objectContaining({ severity: 'high', caseId: 'refund-refused-retry' })]);
      expect(await handle.query(allowedActionsQuery, 'supervisor')).toContain('resolve_blocked_refund');
      expect(await handle.query(allowedActionsQuery, 'agent')).not.toContain('resolve_blocked_refund');

      // Only the platform decides, and its decision must make sense.
      await expect(send(handle, 'resolve_blocked_refund', { actor: agent, resolution: 'retry' })).rejects.toMatchObject({ cause: { type: 'role_not_allowed' } });
      await expect(send(handle, 'resolve_blocked_refund', { actor: merchant, resolution: 'retry' })).rejects.toMatchObject({ cause: { type: 'role_not_allowed' } });
      await expect(send(handle, 'resolve_blocked_refund', { actor: supervisor, resolution: 'retry', amountCents: 0 })).rejects.toMatchObject({ cause: { type: 'invalid_amount' } });
      await expect(send(handle, 'resolve_blocked_refund', { actor: supervisor, resolution: 'retry', amountCents: PAID + 1 })).rejects.toMatchObject({ cause: { type: 'invalid_amount' } });
      await expect(send(handle, 'resolve_blocked_refund', { actor: supervisor, resolution: 'settled_offline' })).rejects.toMatchObject({ cause: { type: 'reference_required' } });
      expect((await view(handle)).version).toBe(blocked.version);

      const decided = await send(handle, 'resolve_blocked_refund', { actor: supervisor, resolution: 'retry', amountCents: 15_900, reason: 'partner caps the order at 159.00' });
      expect(decided.facts.refundBlocked).toBeUndefined();
      expect(decided.audit.find((a) => a.action === 'refund_retry_ordered')).toMatchObject({
        actor: supervisor,
        reason: 'partner caps the order at 159.00',
        data: { refusedKey: 'refund-refused-retry:refund:1', idempotencyKey: 'refund-refused-retry:refund:2', amountCents: 15_900, refusedAmountCents: PAID },
      });
      await env.sleep(HOUR);

      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded' });
      expect(fake.named('issueRefund').map((r) => [r.idempotencyKey, r.amountCents])).toEqual([
        ['refund-refused-retry:refund:1', PAID],
        ['refund-refused-retry:refund:2', 15_900],
      ]);
      expect(closed.refunds.filter((r) => r.status === 'succeeded')).toEqual([expect.objectContaining({ idempotencyKey: 'refund-refused-retry:refund:2', amountCents: 15_900, refundId: 'r-refund-refused-retry:refund:2' })]);
      expect(closed.refunds[0]).toMatchObject({ status: 'failed', failure: 'exceeds refundable amount' });
      expect(closed.audit.find((a) => a.action === 'refunded')?.data).toMatchObject({ amountCents: 15_900, onBehalfOfMerchant: false });
      expect(fake.named('notifyCustomer').find((n) => n.template === 'refund_issued')).toMatchObject({ variables: { amountCents: 15_900 } });
      expect(closed.charges).toEqual([]);
      await expect(send(handle, 'resolve_blocked_refund', { actor: supervisor, resolution: 'retry' })).rejects.toMatchObject({ cause: { type: 'invalid_transition' } });
    });
  });

  it('closes a refund settled offline with its reference, without calling the payment partner again', async () => {
    const fake = refusingPayment();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('refund-refused-offline', returnDetails));
      await toRefundDue(handle);
      await send(handle, 'start_refund', { actor: merchant });
      await env.sleep(HOUR);
      expect((await view(handle)).facts.refundBlocked).toBe(true);

      await send(handle, 'resolve_blocked_refund', { actor: supervisor, resolution: 'settled_offline', reference: 'BANK-TX-778', reason: 'paid by bank transfer' });
      await env.sleep(HOUR);

      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded' });
      expect(fake.named('issueRefund')).toHaveLength(1);
      expect(closed.refunds).toEqual([
        expect.objectContaining({ idempotencyKey: 'refund-refused-offline:refund:1', status: 'settled_offline', offlineReference: 'BANK-TX-778', amountCents: PAID, failure: 'exceeds refundable amount' }),
      ]);
      expect(closed.audit.find((a) => a.action === 'refund_settled_offline')).toMatchObject({ actor: supervisor, data: { reference: 'BANK-TX-778', amountCents: PAID } });
      expect(closed.audit.map((a) => a.action)).not.toContain('refund_issued');
      expect(closed.facts.refundBlocked).toBeUndefined();
      expect(fake.named('notifyCustomer').map((n) => n.template)).toContain('refund_issued');
    });
  });

  it('retries a refund on the merchant’s behalf that was refused, charging the merchant once', async () => {
    const fake = refusingPayment();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('refund-refused-on-behalf', returnDetails));
      await toRefundDue(handle);
      const clock = (await view(handle)).clocks.find((c) => c.name === 'refund_start')!;
      // The merchant never starts the refund: at the limit the platform refunds on its behalf, and the partner refuses.
      await env.sleep(clock.deadline - (await env.currentTimeMs()) + HOUR);
      const blocked = await view(handle);
      expect(blocked).toMatchObject({ status: 'refund_due', escalated: true, breached: true, facts: { refundBlocked: true } });
      expect(blocked.refunds).toEqual([expect.objectContaining({ status: 'failed', onBehalfOfMerchant: true })]);
      expect(blocked.charges).toEqual([]);
      expect(blocked.escalations.map((e) => e.to)).toEqual(['platform', 'platform']);

      await send(handle, 'resolve_blocked_refund', { actor: { id: 'admin-1', role: 'admin' }, resolution: 'retry' });
      await env.sleep(HOUR);

      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded' });
      expect(fake.named('issueRefund').map((r) => r.idempotencyKey)).toEqual(['refund-refused-on-behalf:refund:1', 'refund-refused-on-behalf:refund:2']);
      expect(closed.refunds[1]).toMatchObject({ status: 'succeeded', onBehalfOfMerchant: true, amountCents: PAID });
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'merchant', amountCents: PAID, reason: 'refund_paid_on_behalf_of_merchant' })]);
      expect(closed.audit.find((a) => a.action === 'refunded')?.data).toMatchObject({ onBehalfOfMerchant: true });
    });
  });
});
