import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { partnerEventSignal } from '../../workflows/messages';
import { caseInput, customer, HOUR, merchant, recordingActivities } from '../support/case-fixtures';
import { caseWorker, send, view } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

describe('partner events as one signal (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('hands partner_event to the hook of its partner, deduplicated with the signals each partner had before, and drops what matches no partner event', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('partner-event', { kind: 'return', reason: 'quality_defect' }));
      await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
      await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF77' });
      const delivered = { dedupKey: 'sf77-delivered', trackingNumber: 'SF77', event: 'delivered' as const, at: 0 };
      await handle.signal(partnerEventSignal, { partner: 'warehouse', ...delivered } as never);
      await handle.signal(partnerEventSignal, { partner: 'courier', ...delivered, at: 'yesterday' } as never);
      expect((await view(handle)).status).toBe('return_in_transit');

      await handle.signal(partnerEventSignal, { partner: 'courier', ...delivered });
      await handle.signal('courier_event', delivered);
      const received = await view(handle);
      expect(received.status).toBe('awaiting_inspection');
      expect(received.audit.filter((a) => a.action === 'return_delivered_to_merchant')).toHaveLength(1);

      await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'seam leaks' });
      await send(handle, 'start_refund', { actor: merchant });
      await env.sleep(HOUR);
      const [refund] = (await view(handle)).refunds;
      expect(refund).toMatchObject({ status: 'succeeded' });
      const failed = { partner: 'payment' as const, dedupKey: 'pay-1', refundId: refund.refundId!, status: 'failed' as const };
      await handle.signal(partnerEventSignal, failed);
      await handle.signal('payment_event', { dedupKey: 'pay-1', refundId: refund.refundId, status: 'succeeded' });
      const reported = await view(handle);
      expect(reported.refunds[0].status).toBe('failed');
      expect(reported.audit.filter((a) => a.action.startsWith('refund_') && a.actor.role === 'payment').map((a) => a.action)).toEqual(['refund_failed']);
    });
  });
});
