import type { CaseView } from '../../../workflows/domain/case';
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
export function csat(views: readonly CaseView[]): CsatReport {
  const sent = views.filter((v) => v.survey !== undefined);
  const ratings = sent.flatMap((v) => (typeof v.survey?.rating === 'number' ? [v.survey.rating] : []));
  const sum = ratings.reduce((a, b) => a + b, 0);
  return {
    surveysSent: sent.length,
    responses: ratings.length,
    responseRate: percent(ratings.length, sent.length),
    average: ratings.length === 0 ? null : Math.round((sum / ratings.length) * 100) / 100,
    distribution: [1, 2, 3, 4, 5].map((rating) => ({ rating, count: ratings.filter((r) => r === rating).length })),
  };
}
