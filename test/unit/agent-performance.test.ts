import { agentPerformance } from '../../activities/store/reports/agents';
import type { ClockFact, ReportFacts } from '../../activities/store/reports/report-facts';

const T0 = Date.UTC(2026, 10, 2, 9);
const HOUR = 3_600_000;

const clock = (name: string, owner: string, outcome: ClockFact['outcome']): ClockFact => ({ name, owner, outcome, deadline: T0 + HOUR, limit: '1 h' });
function facts(id: string, agentId: string, over: Partial<ReportFacts> = {}): ReportFacts {
  return { _id: id, version: 1, openedAt: new Date(T0), kind: 'feedback', reason: 'logistics', merchantId: '(none)', agentId, clocks: [], surveySent: false, refunded: false, disputed: false, merchantCharges: { count: 0, amountCents: 0 }, escalations: [], ...over };
}

describe('agent performance', () => {
  it('counts each agent’s cases, handling times, its own deadlines, the breaches on its cases, its ratings and QA reviews', () => {
    const report = agentPerformance([
      facts('a1', 'agent-1', { closedAt: T0 + 2 * HOUR, clocks: [clock('first_response', 'agent', 'met'), clock('registration', 'agent', 'breached')], rating: 4 }),
      facts('a2', 'agent-1', { closedAt: T0 + 10 * HOUR, clocks: [clock('first_response', 'agent', 'met'), clock('merchant_review', 'merchant', 'breached')], rating: 5 }),
      facts('a3', 'agent-1', { clocks: [clock('first_response', 'agent', 'pending')] }),
      facts('b1', 'agent-2', { closedAt: T0 + HOUR, clocks: [clock('first_response', 'agent', 'breached')], rating: 2 }),
      facts('u1', '(unassigned)'),
    ], [
      { caseId: 'a1', score: 80, mishandled: false },
      { caseId: 'a2', score: 60, mishandled: true },
      { caseId: 'a2', score: 65, mishandled: true },
    ]);
    expect(report).toEqual([
      { agentId: '(unassigned)', cases: 1, closed: 0, handlingP50Ms: null, handlingP90Ms: null, agentClocksMet: 0, agentClocksBreached: 0, agentOnTimePercent: null, caseBreaches: 0, surveysAnswered: 0, averageRating: null, qaReviews: 0, qaAverageScore: null, qaMishandled: 0 },
      { agentId: 'agent-1', cases: 3, closed: 2, handlingP50Ms: 2 * HOUR, handlingP90Ms: 10 * HOUR, agentClocksMet: 2, agentClocksBreached: 1, agentOnTimePercent: 66.7, caseBreaches: 2, surveysAnswered: 2, averageRating: 4.5, qaReviews: 3, qaAverageScore: 68.33, qaMishandled: 2 },
      { agentId: 'agent-2', cases: 1, closed: 1, handlingP50Ms: HOUR, handlingP90Ms: HOUR, agentClocksMet: 0, agentClocksBreached: 1, agentOnTimePercent: 0, caseBreaches: 1, surveysAnswered: 1, averageRating: 2, qaReviews: 0, qaAverageScore: null, qaMishandled: 0 },
    ]);
  });
});
