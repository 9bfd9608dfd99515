import type { ReportFacts } from './report-facts';
import { byKey, groupBy, percent, percentile } from './stats';

/** One agent's figures over the cases opened in the range that were assigned to the agent when last projected. */
export interface AgentPerformance {
  agentId: string;
  cases: number;
  closed: number;
  handlingP50Ms: number | null;
  handlingP90Ms: number | null;
  /** Deadlines the agent owed (registration, first response, investigation, solution reply): met, breached, met %. */
  agentClocksMet: number;
  agentClocksBreached: number;
  agentOnTimePercent: number | null;
  /** Breached deadlines of any party on the agent's cases. */
  caseBreaches: number;
  surveysAnswered: number;
  averageRating: number | null;
  /** Quality reviews of its sampled cases: how many, the average score (0–100), and how many found it mishandled. */
  qaReviews: number;
  qaAverageScore: number | null;
  qaMishandled: number;
}

export interface QaReviewFact {
  caseId: string;
  score: number;
  mishandled: boolean;
}

export function agentPerformance(cases: readonly ReportFacts[], reviews: readonly QaReviewFact[] = []): AgentPerformance[] {
  return byKey(groupBy(cases, (c) => c.agentId)).map(([agentId, own]) => {
    const handling = own.flatMap((c) => (c.closedAt === undefined ? [] : [c.closedAt - new Date(c.openedAt).getTime()]));
    const agentClocks = own.flatMap((c) => c.clocks.filter((k) => k.owner === 'agent'));
    const met = agentClocks.filter((k) => k.outcome === 'met').length;
    const breached = agentClocks.filter((k) => k.outcome === 'breached').length;
    const ratings = own.flatMap((c) => (c.rating === undefined ? [] : [c.rating]));
    const ids = new Set(own.map((c) => c._id));
    const reviewed = reviews.filter((r) => ids.has(r.caseId));
    return {
      agentId,
      cases: own.length,
      closed: handling.length,
      handlingP50Ms: percentile(handling, 50) ?? null,
      handlingP90Ms: percentile(handling, 90) ?? null,
      agentClocksMet: met,
      agentClocksBreached: breached,
      agentOnTimePercent: percent(met, met + breached),
      caseBreaches: own.reduce((n, c) => n + c.clocks.filter((k) => k.outcome === 'breached').length, 0),
      surveysAnswered: ratings.length,
      averageRating: average(ratings),
      qaReviews: reviewed.length,
      qaAverageScore: average(reviewed.map((r) => r.score)),
      qaMishandled: reviewed.filter((r) => r.mishandled).length,
    };
  });
}

function average(values: readonly number[]): number | null {
  return values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null;
}
