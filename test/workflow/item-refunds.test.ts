import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { CaseView, ClaimItem, KindDetails } from '../../workflows/domain/case';
import type { CommandPayloads } from '../../workflows/messages';
import { caseInput, customer, HOUR, merchant, order, recordingActivities } from '../support/case-fixtures';
import { caseWorker, reach, send, view, type CaseHandle } from '../support/case-env';
import { timeSkippingEnv } from '../support/servers';

const photo = [{ kind: 'photo' as const, uri: 'evidence://scratch-1' }];
/** Kettle 199.00, four cups at 25.00, two lids at 10.00: 339.00 paid. */
const threeLines = order({
  paidAmountCents: 31_900,
  items: [
    { sku: 'kettle', name: 'Kettle', quantity: 1, unitPriceCents: 19_900 },
    { sku: 'cup', name: 'Cup', quantity: 4, unitPriceCents: 2_500 },
    { sku: 'lid', name: 'Lid', quantity: 2, unitPriceCents: 1_000 },
  ],
});

async function toInspection(handle: CaseHandle, tracking: string, postageCents?: number): Promise<void> {
  await send(handle, 'merchant_review', { actor: merchant, decision: 'approve' });
  await send(handle, 'ship_back', { actor: customer, trackingNumber: tracking, ...(postageCents !== undefined && { postageCents }) });
  await handle.signal('courier_event', { dedupKey: `${tracking}-delivered`, trackingNumber: tracking, event: 'delivered', at: 0 });
  await reach(handle, 'awaiting_inspection');
}

const lineSummary = (v: CaseView) => (v.refundLines ?? []).map((l) => [l.kind, l.sku ?? '', l.amountCents]);

