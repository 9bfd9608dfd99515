import type { ReportFacts } from './report-facts';
import { percent } from './stats';

export interface CsatReport {
  surveysSent: number;
  responses: number;
  /** responses / surveysSent, one decimal. */
  responseRate: number | null;
  /** Mean rating (1–5), two decimals. */
  average: number | null;
  distribution: Array<{ rating: number; count: number }>;
}

/** The satisfaction survey sent after closing: how many answered and how they rated. */
export function csat(cases: readonly ReportFacts[]): CsatReport {
  const sent = cases.filter((f) => f.surveySent);
  const ratings = sent.flatMap((f) => (typeof f.rating === 'number' ? [f.rating] : []));
  const sum = ratings.reduce((a, b) => a + b, 0);
  return {
    surveysSent: sent.length,
    responses: ratings.length,
    responseRate: percent(ratings.length, sent.length),
    average: ratings.length === 0 ? null : Math.round((sum / ratings.length) * 100) / 100,
    distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: ratings.filter((r) => r === rating).length })),
  };
}
