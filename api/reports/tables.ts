/** Each report as one CSV table: the header and the rows of its main figures. */
import type { AgentPerformance } from '../../activities/store/reports/agents';
import type { CsatReport } from '../../activities/store/reports/csat';
import type { DistributionReport } from '../../activities/store/reports/distribution';
import type { HandlingTimeReport } from '../../activities/store/reports/handling-time';
import type { MerchantScore } from '../../activities/store/reports/merchant-scorecard';
import type { SlaComplianceReport } from '../../activities/store/reports/sla-compliance';
import type { Cell } from './csv';

export interface Table {
  header: string[];
  rows: Cell[][];
}

export const slaTable = (r: SlaComplianceReport): Table => ({
  header: ['clock', 'limit', 'met', 'breached', 'pending', 'percentage', 'target_percent', 'target_source', 'meets_target'],
  rows: r.clocks.map((c) => [c.clock, c.limit, c.met, c.breached, c.pending, c.percentage, c.targetPercent, c.targetSource, c.meetsTarget]),
});

export const handlingTable = (r: HandlingTimeReport): Table => {
  const dimensions = [
    ['overall', [r.overall]],
    ['kind', r.byKind],
    ['reason', r.byReason],
    ['merchant', r.byMerchant],
    ['agent', r.byAgent],
  ] as const;
  return {
    header: ['dimension', 'key', 'count', 'p50_ms', 'p90_ms'],
    rows: dimensions.flatMap(([dimension, groups]) => groups.map((g) => [dimension, g.key, g.count, g.p50Ms, g.p90Ms])),
  };
};

export const distributionTable = (r: DistributionReport): Table => ({
  header: ['kind', 'reason', 'count', 'percent'],
  rows: [...r.byKind.map((k) => [k.kind, '', k.count, k.percent]), ...r.byReason.map((x) => [x.kind, x.reason, x.count, x.percent])],
});

export const csatTable = (r: CsatReport): Table => ({
  header: ['metric', 'value'],
  rows: [
    ['surveys_sent', r.surveysSent],
    ['responses', r.responses],
    ['response_rate_percent', r.responseRate],
    ['average_rating', r.average],
    ...r.distribution.map((d) => [`rating_${d.rating}`, d.count]),
  ],
});

export const scorecardTable = (merchants: readonly MerchantScore[]): Table => ({
  header: [
    'merchant_id', 'cases', 'closed', 'refunded', 'refund_rate_percent', 'disputed', 'dispute_rate_percent',
    'review_met', 'review_breached', 'review_on_time_percent', 'refund_met', 'refund_breached', 'refund_on_time_percent',
    'breaches', 'charges', 'charges_amount_cents',
  ],
  rows: merchants.map((m) => [
    m.merchantId, m.cases, m.closed, m.refunded, m.refundRate, m.disputed, m.disputeRate,
    m.reviewOnTime.met, m.reviewOnTime.breached, m.reviewOnTime.percentage, m.refundOnTime.met, m.refundOnTime.breached, m.refundOnTime.percentage,
    m.breaches, m.charges.count, m.charges.amountCents,
  ]),
});

export const agentsTable = (agents: readonly AgentPerformance[]): Table => ({
  header: ['agent_id', 'cases', 'closed', 'handling_p50_ms', 'handling_p90_ms', 'agent_clocks_met', 'agent_clocks_breached', 'agent_on_time_percent', 'case_breaches', 'surveys_answered', 'average_rating', 'qa_reviews', 'qa_average_score', 'qa_mishandled'],
  rows: agents.map((a) => [a.agentId, a.cases, a.closed, a.handlingP50Ms, a.handlingP90Ms, a.agentClocksMet, a.agentClocksBreached, a.agentOnTimePercent, a.caseBreaches, a.surveysAnswered, a.averageRating, a.qaReviews, a.qaAverageScore, a.qaMishandled]),
});
