import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { assessPriceDifference } from '../../workflows/kinds/refund-only/playbook';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { agent, caseInput, customer, HOUR, merchant, order, recordingActivities } from '../support/case-fixtures';
import { caseWorker, reach, returnGoods, send, view } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const DAY = 24 * HOUR;
const exchange = { kind: 'exchange' as const, reason: 'quality_defect' as const, replacementSku: 'sku-1-b' };

describe('exchange and refund-only playbooks (time-skipping)', () => {
  // One server per test: time skipping is server-wide, so cases of one test must not hold the clock of another.
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  describe('exchange', () => {
    it('reships the replacement after the goods are accepted and closes as exchanged when the customer confirms', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('exchange-confirmed', exchange));
        await returnGoods(handle, 'SF1', { findings: 'defect confirmed' });
        const shipped = await reach(handle, 'awaiting_customer_confirmation');
        expect(shipped.reships).toEqual([expect.objectContaining({ items: [{ sku: 'sku-1-b', quantity: 1 }], reason: 'exchange_replacement', erpOrderId: expect.any(String) })]);
        expect(shipped.clocks.find((c) => c.name === 'customer_confirmation')).toMatchObject({ status: 'running', owner: 'customer' });
        // Too late to convert once the replacement is on its way.
        await expect(send(handle, 'convert_to_refund', { actor: customer, reason: 'changed my mind' })).rejects.toMatchObject({ cause: { type: 'invalid_transition' } });
        await send(handle, 'confirm_resolution', { actor: customer, resolved: true });
        const closed = await view(handle);
        expect(closed).toMatchObject({ status: 'closed', outcome: 'exchanged', refunds: [], charges: [] });
        expect(fake.named('createReshipOrder')).toEqual([expect.objectContaining({ idempotencyKey: 'exchange-confirmed:reship:1', items: [{ sku: 'sku-1-b', quantity: 1 }] })]);
        expect(fake.named('issueRefund')).toHaveLength(0);
        expect(fake.named('notifyCustomer').map((n) => n.template).slice(0, 2)).toEqual(['return_approved', 'replacement_shipped']);
      });
    });

    it('closes as exchanged when the customer does not confirm within the confirmation window (7 days)', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('exchange-silent', exchange));
        await returnGoods(handle, 'SF2', { findings: 'defect confirmed' });
        await reach(handle, 'awaiting_customer_confirmation');
        await env.sleep(7 * DAY - HOUR);
        expect((await view(handle)).status).toBe('awaiting_customer_confirmation');
        await env.sleep(2 * HOUR);
        const closed = await view(handle);
        expect(closed).toMatchObject({ status: 'closed', outcome: 'exchanged', breached: true, refunds: [], charges: [] });
        expect(closed.reships).toEqual([expect.objectContaining({ reason: 'exchange_replacement', erpOrderId: expect.any(String) })]);
        expect(closed.audit.map((a) => a.action)).toContain('closed_without_confirmation');
      });
    });

    it('escalates to a senior agent when the customer says the exchange did not resolve the problem', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('exchange-unresolved', exchange));
        await returnGoods(handle, 'SF3', { findings: 'defect confirmed' });
        await reach(handle, 'awaiting_customer_confirmation');
        await send(handle, 'confirm_resolution', { actor: customer, resolved: false, reason: 'replacement has the same defect' });
        const unresolved = await view(handle);
        expect(unresolved).toMatchObject({ status: 'exchange_unresolved', escalated: true });
        expect(unresolved.escalations[0]).toMatchObject({ to: 'senior_agent' });
        await send(handle, 'confirm_resolution', { actor: { id: 'senior-1', role: 'senior_agent' }, resolved: true, reason: 'second replacement accepted by phone' });
        const closed = await view(handle);
        expect(closed).toMatchObject({ status: 'closed', outcome: 'exchanged', refunds: [], charges: [] });
        expect(closed.reships).toHaveLength(1);
      });
    });

    it('converts to a refund when the customer changes their mind before the reship: refund clock, refund, closed refunded', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('exchange-converted', exchange));
        await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
        await send(handle, 'convert_to_refund', { actor: customer, reason: 'I would rather have my money back' });
        await expect(send(handle, 'convert_to_refund', { actor: agent, reason: 'again' })).rejects.toMatchObject({ cause: { type: 'already_converted' } });
        await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF4' });
        await handle.signal('courier_event', { dedupKey: 'sf4', trackingNumber: 'SF4', event: 'delivered', at: 0 });
        await reach(handle, 'awaiting_inspection');
        await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'ok' });
        const due = await reach(handle, 'refund_due');
        expect(due.clocks.find((c) => c.name === 'refund_start')).toMatchObject({ status: 'running', owner: 'merchant' });
        await send(handle, 'start_refund', { actor: merchant });
        const closed = await reach(handle, 'closed');
        expect(closed).toMatchObject({ outcome: 'refunded', reships: [], charges: [] });
        expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, reason: 'exchange_converted_to_refund', status: 'succeeded', onBehalfOfMerchant: false })]);
        expect(fake.named('createReshipOrder')).toHaveLength(0);
        expect(fake.named('issueRefund')).toHaveLength(1);
      });
    });

    it('converts to a refund when the ERP refuses the reship (replacement out of stock), refunding on the merchant’s behalf at the limit', async () => {
      const fake = recordingActivities({
        createReshipOrder: async () => {
          throw ApplicationFailure.nonRetryable('sku-1-b is out of stock', 'PartnerRejected');
        },
      });
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('exchange-out-of-stock', exchange));
        await returnGoods(handle, 'SF5', { findings: 'defect confirmed' });
        const due = await reach(handle, 'refund_due');
        expect(due.facts.convertedToRefund).toBe(true);
        expect(due.audit.find((a) => a.action === 'converted_to_refund')?.reason).toContain('out of stock');
        expect(due.audit.find((a) => a.action === 'reship_refused')?.reason).toContain('out of stock');
        expect(due.reships).toEqual([expect.objectContaining({ reason: 'exchange_replacement', status: 'failed', failure: 'sku-1-b is out of stock' })]);
        // The merchant does nothing: at the refund limit (3 working days) the platform refunds on its behalf.
        const { deadline } = due.clocks.find((c) => c.name === 'refund_start')!;
        await env.sleep(deadline - (await env.currentTimeMs()) - HOUR);
        expect((await view(handle)).status).toBe('refund_due');
        expect(fake.named('issueRefund')).toHaveLength(0);
        await env.sleep(2 * HOUR);
        const closed = await view(handle);
        expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded', escalated: true });
        expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, reason: 'exchange_converted_to_refund', onBehalfOfMerchant: true })]);
        expect(closed.charges).toEqual([expect.objectContaining({ party: 'merchant', amountCents: 19_900, reason: 'refund_paid_on_behalf_of_merchant' })]);
        expect(closed.reships.filter((r) => r.erpOrderId !== undefined)).toEqual([]);
        expect(fake.named('issueRefund')).toHaveLength(1);
      });
    });
  });

  describe('refund only', () => {
    it('not shipped: refunds at once without merchant review', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('ro-not-shipped', { kind: 'refund_only', ground: 'not_shipped' }, { order: order({ shippedAt: undefined, deliveredAt: undefined }) }));
        const closed = await reach(handle, 'closed');
        expect(closed).toMatchObject({ outcome: 'refunded', reships: [], charges: [] });
        expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, reason: 'not_shipped_refund', status: 'succeeded' })]);
        expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ idempotencyKey: 'ro-not-shipped:refund:1', amountCents: 19_900 })]);
        expect(fake.named('notifyMerchant')).toHaveLength(0);
      });
    });

    it('not shipped: refuses when the order has already shipped', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('ro-already-shipped', { kind: 'refund_only', ground: 'not_shipped' }));
        const closed = await reach(handle, 'closed');
        expect(closed).toMatchObject({ outcome: 'rejected', refunds: [], charges: [] });
        expect(closed.audit[0].reason).toMatch(/^already_shipped/);
        expect(fake.named('issueRefund')).toHaveLength(0);
      });
    });

    it('refused delivery: waits for the courier’s returned_to_sender scan, then the refund clock runs', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('ro-refused', { kind: 'refund_only', ground: 'refused_delivery' }));
        // The customer's own reason: the customer bears the postage of the refused parcel.
        expect(await reach(handle, 'awaiting_return_to_sender')).toMatchObject({ shippingCostBearer: 'customer' });
        await env.sleep(3 * DAY);
        expect((await view(handle)).clocks).toEqual([]);
        // Sent past the API, a scan that breaks the event contract is dropped, and its dedup key is not spent.
        await handle.signal('courier_event', { dedupKey: 'rts-2', event: 'returned_to_sender', at: 'yesterday' } as never);
        await env.sleep(1000);
        expect((await view(handle)).status).toBe('awaiting_return_to_sender');
        await handle.signal('courier_event', { dedupKey: 'rts-1', event: 'in_transit', at: 0 });
        await handle.signal('courier_event', { dedupKey: 'rts-2', event: 'returned_to_sender', at: 0 });
        await handle.signal('courier_event', { dedupKey: 'rts-2', event: 'returned_to_sender', at: 0 });
        const due = await reach(handle, 'refund_due');
        const clock = due.clocks.find((c) => c.name === 'refund_start')!;
        expect(clock.startedAt).toBeGreaterThanOrEqual(due.openedAt + 3 * DAY);
        expect(due.audit.filter((a) => a.action === 'returned_to_sender')).toHaveLength(1);
        await send(handle, 'start_refund', { actor: merchant, reason: 'parcel back, intact' });
        const closed = await reach(handle, 'closed');
        expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, reason: 'refused_delivery_refund', onBehalfOfMerchant: false })]);
        expect(closed.charges).toEqual([]);
        expect(fake.named('issueRefund')).toHaveLength(1);
      });
    });

    it('price difference within the window: refunds paid − promotion price', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const purchasedAt = order().purchasedAt;
        const handle = await start(caseInput('ro-price-ok', { kind: 'refund_only', ground: 'price_difference', promotionStartedAt: purchasedAt + 2 * DAY, promotionPriceCents: 15_900 }));
        await reach(handle, 'refund_due');
        await send(handle, 'start_refund', { actor: merchant });
        const closed = await reach(handle, 'closed');
        expect(closed.outcome).toBe('refunded');
        expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 4_000, reason: 'price_difference_refund' })]);
        expect(closed.charges).toEqual([]);
        expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 4_000 })]);
      });
    });

    it('price difference outside the window: closes rejected with the reason', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const purchasedAt = order().purchasedAt;
        const handle = await start(caseInput('ro-price-late', { kind: 'refund_only', ground: 'price_difference', promotionStartedAt: purchasedAt + 4 * DAY, promotionPriceCents: 15_900 }));
        const closed = await reach(handle, 'closed');
        expect(closed).toMatchObject({ outcome: 'rejected', refunds: [], charges: [] });
        expect(closed.audit[0]).toMatchObject({ action: 'rejected_ineligible', reason: expect.stringMatching(/^price_difference_window_passed/) });
        expect(fake.named('notifyCustomer')[0]).toMatchObject({ template: 'request_rejected' });
        expect(fake.named('issueRefund')).toHaveLength(0);
      });
    });

    it('minor defect: a rejected proposal escalates to a senior agent; an accepted partial refund is paid', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('ro-minor', { kind: 'refund_only', ground: 'minor_defect' }));
        await reach(handle, 'awaiting_remedy');
        await expect(send(handle, 'customer_decision', { actor: customer, accept: true })).rejects.toMatchObject({ cause: { type: 'no_pending_proposal' } });
        await expect(send(handle, 'propose_remedy', { actor: agent, remedy: 'partial_refund', description: 'too much', amountCents: 50_000 })).rejects.toMatchObject({ cause: { type: 'invalid_amount' } });
        await expect(send(handle, 'propose_remedy', { actor: agent, remedy: 'reship_part', description: 'x' })).rejects.toMatchObject({ cause: { type: 'remedy_not_allowed' } });
        await send(handle, 'propose_remedy', { actor: agent, remedy: 'partial_refund', amountCents: 2_000, description: 'scratch on the lid: 20 yuan back' });
        await expect(send(handle, 'customer_decision', { actor: agent, accept: true })).rejects.toMatchObject({ cause: { type: 'role_not_allowed' } });
        await send(handle, 'customer_decision', { actor: customer, accept: false, reason: 'too little' });
        const rejected = await view(handle);
        expect(rejected).toMatchObject({ status: 'awaiting_remedy', escalated: true });
        expect(rejected.escalations).toEqual([expect.objectContaining({ to: 'senior_agent' })]);
        await send(handle, 'propose_remedy', { actor: { id: 'senior-1', role: 'senior_agent' }, remedy: 'partial_refund', amountCents: 5_000, description: '50 yuan back' });
        await send(handle, 'customer_decision', { actor: customer, accept: true });
        await send(handle, 'start_refund', { actor: merchant });
        const closed = await reach(handle, 'closed');
        expect(closed.outcome).toBe('refunded');
        expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 5_000, reason: 'minor_defect_partial_refund' })]);
        expect(closed.charges).toEqual([]);
        expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 5_000 })]);
        // The customer hears of every proposal, the senior agent's second one included.
        const proposals = fake.named('notifyCustomer').filter((n) => n.template === 'remedy_proposed');
        expect(proposals.map((n) => (n.variables as { amountCents: number }).amountCents)).toEqual([2_000, 5_000]);
        expect(new Set(proposals.map((n) => n.idempotencyKey)).size).toBe(2);
      });
    });

    it('minor defect: closes without agreement when the customer does not answer within 7 days', async () => {
      const fake = recordingActivities();
      const { worker, start } = await caseWorker(env, fake.activities);
      await worker.runUntil(async () => {
        const handle = await start(caseInput('ro-minor-silent', { kind: 'refund_only', ground: 'minor_defect' }));
        await reach(handle, 'awaiting_remedy');
        await send(handle, 'propose_remedy', { actor: agent, remedy: 'partial_refund', amountCents: 2_000, description: '20 yuan back' });
        await env.sleep(7 * DAY - HOUR);
        expect((await view(handle)).status).toBe('awaiting_remedy');
        await env.sleep(2 * HOUR);
        const closed = await view(handle);
        expect(closed).toMatchObject({ status: 'closed', outcome: 'no_agreement', refunds: [], charges: [] });
        expect(fake.named('issueRefund')).toHaveLength(0);
        expect(closed.audit.map((a) => a.action)).toContain('remedy_lapsed');
      });
    });
  });

  it('assessPriceDifference: window edges and amounts', () => {
    const o = order();
    expect(assessPriceDifference(o, { promotionStartedAt: o.purchasedAt + 3 * DAY, promotionPriceCents: 9_900 }, DEFAULT_POLICY)).toEqual({ eligible: true, amountCents: 10_000 });
    expect(assessPriceDifference(o, { promotionStartedAt: o.purchasedAt + 3 * DAY + 1, promotionPriceCents: 9_900 }, DEFAULT_POLICY)).toMatchObject({ eligible: false });
    expect(assessPriceDifference(o, { promotionStartedAt: o.purchasedAt - 1, promotionPriceCents: 9_900 }, DEFAULT_POLICY)).toMatchObject({ eligible: false, reason: expect.stringMatching(/^promotion_before_purchase/) });
    expect(assessPriceDifference(o, { promotionStartedAt: o.purchasedAt + DAY, promotionPriceCents: 19_900 }, DEFAULT_POLICY)).toMatchObject({ eligible: false, reason: expect.stringMatching(/^no_price_difference/) });
    expect(assessPriceDifference(o, {}, DEFAULT_POLICY)).toMatchObject({ eligible: false });
  });
});
