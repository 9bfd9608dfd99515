import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { KindDetails } from '../../workflows/domain/case';
import type { RepairEvent } from '../../workflows/messages';
import { caseInput, customer, HOUR, merchant, order, recordingActivities } from '../support/case-fixtures';
import { caseWorker, reach, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const DAY = 24 * HOUR;
const repair = (extra: Partial<Extract<KindDetails, { kind: 'repair' }>> = {}): KindDetails => ({ kind: 'repair', sku: 'sku-1', fault: 'does not heat', ...extra });
const repairEvent = (handle: CaseHandle, repairOrderId: string, event: RepairEvent['event'], extra: Partial<RepairEvent> = {}) =>
  handle.signal('repair_event', { dedupKey: `${handle.workflowId}-${event}`, repairOrderId, event, ...extra });

async function dispatched(handle: CaseHandle): Promise<string> {
  const v = await reach(handle, 'at_repair_provider');
  for (let i = 0; i < 50 && !(await view(handle)).facts.repairOrderId; i++) await new Promise((r) => setTimeout(r, 100));
  const id = (await view(handle)).facts.repairOrderId;
  if (!id) throw new Error(`case ${v.caseId} was never dispatched`);
  return id;
}

describe('repair playbook (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  it('in warranty: free repair collected by the courier, dispatched once, callbacks deduplicated, silence accepts the result', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('repair-free', repair()));
      const opened = await reach(handle, 'awaiting_collection');
      expect(opened.facts).toMatchObject({ repairWarranty: 'in_warranty', repairChargeable: false });
      await send(handle, 'request_pickup', { actor: customer, address: '12 West Lake Rd, Hangzhou' });
      const repairOrderId = await dispatched(handle);
      expect(fake.named('requestCourierPickup')).toHaveLength(1);
      expect(fake.named('dispatchRepair')).toEqual([expect.objectContaining({ idempotencyKey: 'repair-free:repair-dispatch', sku: 'sku-1', chargeable: false, inboundTrackingNumber: expect.any(String) })]);
      for (const event of ['accepted', 'diagnosed', 'repairing', 'repaired'] as const) await repairEvent(handle, repairOrderId, event);
      await repairEvent(handle, repairOrderId, 'shipped_back', { trackingNumber: 'SF-BACK-1' });
      await repairEvent(handle, repairOrderId, 'shipped_back', { trackingNumber: 'SF-BACK-1' });
      const back = await reach(handle, 'awaiting_repair_confirmation');
      expect(back.audit.filter((a) => a.action === 'repair_shipped_back')).toHaveLength(1);
      expect(back.clocks.find((c) => c.name === 'repair_turnaround')).toMatchObject({ status: 'satisfied', owner: 'repair_provider' });
      expect(back.returnTrackingNumber).toBe('SF-BACK-1');
      await env.sleep(7 * DAY + HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'repaired' });
      expect(closed.audit.map((a) => a.action)).toContain('closed_without_confirmation');
      expect(fake.named('dispatchRepair')).toHaveLength(1);
      expect(fake.named('issueRefund')).toEqual([]);
    });
  });

  it('misuse found at diagnosis: the customer declines the quote, the goods come back unrepaired and the case closes', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('repair-declined', repair()));
      await reach(handle, 'awaiting_collection');
      await send(handle, 'drop_off', { actor: customer, location: 'Service point, 3 Harbour Rd' });
      const repairOrderId = await dispatched(handle);
      await repairEvent(handle, repairOrderId, 'diagnosed', { misuse: true, quoteCents: 8_000 });
      const quoted = await reach(handle, 'awaiting_quote_decision');
      expect(quoted.facts).toMatchObject({ repairChargeable: true, repairQuoteCents: 8_000, repairCollection: 'drop_off' });
      expect(quoted.clocks.find((c) => c.name === 'repair_turnaround')?.status).toBe('paused');
      expect(fake.named('requestCourierPickup')).toEqual([]);
      await send(handle, 'customer_decision', { actor: customer, accept: false });
      // The goods come back first (repair-unrepaired-return-tracked): the provider owes their delivery to the customer.
      const returning = await reach(handle, 'returning_unrepaired');
      expect(returning.clocks.find((c) => c.name === 'repair_unrepaired_return')).toMatchObject({ status: 'running', owner: 'repair_provider', deadline: expect.any(Number) });
      expect(returning.owingParty).toBe('repair_provider');
      expect(fake.named('instructRepair')).toEqual([expect.objectContaining({ repairOrderId, instruction: 'return_unrepaired' })]);
      await repairEvent(handle, repairOrderId, 'shipped_back', { trackingNumber: 'SF-BACK-1' });
      await handle.signal('courier_event', { dedupKey: 'SF-OTHER-delivered', trackingNumber: 'SF-OTHER', event: 'delivered', at: 0 });
      expect((await view(handle)).status).toBe('returning_unrepaired');
      await handle.signal('courier_event', { dedupKey: 'SF-BACK-1-delivered', trackingNumber: 'SF-BACK-1', event: 'delivered', at: 0 });
      const closed = await reach(handle, 'closed');
      expect(closed.outcome).toBe('returned_unrepaired');
      expect(closed.clocks.find((c) => c.name === 'repair_unrepaired_return')?.status).toBe('satisfied');
      expect(closed.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['unrepaired_return_instructed', 'repair_shipped_back', 'unrepaired_goods_delivered']));
    });
  });

  it('out of warranty: quote accepted, the repair goes on; unrepairable → discount refund within the item price', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const old = order({ purchasedAt: Date.UTC(2024, 0, 2), shippedAt: Date.UTC(2024, 0, 3), deliveredAt: Date.UTC(2024, 0, 5) });
      const handle = await start(caseInput('repair-unrepairable', repair(), { order: old }));
      expect((await reach(handle, 'awaiting_collection')).facts).toMatchObject({ repairWarranty: 'out_of_warranty', repairChargeable: true });
      await send(handle, 'drop_off', { actor: customer, location: 'Service point' });
      const repairOrderId = await dispatched(handle);
      expect(fake.named('dispatchRepair')[0]).toMatchObject({ chargeable: true });
      await repairEvent(handle, repairOrderId, 'diagnosed', { quoteCents: 6_000 });
      await reach(handle, 'awaiting_quote_decision');
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const resumed = await reach(handle, 'at_repair_provider');
      expect(resumed.clocks.find((c) => c.name === 'repair_turnaround')?.status).toBe('running');
      expect(fake.named('instructRepair')).toEqual([expect.objectContaining({ instruction: 'proceed' })]);
      await repairEvent(handle, repairOrderId, 'unrepairable', { note: 'board burnt out' });
      await reach(handle, 'awaiting_repair_remedy');
      await expect(send(handle, 'choose_repair_remedy', { actor: customer, remedy: 'discount_refund', amountCents: 19_901 })).rejects.toMatchObject({ cause: { type: 'amount_out_of_bounds' } });
      await send(handle, 'choose_repair_remedy', { actor: customer, remedy: 'discount_refund', amountCents: 5_000 });
      const due = await reach(handle, 'refund_due');
      expect(due.facts).toMatchObject({ refundAmountCents: 5_000, refundReason: 'repair_discount_refund' });
      await send(handle, 'start_refund', { actor: merchant });
      await env.sleep(HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded' });
      expect(closed.refunds.map((r) => r.amountCents)).toEqual([5_000]);
    });
  });

  it('repaired but still faulty: the customer chooses an exchange, reshipped through the ERP; return-and-refund takes the goods back (pickup, delivery, inspection) before it refunds the item', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const exchange = await start(caseInput('repair-still-faulty', repair()));
      const refund = await start(caseInput('repair-return-refund', repair()));
      for (const handle of [exchange, refund]) {
        await reach(handle, 'awaiting_collection');
        await send(handle, 'drop_off', { actor: customer, location: 'Service point' });
        const repairOrderId = await dispatched(handle);
        await repairEvent(handle, repairOrderId, 'repaired');
        await repairEvent(handle, repairOrderId, 'shipped_back', { trackingNumber: `SF-${handle.workflowId}` });
        await reach(handle, 'awaiting_repair_confirmation');
        await send(handle, 'confirm_resolution', { actor: customer, resolved: false, reason: 'still does not heat' });
        expect((await reach(handle, 'awaiting_repair_remedy')).facts.repairResult).toBe('still_faulty');
      }
      await send(exchange, 'choose_repair_remedy', { actor: customer, remedy: 'exchange' });
      expect(await reach(exchange, 'closed')).toMatchObject({ outcome: 'exchanged' });
      expect(fake.named('createReshipOrder')).toEqual([expect.objectContaining({ items: [{ sku: 'sku-1', quantity: 1 }] })]);
      await send(refund, 'choose_repair_remedy', { actor: customer, remedy: 'return_refund' });
      const arranged = await reach(refund, 'awaiting_return_shipment');
      expect(arranged).toMatchObject({ shippingCostBearer: 'merchant', returnAddress: expect.any(String) });
      expect(arranged.clocks.find((c) => c.name === 'customer_ship_back')).toMatchObject({ status: 'running', owner: 'customer' });
      await env.sleep(HOUR);
      expect(fake.named('issueRefund')).toEqual([]);
      await send(refund, 'request_pickup', { actor: customer, address: '12 West Lake Rd, Hangzhou' });
      await reach(refund, 'return_in_transit');
      for (let i = 0; i < 50 && fake.named('requestCourierPickup').length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(fake.named('requestCourierPickup')).toEqual([expect.objectContaining({ idempotencyKey: 'repair-return-refund:return-pickup', address: '12 West Lake Rd, Hangzhou' })]);
      let tracking: string | undefined;
      for (let i = 0; i < 50 && !tracking; i++) {
        const v = await view(refund);
        tracking = v.facts.pickupId ? v.returnTrackingNumber : undefined;
        if (!tracking) await new Promise((r) => setTimeout(r, 100));
      }
      await refund.signal('courier_event', { dedupKey: `${tracking}-delivered`, trackingNumber: tracking, event: 'delivered', at: 0 });
      await reach(refund, 'awaiting_inspection');
      expect(fake.named('issueRefund')).toEqual([]);
      await expect(send(refund, 'inspect', { actor: merchant, result: 'accepted', findings: 'x', items: [{ sku: 'sku-1', result: 'accepted' }] })).rejects.toMatchObject({ cause: { type: 'items_not_applicable' } });
      await send(refund, 'inspect', { actor: merchant, result: 'accepted', findings: 'heating element dead, as reported' });
      expect((await reach(refund, 'refund_due')).facts).toMatchObject({ refundAmountCents: 19_900, refundReason: 'repair_return_refund' });
      await send(refund, 'start_refund', { actor: merchant });
      const closed = await reach(refund, 'closed');
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, reason: 'repair_return_refund' })]);
      expect(closed.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['return_arranged', 'pickup_requested', 'return_delivered_to_merchant', 'inspection_accepted', 'refund_conditions_met']));
    });
  });

  it('an exchange the ERP refuses becomes a refund only once the goods are back and accepted (repair-exchange-refused-returns-goods)', async () => {
    const fake = recordingActivities({
      createReshipOrder: async (input) => {
        fake.calls.push({ name: 'createReshipOrder', input });
        throw ApplicationFailure.nonRetryable('replacement out of stock', 'PartnerRefused');
      },
    });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('repair-exchange-refused', repair()));
      await reach(handle, 'awaiting_collection');
      await send(handle, 'drop_off', { actor: customer, location: 'Service point' });
      const repairOrderId = await dispatched(handle);
      await repairEvent(handle, repairOrderId, 'unrepairable');
      await reach(handle, 'awaiting_repair_remedy');
      await send(handle, 'choose_repair_remedy', { actor: customer, remedy: 'exchange' });
      const arranged = await reach(handle, 'awaiting_return_shipment');
      expect(arranged).toMatchObject({ shippingCostBearer: 'merchant', facts: { convertedToRefund: true } });
      expect(arranged.clocks.find((c) => c.name === 'customer_ship_back')).toMatchObject({ status: 'running', owner: 'customer' });
      expect(arranged.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['reship_refused', 'converted_to_refund', 'return_arranged']));
      await env.sleep(HOUR);
      expect(fake.named('issueRefund')).toEqual([]);
      await send(handle, 'ship_back', { actor: customer, trackingNumber: 'SF-EXR-1' });
      await handle.signal('courier_event', { dedupKey: 'SF-EXR-1-delivered', trackingNumber: 'SF-EXR-1', event: 'delivered', at: 0 });
      await reach(handle, 'awaiting_inspection');
      expect(fake.named('issueRefund')).toEqual([]);
      await send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'dead heating element' });
      expect((await reach(handle, 'refund_due')).facts).toMatchObject({ refundAmountCents: 19_900, refundReason: 'repair_return_refund' });
    });
  });

  it('the provider overruns: a warning at the warn mark, an escalation to the platform at the breach; a silent quote is declined; an unchosen remedy goes to a senior agent', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const slow = await start(caseInput('repair-overdue', repair()));
      const silent = await start(caseInput('repair-quote-silent', repair({ misuse: true })));
      const undecided = await start(caseInput('repair-remedy-silent', repair()));
      for (const handle of [slow, silent, undecided]) {
        await reach(handle, 'awaiting_collection');
        await send(handle, 'drop_off', { actor: customer, location: 'Service point' });
      }
      await dispatched(slow);
      await repairEvent(undecided, await dispatched(undecided), 'unrepairable');
      expect((await reach(undecided, 'awaiting_repair_remedy')).clocks.find((c) => c.name === 'repair_remedy_choice')).toMatchObject({ status: 'running', owner: 'customer' });
      await repairEvent(silent, await dispatched(silent), 'diagnosed', { quoteCents: 3_000 });
      await reach(silent, 'awaiting_quote_decision');
      await env.sleep(4 * DAY);
      expect(await view(silent)).toMatchObject({ status: 'returning_unrepaired' });
      expect(fake.named('instructRepair')).toEqual([expect.objectContaining({ instruction: 'return_unrepaired' })]);
      await env.sleep(17 * DAY);
      const overdue = await view(slow);
      expect(overdue.status).toBe('at_repair_provider');
      expect(overdue.clocks.find((c) => c.name === 'repair_turnaround')).toMatchObject({ status: 'breached', warned: true, owner: 'repair_provider' });
      expect(overdue.escalations).toEqual([expect.objectContaining({ to: 'platform', clock: 'repair_turnaround' })]);
      expect(fake.named('notifyCustomer').filter((n) => n.caseId === 'repair-overdue').map((n) => n.template)).toContain('repair_delayed');
      const unchosen = await view(undecided);
      expect(unchosen).toMatchObject({ status: 'awaiting_repair_remedy', escalations: [expect.objectContaining({ to: 'senior_agent', clock: 'repair_remedy_choice' })] });
    });
  });

  it('a provider outage delays the dispatch without doubling it; a category without warranty information is refused', async () => {
    let failures = 2;
    const fake = recordingActivities({
      dispatchRepair: async (input) => {
        fake.calls.push({ name: 'dispatchRepair', input });
        if (failures-- > 0) throw ApplicationFailure.retryable('repair provider answered 503', 'PartnerUnavailable');
        return { repairOrderId: `rep-${input.idempotencyKey}` };
      },
    });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('repair-provider-outage', repair()));
      await reach(handle, 'awaiting_collection');
      await send(handle, 'drop_off', { actor: customer, location: 'Service point' });
      const repairOrderId = await dispatched(handle);
      const attempts = fake.named('dispatchRepair');
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((a) => a.idempotencyKey))).toEqual(new Set(['repair-provider-outage:repair-dispatch']));
      expect((await view(handle)).audit.filter((a) => a.action === 'repair_dispatched')).toEqual([expect.objectContaining({ data: expect.objectContaining({ repairOrderId }) })]);

      const none = await start(caseInput('repair-no-warranty', repair(), { order: order({ category: 'garden' }) }));
      const closed = await reach(none, 'closed');
      expect(closed).toMatchObject({ outcome: 'rejected' });
      expect(closed.audit.find((a) => a.action === 'rejected_no_warranty_info')?.reason).toMatch(/no warranty period for category "garden"/);
    });
  });

  it('collection: the customer owes the hand-over, is reminded at the warn mark and the case closes as abandoned with notice at the breach; a drop-off satisfies it', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('repair-uncollected', repair()));
      const opened = await reach(handle, 'awaiting_collection');
      const collection = opened.clocks.find((c) => c.name === 'repair_collection')!;
      expect(collection).toMatchObject({ status: 'running', owner: 'customer', breachAction: 'close_abandoned' });
      expect(collection.deadline - collection.startedAt).toBe(7 * DAY);
      expect(opened.owingParty).toBe('customer');
      const reminders = () => fake.named('notifyCustomer').filter((n) => n.caseId === 'repair-uncollected' && n.template === 'repair_collection_reminder');
      await env.sleep(4 * DAY);
      expect(reminders()).toEqual([]);
      await env.sleep(DAY + HOUR);
      expect(reminders()).toHaveLength(1);
      expect((await view(handle)).clocks.find((c) => c.name === 'repair_collection')).toMatchObject({ status: 'running', warned: true });
      await env.sleep(2 * DAY);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'abandoned' });
      expect(closed.clocks.find((c) => c.name === 'repair_collection')).toMatchObject({ status: 'breached' });
      expect(closed.audit.find((a) => a.action === 'closed_abandoned')?.at).toBeGreaterThanOrEqual(collection.deadline);
      expect(fake.named('notifyCustomer').filter((n) => n.caseId === 'repair-uncollected').map((n) => n.template)).toContain('closed_abandoned');
      expect(fake.named('dispatchRepair')).toEqual([]);

      const dropped = await start(caseInput('repair-dropped-off', repair()));
      await reach(dropped, 'awaiting_collection');
      await env.sleep(DAY);
      await send(dropped, 'drop_off', { actor: customer, location: 'service point 4, Binjiang' });
      await dispatched(dropped);
      await env.sleep(7 * DAY);
      const atProvider = await view(dropped);
      expect(atProvider.status).toBe('at_repair_provider');
      expect(atProvider.clocks.find((c) => c.name === 'repair_collection')).toMatchObject({ status: 'satisfied' });
      expect(fake.named('notifyCustomer').filter((n) => n.caseId === 'repair-dropped-off' && n.template === 'repair_collection_reminder')).toEqual([]);
    });
  });

  it('unrepairable, return-and-refund: shipped back with postage, the merchant silent past the inspection limit (deemed accepted), postage and item refunded; never shipped: abandoned', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const shipped = await start(caseInput('repair-return-shipped', repair()));
      const kept = await start(caseInput('repair-return-kept', repair()));
      for (const handle of [shipped, kept]) {
        await reach(handle, 'awaiting_collection');
        await send(handle, 'drop_off', { actor: customer, location: 'Service point' });
        await repairEvent(handle, await dispatched(handle), 'unrepairable', { note: 'no spare parts' });
        await reach(handle, 'awaiting_repair_remedy');
        await send(handle, 'choose_repair_remedy', { actor: customer, remedy: 'return_refund' });
        await reach(handle, 'awaiting_return_shipment');
      }
      await send(shipped, 'ship_back', { actor: customer, trackingNumber: 'SF-RET-1', postageCents: 1_200 });
      await reach(shipped, 'return_in_transit');
      await shipped.signal('courier_event', { dedupKey: 'SF-RET-1-delivered', trackingNumber: 'SF-RET-1', event: 'delivered', at: 0 });
      const delivered = await reach(shipped, 'awaiting_inspection');
      expect(delivered.clocks.find((c) => c.name === 'merchant_inspection')).toMatchObject({ status: 'running', owner: 'merchant' });
      expect(fake.named('issueRefund').filter((r) => r.caseId === 'repair-return-shipped')).toEqual([]);
      await env.sleep(48 * HOUR + HOUR);
      const due = await view(shipped);
      expect(due).toMatchObject({ status: 'refund_due', facts: { refundAmountCents: 19_900, refundReason: 'repair_return_refund' } });
      expect(due.audit.map((a) => a.action)).toContain('inspection_deemed_accepted');
      expect(fake.named('issueRefund').filter((r) => r.caseId === 'repair-return-shipped').map((r) => r.amountCents)).toEqual([1_200]);
      expect(fake.named('requestCourierPickup')).toEqual([]);

      await env.sleep(7 * DAY);
      const abandoned = await view(kept);
      expect(abandoned).toMatchObject({ status: 'closed', outcome: 'abandoned' });
      expect(fake.named('issueRefund').filter((r) => r.caseId === 'repair-return-kept')).toEqual([]);
      expect(fake.named('notifyCustomer').filter((n) => n.caseId === 'repair-return-kept').map((n) => n.template)).toContain('closed_abandoned');
    });
  });
});
