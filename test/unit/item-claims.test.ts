import { claimIssues, claimedLines, claimedPrices, computeItemRefund, exchangedItems, inspectionIssues, inspectItems, type InspectPayload } from '../../workflows/domain/item-claims';
import type { ClaimItem, OrderSnapshot } from '../../workflows/domain/case';

const photo = [{ kind: 'photo' as const, uri: 'evidence://scratch' }];

function order(items: OrderSnapshot['items'], paidAmountCents = items.reduce((s, i) => s + i.quantity * i.unitPriceCents, 0)): OrderSnapshot {
  return { orderId: 'o-1', merchantId: 'm-1', customerId: 'c-1', paidAmountCents, currency: 'CNY', purchasedAt: 0, category: 'kitchen', items };
}

const threeLines = order([
  { sku: 'kettle', name: 'Kettle', quantity: 1, unitPriceCents: 19_900 },
  { sku: 'cup', name: 'Cup', quantity: 4, unitPriceCents: 2_500 },
  { sku: 'lid', name: 'Lid', quantity: 2, unitPriceCents: 1_000 },
]);

describe('item-level claims', () => {
  it('refuses unknown skus, a sku twice and more than bought, naming each field', () => {
    expect(claimIssues(threeLines, [{ sku: 'cup', quantity: 4, reason: 'quality_defect' }])).toEqual([]);
    expect(
      claimIssues(threeLines, [
        { sku: 'toaster', quantity: 1, reason: 'quality_defect' },
        { sku: 'cup', quantity: 5, reason: 'quality_defect' },
        { sku: 'lid', quantity: 1, reason: 'wrong_item' },
        { sku: 'lid', quantity: 1, reason: 'wrong_item' },
      ]).map((i) => [i.field, i.code]),
    ).toEqual([
      ['details.items.0.sku', 'unknown_sku'],
      ['details.items.1.quantity', 'quantity_exceeds_order'],
      ['details.items.3.sku', 'duplicate_sku'],
    ]);
  });

  it('takes every item of the order for an order-level request', () => {
    expect(claimedLines(threeLines, { reason: 'changed_mind' })).toEqual([
      { sku: 'kettle', quantity: 1, reason: 'changed_mind' },
      { sku: 'cup', quantity: 4, reason: 'changed_mind' },
      { sku: 'lid', quantity: 2, reason: 'changed_mind' },
    ]);
  });

  // name, order, claimed items (none: order-level), inspection, postage refunded apart → due, max, total and the lines
  const cases: Array<[string, OrderSnapshot, ClaimItem[] | undefined, InspectPayload, number, { due: number; max: number; total: number; lines: Array<[string, string | undefined, number]> }]> = [
    ['order-level, whole parcel accepted', threeLines, undefined, { result: 'accepted' }, 0, { due: 31_900, max: 31_900, total: 31_900, lines: [['item', 'kettle', 19_900], ['item', 'cup', 10_000], ['item', 'lid', 2_000]] }],
    [
      'one line of three',
      threeLines,
      [{ sku: 'cup', quantity: 2, reason: 'quality_defect' }],
      { result: 'accepted' },
      0,
      { due: 5_000, max: 5_000, total: 5_000, lines: [['item', 'cup', 5_000]] },
    ],
    [
      'two lines, one rejected',
      threeLines,
      [
        { sku: 'kettle', quantity: 1, reason: 'quality_defect' },
        { sku: 'cup', quantity: 1, reason: 'damaged_in_transit' },
      ],
      { result: 'rejected', items: [{ sku: 'kettle', result: 'rejected' }, { sku: 'cup', result: 'accepted' }] },
      0,
      { due: 2_500, max: 2_500, total: 2_500, lines: [['item', 'cup', 2_500]] },
    ],
    [
      'accepted with a deduction, postage refunded',
      threeLines,
      [
        { sku: 'kettle', quantity: 1, reason: 'quality_defect' },
        { sku: 'lid', quantity: 2, reason: 'quality_defect' },
      ],
      { result: 'accepted', items: [{ sku: 'kettle', result: 'accepted', deductionCents: 3_000, findings: 'box missing', evidence: photo }] },
      1_200,
      { due: 19_900 + 2_000 - 3_000, max: 21_900, total: 21_900 - 3_000 + 1_200, lines: [['item', 'kettle', 19_900], ['deduction', 'kettle', -3_000], ['item', 'lid', 2_000], ['postage', undefined, 1_200]] },
    ],
    [
      'everything rejected',
      threeLines,
      [{ sku: 'lid', quantity: 1, reason: 'changed_mind' }],
      { result: 'rejected', items: [{ sku: 'lid', result: 'rejected' }] },
      800,
      { due: 0, max: 0, total: 800, lines: [['postage', undefined, 800]] },
    ],
    [
      'discounted order: lines scaled to what was paid',
      order(
        [
          { sku: 'a', name: 'A', quantity: 1, unitPriceCents: 10_000 },
          { sku: 'b', name: 'B', quantity: 3, unitPriceCents: 3_333 },
        ],
        18_000,
      ),
      [{ sku: 'b', quantity: 2, reason: 'no_reason' }],
      { result: 'accepted' },
      0,
      { due: 5_999, max: 5_999, total: 5_999, lines: [['item', 'b', 5_999]] },
    ],
    [
      'discounted order, whole order: exactly what was paid',
      order(
        [
          { sku: 'a', name: 'A', quantity: 1, unitPriceCents: 10_000 },
          { sku: 'b', name: 'B', quantity: 3, unitPriceCents: 3_333 },
        ],
        18_000,
      ),
      undefined,
      { result: 'accepted' },
      0,
      { due: 18_000, max: 18_000, total: 18_000, lines: [['item', 'a', 9_000], ['item', 'b', 9_000]] },
    ],
  ];

  it.each(cases)('%s', (_name, o, items, inspection, postage, expected) => {
    const claimed = claimedLines(o, { reason: 'quality_defect', ...(items && { items }) });
    expect(inspectionIssues(o, claimed, inspection)).toEqual([]);
    const refund = computeItemRefund(o, claimed, inspectItems(claimed, inspection), postage);
    expect({ due: refund.dueCents, max: refund.maxCents, total: refund.totalCents }).toEqual({ due: expected.due, max: expected.max, total: expected.total });
    expect(refund.lines.map((l) => [l.kind, l.sku, l.amountCents])).toEqual(expected.lines);
    expect(refund.lines.reduce((s, l) => s + l.amountCents, 0)).toBe(refund.totalCents);
  });

  it('the first table row prices lines at their unit prices', () => {
    expect(claimedPrices(threeLines, claimedLines(threeLines, { reason: 'no_reason' }))).toEqual([19_900, 10_000, 2_000]);
  });

  it('refuses inspections of unclaimed skus and deductions above the price', () => {
    const claimed: ClaimItem[] = [
      { sku: 'cup', quantity: 1, reason: 'quality_defect' },
      { sku: 'lid', quantity: 1, reason: 'quality_defect' },
    ];
    expect(inspectionIssues(threeLines, claimed, { result: 'accepted', items: [{ sku: 'kettle', result: 'accepted' }] }).map((i) => [i.field, i.code])).toEqual([['items.0.sku', 'sku_not_claimed']]);
    expect(inspectionIssues(threeLines, claimed, { result: 'accepted', items: [{ sku: 'cup', result: 'accepted', deductionCents: 2_501, evidence: photo }] }).map((i) => [i.field, i.code])).toEqual([
      ['items.0.deductionCents', 'deduction_above_price'],
    ]);
  });

  it('a partial exchange reships only the accepted items, or the replacement sku', () => {
    const claimed = claimedLines(threeLines, { reason: 'quality_defect', items: [{ sku: 'cup', quantity: 2, reason: 'quality_defect' }, { sku: 'lid', quantity: 1, reason: 'wrong_item' }] });
    const inspected = inspectItems(claimed, { result: 'accepted', items: [{ sku: 'cup', result: 'accepted' }, { sku: 'lid', result: 'rejected' }] });
    expect(exchangedItems(inspected)).toEqual([{ sku: 'cup', quantity: 2 }]);
    expect(exchangedItems(inspected, 'cup-blue')).toEqual([{ sku: 'cup-blue', quantity: 2 }]);
  });
});
