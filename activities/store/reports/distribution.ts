import type { ReportFacts } from './report-facts';
import { byKey, groupBy, percent } from './stats';

export interface DistributionReport {
  total: number;
  byKind: Array<{ kind: string; count: number; percent: number | null }>;
  byReason: Array<{ kind: string; reason: string; count: number; percent: number | null }>;
}

/** Problem types (case kinds) and their reasons, as counts and shares of every case opened in the range. */
export function distribution(cases: readonly ReportFacts[]): DistributionReport {
  const total = cases.length;
  return {
    total,
    byKind: byKey(groupBy(cases, (f) => f.kind)).map(([kind, list]) => ({ kind, count: list.length, percent: percent(list.length, total) })),
    byReason: byKey(groupBy(cases, (f) => `${f.kind}\u0000${f.reason}`)).map(([key, list]) => {
      const [kind, reason] = key.split('\u0000');
      return { kind, reason, count: list.length, percent: percent(list.length, total) };
    }),
  };
}
