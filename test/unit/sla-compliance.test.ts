import type { ClockFact, ReportFacts } from '../../activities/store/reports/report-facts';
import { slaCompliance } from '../../activities/store/reports/sla-compliance';

const T0 = Date.UTC(2026, 10, 2, 9);
const HOUR = 3_600_000;

const clock = (name: string, owner: string, outcome: ClockFact['outcome']): ClockFact => ({ name, owner, outcome, deadline: T0 + HOUR, ...(outcome !== 'pending' && { decidedAt: T0 + HOUR }), limit: '1 h' });
function facts(id: string, merchantId: string, agentId: string, clocks: ClockFact[]): ReportFacts {
  return { _id: id, version: 1, openedAt: new Date(T0), kind: 'return', reason: 'quality_defect', merchantId, agentId, clocks, surveySent: false, refunded: false, disputed: false, merchantCharges: { count: 0, amountCents: 0 }, escalations: [] };
}

describe('SLA compliance', () => {
  it('counts a breach against the party that owed the clock: the merchant its own, the agent its own, the rest by owner', () => {
    const report = slaCompliance([
      // merchant-a owed 2 breaches; its customers were late shipping back twice, its agent once.
      facts('a1', 'merchant-a', 'agent-1', [clock('merchant_review', 'merchant', 'breached'), clock('customer_ship_back', 'customer', 'breached')]),
      facts('a2', 'merchant-a', 'agent-1', [clock('merchant_inspection', 'merchant', 'breached'), clock('customer_ship_back', 'customer', 'breached'), clock('first_response', 'agent', 'breached')]),
      facts('a3', 'merchant-a', 'agent-2', [clock('merchant_review', 'merchant', 'met'), clock('first_response', 'agent', 'met'), clock('registration', 'agent', 'pending')]),
      facts('b1', 'merchant-b', 'agent-2', [clock('platform_review', 'platform', 'breached'), clock('first_response', 'agent', 'breached')]),
    ]);
    expect(report.breachesByMerchant).toEqual([
      { merchantId: 'merchant-a', breached: 2, met: 1 },
      { merchantId: 'merchant-b', breached: 0, met: 0 },
    ]);
    expect(report.breachesByAgent).toEqual([
      { agentId: 'agent-1', breached: 1, met: 0 },
      { agentId: 'agent-2', breached: 1, met: 1 },
    ]);
    expect(report.breachesByOwner).toEqual([
      { owner: 'agent', breached: 2, met: 1 },
      { owner: 'customer', breached: 2, met: 0 },
      { owner: 'merchant', breached: 2, met: 1 },
      { owner: 'platform', breached: 1, met: 0 },
    ]);
    // Every breach is counted once, against one owner.
    const total = report.clocks.reduce((n, c) => n + c.breached, 0);
    expect(report.breachesByOwner.reduce((n, o) => n + o.breached, 0)).toBe(total);
  });
});
