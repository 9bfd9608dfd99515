/** What the reports keep of a case view (toReportFacts), and how the scorecard counts it. */
import { merchantScorecard } from '../../activities/store/reports/merchant-scorecard';
import { toReportFacts } from '../../activities/store/reports/report-facts';
import { percentile } from '../../activities/store/reports/stats';
import { seedView, HOUR } from '../api/seed';

const T0 = Date.UTC(2026, 10, 2, 9);

describe('report facts', () => {
  const base = seedView({
    id: 'case-facts-1',
    merchantId: 'm-1',
    openedAt: T0,
    closedAt: T0 + 30 * HOUR,
    clocks: [
      { name: 'merchant_review', owner: 'merchant', deadline: T0 + 48 * HOUR, status: 'satisfied', satisfiedAt: T0 + HOUR },
      { name: 'refund_start', owner: 'merchant', deadline: T0 + 20 * HOUR, status: 'breached', satisfiedAt: T0 + 25 * HOUR },
      { name: 'customer_ship_back', owner: 'customer', deadline: T0 + 100 * HOUR, status: 'cancelled' },
      { name: 'merchant_inspection', owner: 'merchant', deadline: T0 + 90 * HOUR, status: 'paused' },
    ],
  });
  const view = {
    ...base,
    refunds: [{ idempotencyKey: 'k1', amountCents: 500, reason: 'r', status: 'failed' as const, onBehalfOfMerchant: false }, { idempotencyKey: 'k2', amountCents: 500, reason: 'r', status: 'settled_offline' as const, onBehalfOfMerchant: true }],
    charges: [
      { party: 'merchant' as const, amountCents: 500, reason: 'refund_on_behalf', key: 'c1' },
      { party: 'courier' as const, amountCents: 900, reason: 'transit_damage', key: 'c2' },
    ],
    audit: [...base.audit, { seq: 9, at: T0 + 2 * HOUR, actor: { id: 'customer-1', role: 'customer' as const }, action: 'remedy_rejected', fromStatus: 'x', toStatus: 'x' }],
    survey: { sentAt: T0 + 31 * HOUR, rating: 4 },
  };

  it('keeps each owed clock as met, breached or pending, and leaves cancelled ones out', () => {
    const facts = toReportFacts(view);
    expect(facts.clocks.map((c) => [c.name, c.outcome])).toEqual([
      ['merchant_review', 'met'],
      ['refund_start', 'breached'],
      ['merchant_inspection', 'pending'],
    ]);
    expect(facts).toMatchObject({ kind: 'return', reason: 'quality_defect', merchantId: 'm-1', agentId: '(unassigned)', closedAt: T0 + 30 * HOUR, surveySent: true, rating: 4 });
  });

  it('counts a settled refund, a dispute and the merchant’s charges only', () => {
    const [score] = merchantScorecard([toReportFacts(view), toReportFacts(seedView({ id: 'case-facts-2', merchantId: 'm-1', openedAt: T0 }))]);
    expect(score).toEqual({
      merchantId: 'm-1',
      cases: 2,
      closed: 1,
      refunded: 1,
      refundRate: 50,
      disputed: 1,
      disputeRate: 50,
      reviewOnTime: { met: 1, breached: 0, percentage: 100 },
      refundOnTime: { met: 0, breached: 1, percentage: 0 },
      breaches: 1,
      charges: { count: 1, amountCents: 500 },
    });
  });

  it('percentiles are nearest-rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 90)).toBe(5);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([], 50)).toBeUndefined();
  });
});