describe('item-level returns and exchanges (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown();
  });

  it('refunds the accepted items less deductions plus postage, as lines; start_refund.amountCents only within the bounds', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const items: ClaimItem[] = [
        { sku: 'kettle', quantity: 1, reason: 'quality_defect' },
        { sku: 'cup', quantity: 2, reason: 'quality_defect' },
        { sku: 'lid', quantity: 1, reason: 'quality_defect' },
      ];
      const handle = await start(caseInput('items-return-deduction', { kind: 'return', reason: 'quality_defect', items }, { order: threeLines }));
      await toInspection(handle, 'SF-ITEMS-1', 1_200);
      const unclaimed = send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'checked', items: [{ sku: 'toaster', result: 'accepted' }] });
      await expect(unclaimed).rejects.toMatchObject({ cause: { type: 'sku_not_claimed' } });
      const tooMuch = send(handle, 'inspect', { actor: merchant, result: 'accepted', findings: 'checked', items: [{ sku: 'cup', result: 'accepted', deductionCents: 5_001, evidence: photo }] });
      await expect(tooMuch).rejects.toMatchObject({ cause: { type: 'deduction_above_price' } });
      expect((await view(handle)).status).toBe('awaiting_inspection');

      await send(handle, 'inspect', {
        actor: merchant,
        result: 'accepted',
        findings: 'kettle defect confirmed; one cup chipped by use; the lid is not ours',
        items: [
          { sku: 'kettle', result: 'accepted' },
          { sku: 'cup', result: 'accepted', deductionCents: 1_000, findings: 'one cup chipped by use', evidence: photo },
          { sku: 'lid', result: 'rejected', findings: 'not the lid we sold' },
        ],
      });
      const due = await reach(handle, 'refund_due');
      expect(lineSummary(due)).toEqual([
        ['item', 'kettle', 19_900],
        ['item', 'cup', 5_000],
        ['deduction', 'cup', -1_000],
        ['postage', '', 1_200],
      ]);
      expect(due.facts).toMatchObject({ refundAmountCents: 23_900, refundMaxCents: 24_900 });
      expect(due.itemInspections?.map((i) => [i.sku, i.result, i.deductionCents])).toEqual([
        ['kettle', 'accepted', undefined],
        ['cup', 'accepted', 1_000],
        ['lid', 'rejected', undefined],
      ]);

      for (const amountCents of [23_899, 24_901, 31_900]) {
        await expect(send(handle, 'start_refund', { actor: merchant, amountCents })).rejects.toMatchObject({ cause: { type: 'amount_out_of_bounds' } });
      }
      expect(fake.named('issueRefund').map((r) => r.amountCents)).toEqual([1_200]);
      await send(handle, 'start_refund', { actor: merchant, amountCents: 24_400, reason: 'half the chipped cup waived' });
      await env.sleep(HOUR);
      const closed = await view(handle);
      expect(closed).toMatchObject({ status: 'closed', outcome: 'refunded' });
      expect(closed.refunds.map((r) => [r.reason, r.amountCents, r.status])).toEqual([
        ['return_postage_refund', 1_200, 'succeeded'],
        ['return_refund', 24_400, 'succeeded'],
      ]);
      expect(fake.named('issueRefund').map((r) => r.amountCents)).toEqual([1_200, 24_400]);
    });
  });

  // Each row: the request's items (none: order-level), the inspection → the refund the merchant pays.
  const mixes: Array<[string, ClaimItem[] | undefined, Omit<CommandPayloads['inspect'], 'actor' | 'findings'>, number]> = [
    ['order-level: the whole paid amount', undefined, { result: 'accepted' }, 31_900],
    ['two cups of four', [{ sku: 'cup', quantity: 2, reason: 'quality_defect' }], { result: 'accepted' }, 5_000],
    [
      'kettle and a lid, the lid rejected',
      [
        { sku: 'kettle', quantity: 1, reason: 'quality_defect' },
        { sku: 'lid', quantity: 1, reason: 'quality_defect' },
      ],
      { result: 'accepted', items: [{ sku: 'lid', result: 'rejected' }] },
      19_900,
    ],
    ['order-level, a deduction on the kettle', undefined, { result: 'accepted', items: [{ sku: 'kettle', result: 'accepted', deductionCents: 2_000, evidence: photo }] }, 29_900],
  ];

  it('pays the refund of each item mix (merchant silent: the platform refunds on its behalf at the deadline)', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const handles = await Promise.all(
        mixes.map(([, items], i) => start(caseInput(`items-mix-${i}`, { kind: 'return', reason: 'quality_defect', ...(items && { items }) } as KindDetails, { order: threeLines }))),
      );
      for (const [i, handle] of handles.entries()) {
        await toInspection(handle, `SF-MIX-${i}`);
        await send(handle, 'inspect', { actor: merchant, findings: 'inspected', ...mixes[i][2] });
        await reach(handle, 'refund_due');
      }
      await env.sleep(5 * 24 * HOUR);
      for (const [i, handle] of handles.entries()) {
        const closed = await view(handle);
        expect([mixes[i][0], closed.status, closed.refunds.map((r) => [r.amountCents, r.onBehalfOfMerchant])]).toEqual([mixes[i][0], 'closed', [[mixes[i][3], true]]]);
        expect((closed.refundLines ?? []).reduce((s, l) => s + l.amountCents, 0)).toBe(mixes[i][3]);
      }
    });
  });

  it('a partial exchange reships only the accepted items; turned refund, it refunds them', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const items: ClaimItem[] = [
        { sku: 'cup', quantity: 3, reason: 'damaged_in_transit' },
        { sku: 'lid', quantity: 2, reason: 'damaged_in_transit' },
      ];
      const exchange = await start(caseInput('items-exchange', { kind: 'exchange', reason: 'damaged_in_transit', items }, { order: threeLines }));
      await toInspection(exchange, 'SF-EX-1');
      await send(exchange, 'inspect', { actor: merchant, result: 'accepted', findings: 'cups broken; lids fine', items: [{ sku: 'lid', result: 'rejected', findings: 'not damaged' }] });
      const shipped = await reach(exchange, 'awaiting_customer_confirmation');
      expect(fake.named('createReshipOrder').map((r) => r.items)).toEqual([[{ sku: 'cup', quantity: 3 }]]);
      expect(shipped.reships.map((r) => r.items)).toEqual([[{ sku: 'cup', quantity: 3 }]]);

      const converted = await start(caseInput('items-exchange-converted', { kind: 'exchange', reason: 'damaged_in_transit', items }, { order: threeLines }));
      await send(converted, 'convert_to_refund', { actor: customer, reason: 'no longer wanted as a replacement' });
      await toInspection(converted, 'SF-EX-2');
      await send(converted, 'inspect', { actor: merchant, result: 'rejected', findings: 'cups broken', items: [{ sku: 'cup', result: 'accepted' }, { sku: 'lid', result: 'rejected' }] });
      const due = await reach(converted, 'refund_due');
      expect(due.facts).toMatchObject({ refundAmountCents: 7_500, refundMaxCents: 7_500 });
      await expect(send(converted, 'start_refund', { actor: merchant, amountCents: 31_900 })).rejects.toMatchObject({ cause: { type: 'amount_out_of_bounds' } });
      await send(converted, 'start_refund', { actor: merchant });
      await env.sleep(HOUR);
      expect((await view(converted)).refunds.map((r) => r.amountCents)).toEqual([7_500]);
    });
  });

  it('per-item reasons decide eligibility and who bears the postage (item-reasons-assessed)', async () => {
    const fake = recordingActivities();
    const { worker, start } = await caseWorker(env, fake.activities);
    await worker.runUntil(async () => {
      const recent = { ...threeLines, deliveredAt: Date.now() - 24 * HOUR };
      // A changed mind about the cups does not make the customer pay to send back a defective kettle.
      const mixed = await start(
        caseInput('items-reasons-bearer', { kind: 'return', reason: 'changed_mind', items: [{ sku: 'kettle', quantity: 1, reason: 'quality_defect' }, { sku: 'cup', quantity: 2, reason: 'changed_mind' }] }, { order: recent }),
      );
      expect(await reach(mixed, 'awaiting_merchant_review')).toMatchObject({ shippingCostBearer: 'merchant', responsibleParty: 'merchant' });
      // A no-reason item of a category excluded from no-reason returns refuses the request, naming the item.
      const excluded = await start(
        caseInput('items-reasons-excluded', { kind: 'return', reason: 'quality_defect', items: [{ sku: 'kettle', quantity: 1, reason: 'quality_defect' }, { sku: 'cup', quantity: 1, reason: 'no_reason' }] }, { order: { ...recent, category: 'perishable' } }),
      );
      const refused = await reach(excluded, 'closed');
      expect(refused.outcome).toBe('rejected');
      expect(refused.audit.find((a) => a.action === 'rejected_ineligible')?.reason).toMatch(/^cup \(no_reason\): category_excluded/);
    });
  });
});
