/** Seed 003's special cases, each walked end to end; the final view's refunds, reships and charges are checked. */
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CheckOutboundWeightResult } from '../../activities/partners';
import { agent, caseInput, customer, HOUR, merchant, order, recordingActivities, senior } from '../support/case-fixtures';
import { caseWorker, reach, returnGoods, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

/** A kettle and its lid: the lid can go missing or break on its own. */
const twoItems = order({
  items: [
    { sku: 'sku-1', name: 'Kettle', quantity: 1, unitPriceCents: 14_900 },
    { sku: 'sku-2', name: 'Lid', quantity: 1, unitPriceCents: 5_000 },
  ],
});

/** The templates sent to the customer, once `template` is among them: a case closes first, then notifies (an activity). */
async function notifiedOnce(fake: ReturnType<typeof recordingActivities>, template: string) {
  const templates = () => fake.named('notifyCustomer').map((n) => n.template);
  for (let i = 0; i < 100 && !templates().includes(template); i++) await new Promise((r) => setTimeout(r, 100));
  return templates();
}

/** The ERP's business refusal of a reship order (the partner adapter's non-retryable failure). */
const outOfStock = () => ApplicationFailure.nonRetryable('out of stock', 'PartnerRefused');

/** Not failed: after closing, a case waits for its satisfaction survey. */
async function notFailed(handle: CaseHandle) {
  expect((await handle.describe()).status.name).toBe('RUNNING');
}

const weight = (mismatch: boolean): (() => Promise<CheckOutboundWeightResult>) => async () => ({ recordedWeightGrams: 1500, measuredWeightGrams: mismatch ? 1200 : 1500, mismatch });

describe('SOP (seed 003) branches (time-skipping)', () => {
  // One server per test: time skipping is server-wide, so cases of one test must not hold the clock of another.
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  it("customer's own reason (changed mind): the customer pays the return postage; only the goods are refunded", async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const now = await env.currentTimeMs();
      const handle = await start(caseInput('sop-changed-mind', { kind: 'return', reason: 'changed_mind', goodsIntact: true }, { order: order({ deliveredAt: now - 2 * 24 * HOUR }) }));
      expect(await reach(handle, 'awaiting_merchant_review')).toMatchObject({ responsibleParty: 'customer', shippingCostBearer: 'customer' });
      await returnGoods(handle, 'CM1', { postageCents: 1_200 });
      await reach(handle, 'refund_due');
      await send(handle, 'start_refund', { actor: merchant });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'refunded', reships: [], charges: [] });
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, reason: 'return_refund', status: 'succeeded' })]);
      expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 19_900 })]);
      expect(fake.named('notifyCustomer').map((n) => n.template)).not.toContain('postage_refunded');
    });
  });

  it.each(['late_shipment', 'out_of_stock'] as const)("merchant's fault (%s): apology and gift recorded, the merchant pays postage (refunded), the return then refunds", async (reason) => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput(`sop-${reason}`, { kind: 'return', reason }));
      const review = await reach(handle, 'awaiting_merchant_review');
      expect(review).toMatchObject({ shippingCostBearer: 'merchant', responsibleParty: 'merchant', facts: { apologyGift: 'gift added to the next shipment', postageBorneBy: 'merchant' } });
      expect(review.audit.map((a) => a.action)).toEqual(['apology_gift_offered', 'submitted_for_merchant_review']);
      await returnGoods(handle, 'LS1', { postageCents: 1_200 });
      await reach(handle, 'refund_due');
      await send(handle, 'start_refund', { actor: merchant });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'refunded', reships: [], charges: [] });
      expect(closed.refunds).toEqual([
        expect.objectContaining({ amountCents: 1_200, reason: 'return_postage_refund', status: 'succeeded' }),
        expect.objectContaining({ amountCents: 19_900, reason: 'return_refund', status: 'succeeded' }),
      ]);
      expect((await notifiedOnce(fake, 'refund_issued')).slice(0, 4)).toEqual(['apology', 'return_approved', 'postage_refunded', 'refund_issued']);
    });
  });

  it("courier's fault (damaged in transit, outer package damaged): the part is reshipped via the ERP and the courier bears the whole cost", async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-transit', { kind: 'return', reason: 'damaged_in_transit', outerPackageDamaged: true }, { order: twoItems }));
      const open = await reach(handle, 'awaiting_remedy_agreement');
      expect(open).toMatchObject({ responsibleParty: 'courier', shippingCostBearer: 'courier' });
      await expect(send(handle, 'propose_remedy', { actor: agent, remedy: 'gift', description: 'x' })).rejects.toMatchObject({ cause: { type: 'remedy_not_allowed' } });
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'reship_part', items: [{ sku: 'sku-2', quantity: 1 }], description: 'reship the cracked lid', evidence: [{ kind: 'photo', uri: 'evidence://box' }] });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'reshipped', refunds: [] });
      expect(closed.reships).toEqual([expect.objectContaining({ items: [{ sku: 'sku-2', quantity: 1 }], erpOrderId: expect.any(String) })]);
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'courier', amountCents: 5_000, reason: 'damaged_in_transit' })]);
      expect(fake.named('createReshipOrder')).toEqual([expect.objectContaining({ idempotencyKey: 'sop-transit:reship:1', items: [{ sku: 'sku-2', quantity: 1 }] })]);
      expect(fake.named('fileCourierClaim')).toEqual([expect.objectContaining({ idempotencyKey: 'sop-transit:courier-claim:damaged_in_transit', amountCents: 5_000 })]);
      expect(closed.facts.courierClaimId).toEqual(expect.any(String));
      expect(fake.named('issueRefund')).toHaveLength(0);
    });
  });

  it("courier's fault (parcel lost): the whole order is reshipped via the ERP and charged to the courier, with a claim", async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-lost', { kind: 'return', reason: 'lost_in_transit' }, { order: twoItems }));
      const open = await reach(handle, 'awaiting_remedy_agreement');
      expect(open).toMatchObject({ responsibleParty: 'courier', shippingCostBearer: 'courier' });
      expect(open.clocks.find((c) => c.name === 'merchant_review')).toBeUndefined();
      await expect(send(handle, 'propose_remedy', { actor: agent, remedy: 'partial_refund', amountCents: 100, description: 'x' })).rejects.toMatchObject({ cause: { type: 'remedy_not_allowed' } });
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'reship_part', description: 'the parcel is lost: reship the order' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'reshipped', refunds: [] });
      expect(closed.reships).toEqual([expect.objectContaining({ items: [{ sku: 'sku-1', quantity: 1 }, { sku: 'sku-2', quantity: 1 }], erpOrderId: expect.any(String) })]);
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'courier', amountCents: 19_900, reason: 'lost_in_transit' })]);
      expect(fake.named('fileCourierClaim')).toEqual([expect.objectContaining({ reason: 'lost_in_transit', amountCents: 19_900 })]);
      expect(fake.named('issueRefund')).toHaveLength(0);
    });
  });

  it('damaged in transit with intact outer packaging: the merchant is responsible; a price-difference refund settles it, no courier charge', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-transit-inner', { kind: 'return', reason: 'damaged_in_transit', outerPackageDamaged: false }));
      expect(await reach(handle, 'awaiting_remedy_agreement')).toMatchObject({ responsibleParty: 'merchant' });
      await send(handle, 'propose_remedy', { actor: merchant, remedy: 'price_difference_refund', amountCents: 3_000, description: 'dent on the side: 30 yuan back, keep it' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'partially_refunded', reships: [], charges: [] });
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 3_000, status: 'succeeded' })]);
      expect(fake.named('fileCourierClaim')).toHaveLength(0);
    });
  });

  it('damaged in transit, the customer wants a full refund: courier charged, then the goods go back through the return path', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-transit-return', { kind: 'return', reason: 'damaged_in_transit', outerPackageDamaged: true }));
      await reach(handle, 'awaiting_remedy_agreement');
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'refund', description: 'return it for a full refund' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      await reach(handle, 'awaiting_merchant_review');
      await returnGoods(handle, 'DT1', { postageCents: 1_000 });
      await reach(handle, 'refund_due');
      await send(handle, 'start_refund', { actor: merchant });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'refunded', shippingCostBearer: 'courier' });
      expect(closed.refunds).toEqual([
        expect.objectContaining({ amountCents: 1_000, reason: 'return_postage_refund' }),
        expect.objectContaining({ amountCents: 19_900, reason: 'return_refund' }),
      ]);
      // The courier bears the goods and the return postage.
      expect(closed.charges).toEqual([
        expect.objectContaining({ party: 'courier', amountCents: 19_900, reason: 'damaged_in_transit' }),
        expect.objectContaining({ party: 'courier', amountCents: 1_000, reason: 'return_postage' }),
      ]);
      expect(fake.named('fileCourierClaim')).toHaveLength(1);
    });
  });

  it('quality: exchanged without argument — the goods come back and a reship order is created in the ERP', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-quality-exchange', { kind: 'exchange', reason: 'quality_defect' }));
      await returnGoods(handle, 'Q1');
      await reach(handle, 'awaiting_customer_confirmation');
      await send(handle, 'confirm_resolution', { actor: customer, resolved: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'exchanged', refunds: [], charges: [], shippingCostBearer: 'merchant' });
      expect(closed.reships).toEqual([expect.objectContaining({ items: [{ sku: 'sku-1', quantity: 1 }], erpOrderId: expect.any(String) })]);
      expect(fake.named('createReshipOrder')).toHaveLength(1);
    });
  });

  it('quality: refunded instead when the customer prefers (convert_to_refund)', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-quality-refund', { kind: 'exchange', reason: 'quality_defect' }));
      await reach(handle, 'awaiting_merchant_review');
      await send(handle, 'convert_to_refund', { actor: agent, reason: 'customer prefers a refund (phone)' });
      await returnGoods(handle, 'Q2');
      await reach(handle, 'refund_due');
      await send(handle, 'start_refund', { actor: merchant });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'refunded', reships: [], charges: [] });
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 19_900, reason: 'exchange_converted_to_refund' })]);
      expect(fake.named('createReshipOrder')).toHaveLength(0);
    });
  });

  it('wrong item: exchange = return, then the right item is reshipped', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-wrong-exchange', { kind: 'exchange', reason: 'wrong_item', replacementSku: 'sku-1-blue' }));
      await returnGoods(handle, 'W1', { postageCents: 1_500 });
      await reach(handle, 'awaiting_customer_confirmation');
      await send(handle, 'confirm_resolution', { actor: customer, resolved: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'exchanged', shippingCostBearer: 'merchant', charges: [] });
      // The postage the customer advanced for sending the wrong item back is refunded.
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 1_500, reason: 'return_postage_refund', status: 'succeeded' })]);
      expect(closed.reships).toEqual([expect.objectContaining({ items: [{ sku: 'sku-1-blue', quantity: 1 }], erpOrderId: expect.any(String) })]);
      expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 1_500 })]);
    });
  });

  it('wrong item: the customer keeps it and receives the price difference (propose_remedy price_difference_refund)', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-wrong-keep', { kind: 'exchange', reason: 'wrong_item' }));
      await reach(handle, 'awaiting_merchant_review');
      await send(handle, 'propose_remedy', { actor: merchant, remedy: 'price_difference_refund', amountCents: 2_500, description: 'keep the 1.5 l model, 25 yuan back' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'kept_with_price_difference', reships: [], charges: [] });
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 2_500, reason: 'wrong_item_price_difference', status: 'succeeded' })]);
      expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 2_500 })]);
      expect(fake.named('createReshipOrder')).toHaveLength(0);
    });
  });

  it('wrong item: the customer keeps a dearer item and owes the difference — a charge against the customer, nothing refunded', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-wrong-owes', { kind: 'exchange', reason: 'wrong_item' }));
      await reach(handle, 'awaiting_merchant_review');
      await expect(send(handle, 'propose_remedy', { actor: merchant, remedy: 'price_difference_charge', description: 'no amount' })).rejects.toMatchObject({ cause: { type: 'amount_required' } });
      await expect(send(handle, 'propose_remedy', { actor: merchant, remedy: 'price_difference_charge', amountCents: 3_000, description: 'x', items: [{ sku: 'sku-1', quantity: 1 }] })).rejects.toMatchObject({
        cause: { type: 'invalid_items' },
      });
      await send(handle, 'propose_remedy', { actor: merchant, remedy: 'price_difference_charge', amountCents: 3_000, description: 'keep the 2 l model and pay 30 yuan more' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'kept_with_price_difference', refunds: [], reships: [] });
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'customer', amountCents: 3_000, reason: 'wrong_item_price_difference_owed' })]);
      expect(fake.named('issueRefund')).toHaveLength(0);
      expect(await notifiedOnce(fake, 'price_difference_due')).toEqual(expect.arrayContaining(['remedy_proposed', 'price_difference_due']));
    });
  });

  it('wrong item: while the customer considers keeping it, the merchant-review clock stands still (no default approval); a lapsed proposal resumes it', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-wrong-pending', { kind: 'exchange', reason: 'wrong_item' }));
      await reach(handle, 'awaiting_merchant_review');
      await env.sleep(HOUR);
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'price_difference_refund', amountCents: 2_500, description: 'keep it, 25 yuan back' });
      const pending = await view(handle);
      const paused = pending.clocks.find((c) => c.name === 'merchant_review')!;
      expect(paused).toMatchObject({ status: 'paused' });
      // Well past the 48 h review limit: no reminder, no default approval while the customer decides.
      await env.sleep(3 * 24 * HOUR);
      const waiting = await view(handle);
      expect(waiting.status).toBe('awaiting_merchant_review');
      expect(waiting.audit.map((a) => a.action)).not.toContain('approved_by_default');
      expect(fake.named('notifyMerchant').map((n) => n.event)).toEqual(['return_requested']);
      expect(fake.named('notifyCustomer').map((n) => n.template)).not.toContain('return_approved');
      // The customer never answers: the proposal lapses after 7 days and the review clock runs on with the 47 h it had left.
      await env.sleep(4 * 24 * HOUR + HOUR);
      const lapsed = await view(handle);
      expect(lapsed.status).toBe('awaiting_merchant_review');
      expect(lapsed.facts.pendingRemedy).toBeUndefined();
      expect(lapsed.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['sla_paused', 'remedy_lapsed', 'sla_resumed']));
      const resumed = lapsed.clocks.find((c) => c.name === 'merchant_review')!;
      expect(resumed.status).toBe('running');
      const lapseAt = lapsed.audit.find((a) => a.action === 'remedy_lapsed')!.at;
      expect(resumed.deadline).toBe(lapseAt + (paused.deadline - paused.pausedAt!));
      await env.sleep(resumed.deadline - (await env.currentTimeMs()) - HOUR);
      expect((await view(handle)).status).toBe('awaiting_merchant_review');
      await env.sleep(2 * HOUR);
      const approved = await view(handle);
      expect(approved.status).toBe('awaiting_return_shipment');
      expect(approved.audit.map((a) => a.action)).toContain('approved_by_default');
      expect(approved).toMatchObject({ refunds: [], charges: [], reships: [] });
    });
  });

  it('keeping the goods against a price difference is refused for anything but a wrong item', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-keep-refused', { kind: 'exchange', reason: 'quality_defect' }));
      await reach(handle, 'awaiting_merchant_review');
      await expect(send(handle, 'propose_remedy', { actor: agent, remedy: 'price_difference_refund', amountCents: 100, description: 'x' })).rejects.toMatchObject({ cause: { type: 'remedy_not_allowed' } });
    });
  });

  it('missing item, outbound weight mismatches: refund rejected, reship accepted; the warehouse bears the cost', async () => {
    const fake = recordingActivities({ checkOutboundWeight: async (i) => (fake.calls.push({ name: 'checkOutboundWeight', input: i }), weight(true)()) });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-missing', { kind: 'return', reason: 'missing_item' }, { order: twoItems }));
      const open = await reach(handle, 'awaiting_remedy_agreement');
      expect(open).toMatchObject({ responsibleParty: 'warehouse', facts: { outboundWeightMismatch: true } });
      expect(fake.named('checkOutboundWeight')).toEqual([expect.objectContaining({ idempotencyKey: 'sop-missing:outbound-weight', orderId: 'order-1', companyId: 'courier', warehouseId: 'warehouse' })]);
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'refund', amountCents: 5_000, description: 'refund the missing lid' });
      await send(handle, 'customer_decision', { actor: customer, accept: false, reason: 'I want the lid' });
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'reship_part', items: [{ sku: 'sku-2', quantity: 1 }], description: 'reship the lid' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'reshipped', refunds: [] });
      expect(closed.reships).toEqual([expect.objectContaining({ items: [{ sku: 'sku-2', quantity: 1 }] })]);
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'warehouse', amountCents: 5_000, reason: 'missing_item' })]);
      expect(fake.named('fileCourierClaim')).toHaveLength(0);
      expect(closed.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['outbound_weight_checked', 'outbound_weight_mismatch', 'remedy_rejected', 'remedy_accepted', 'reship_ordered', 'charge_recorded']));
    });
  });

  it('missing item, outbound weight mismatches, the customer prefers a refund: the missing item is refunded and charged to the warehouse', async () => {
    const fake = recordingActivities({ checkOutboundWeight: weight(true) });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-missing-refund', { kind: 'return', reason: 'missing_item' }, { order: twoItems }));
      await reach(handle, 'awaiting_remedy_agreement');
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'refund', items: [{ sku: 'sku-2', quantity: 1 }], description: 'refund the missing lid' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'partially_refunded', reships: [] });
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 5_000, status: 'succeeded' })]);
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'warehouse', amountCents: 5_000, reason: 'missing_item' })]);
      expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 5_000 })]);
      expect(fake.named('createReshipOrder')).toHaveLength(0);
    });
  });

  it('missing item, outbound weight matches: escalated to a senior agent, who settles it; no warehouse charge', async () => {
    const fake = recordingActivities({ checkOutboundWeight: weight(false) });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-missing-match', { kind: 'return', reason: 'missing_item' }, { order: twoItems }));
      const review = await reach(handle, 'awaiting_senior_review');
      expect(review).toMatchObject({ escalated: true, facts: { outboundWeightMismatch: false } });
      expect(review.escalations).toEqual([expect.objectContaining({ to: 'senior_agent' })]);
      // The agent proposes remedies in other statuses: here it is told the case awaits a senior review.
      await expect(send(handle, 'propose_remedy', { actor: agent, remedy: 'refund', amountCents: 5_000, description: 'x' })).rejects.toMatchObject({
        cause: { type: 'invalid_transition', details: [{ caseStatus: 'awaiting_senior_review' }] },
      });
      await send(handle, 'propose_remedy', { actor: senior, remedy: 'refund', amountCents: 5_000, description: 'goodwill refund of the lid' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      expect(closed).toMatchObject({ outcome: 'partially_refunded', charges: [], reships: [] });
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 5_000, status: 'succeeded' })]);
    });
  });

  it("damaged in transit, the ERP refuses the agreed part reship (out of stock): the case does not fail; the refusal is audited and the part is refunded instead, charged to the courier", async () => {
    const fake = recordingActivities({
      createReshipOrder: async (i) => {
        fake.calls.push({ name: 'createReshipOrder', input: i });
        throw outOfStock();
      },
    });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-transit-reship-refused', { kind: 'return', reason: 'damaged_in_transit', outerPackageDamaged: true }, { order: twoItems }));
      await reach(handle, 'awaiting_remedy_agreement');
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'reship_part', items: [{ sku: 'sku-2', quantity: 1 }], description: 'reship the cracked lid' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      await notFailed(handle);
      expect(closed).toMatchObject({ outcome: 'partially_refunded', facts: { convertedToRefund: true } });
      // The refused order is kept, marked failed, and not taken for a reship that happened.
      expect(closed.reships).toEqual([
        { idempotencyKey: 'sop-transit-reship-refused:reship:1', items: [{ sku: 'sku-2', quantity: 1 }], reason: 'sop_damaged_in_transit_reship', status: 'failed', failure: 'out of stock' },
      ]);
      expect(fake.named('createReshipOrder')).toEqual([expect.objectContaining({ idempotencyKey: 'sop-transit-reship-refused:reship:1' })]);
      // The lid's value is refunded; the courier bears it (charge + claim), as it would have borne the reship.
      expect(closed.refunds).toEqual([expect.objectContaining({ amountCents: 5_000, reason: 'sop_damaged_in_transit_reship_refused_refund', status: 'succeeded', onBehalfOfMerchant: false })]);
      expect(fake.named('issueRefund')).toEqual([expect.objectContaining({ amountCents: 5_000 })]);
      expect(closed.charges).toEqual([expect.objectContaining({ party: 'courier', amountCents: 5_000, reason: 'damaged_in_transit' })]);
      expect(fake.named('fileCourierClaim')).toEqual([expect.objectContaining({ reason: 'damaged_in_transit', amountCents: 5_000 })]);
      const actions = closed.audit.map((a) => a.action);
      expect(actions).not.toContain('reship_ordered');
      const from = actions.indexOf('remedy_accepted');
      expect(actions.slice(from, from + 6)).toEqual(['remedy_accepted', 'remedy_agreed', 'reship_refused', 'converted_to_refund', 'refund_issued', 'charge_recorded']);
      expect(actions).toContain('remedy_refunded');
      const refused = closed.audit.find((a) => a.action === 'reship_refused')!;
      expect(refused.reason).toContain('out of stock');
      expect(refused.data).toMatchObject({ reship: 'sop_damaged_in_transit_reship', idempotencyKey: 'sop-transit-reship-refused:reship:1', failureType: 'PartnerRefused' });
      const templates = await notifiedOnce(fake, 'refund_issued');
      expect(templates).toContain('refund_issued');
      expect(templates).not.toContain('reship_ordered');
    });
  });

  it('missing gift, the ERP refuses its reship: nothing to refund, so a senior agent takes over; a new reship attempt is a new ERP order with a new key', async () => {
    let attempts = 0;
    const fake = recordingActivities({
      checkOutboundWeight: weight(true),
      createReshipOrder: async (i) => {
        fake.calls.push({ name: 'createReshipOrder', input: i });
        if (++attempts === 1) throw outOfStock();
        return { erpOrderId: `erp-${i.idempotencyKey}` };
      },
    });
    const withGift = order({ items: [...twoItems.items, { sku: 'gift-1', name: 'Tea towel (gift)', quantity: 1, unitPriceCents: 0 }] });
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-missing-gift-refused', { kind: 'return', reason: 'missing_item' }, { order: withGift }));
      await reach(handle, 'awaiting_remedy_agreement');
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'reship_part', items: [{ sku: 'gift-1', quantity: 1 }], description: 'reship the missing gift' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const review = await reach(handle, 'awaiting_senior_review');
      await notFailed(handle);
      expect(review).toMatchObject({ escalated: true, refunds: [], charges: [] });
      expect(review.escalations).toEqual([expect.objectContaining({ to: 'senior_agent', reason: expect.stringContaining('out of stock') })]);
      expect(review.reships).toEqual([expect.objectContaining({ idempotencyKey: 'sop-missing-gift-refused:reship:1', status: 'failed' })]);
      expect(review.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['reship_refused', 'reship_refused_to_senior_review']));
      // Back in stock: the senior agent proposes the reship again; the failed order is not reused.
      await send(handle, 'propose_remedy', { actor: senior, remedy: 'reship_part', items: [{ sku: 'gift-1', quantity: 1 }], description: 'the gift is back in stock' });
      await send(handle, 'customer_decision', { actor: customer, accept: true });
      const closed = await reach(handle, 'closed');
      await notFailed(handle);
      expect(closed).toMatchObject({ outcome: 'reshipped', refunds: [] });
      expect(fake.named('createReshipOrder').map((c) => c.idempotencyKey)).toEqual(['sop-missing-gift-refused:reship:1', 'sop-missing-gift-refused:reship:2']);
      expect(closed.reships).toEqual([
        expect.objectContaining({ idempotencyKey: 'sop-missing-gift-refused:reship:1', status: 'failed', failure: 'out of stock' }),
        expect.objectContaining({ idempotencyKey: 'sop-missing-gift-refused:reship:2', status: 'succeeded', erpOrderId: 'erp-sop-missing-gift-refused:reship:2' }),
      ]);
      expect(closed.audit.find((a) => a.action === 'remedy_reshipped')?.data).toMatchObject({ erpOrderId: 'erp-sop-missing-gift-refused:reship:2' });
    });
  });

  it('a remedy the customer does not answer lapses after the confirmation window; the case stays with the agent', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handle = await start(caseInput('sop-lapse', { kind: 'return', reason: 'damaged_in_transit', outerPackageDamaged: true }));
      await reach(handle, 'awaiting_remedy_agreement');
      await send(handle, 'propose_remedy', { actor: agent, remedy: 'partial_refund', amountCents: 1_000, description: '10 yuan back' });
      await env.sleep(7 * 24 * HOUR - HOUR);
      expect((await view(handle)).facts.pendingRemedy).toEqual(expect.any(String));
      await env.sleep(2 * HOUR);
      const after = await view(handle);
      expect(after).toMatchObject({ status: 'awaiting_remedy_agreement', refunds: [], reships: [], charges: [] });
      expect(after.facts.pendingRemedy).toBeUndefined();
      expect(after.audit.map((a) => a.action)).toContain('remedy_lapsed');
    });
  });
});
