import type { CaseView } from '../../../workflows/domain/case';
import { reasonOf } from './case-facts';
import { byKey, groupBy, percent } from './stats';

export interface DistributionReport {
  total: number;
  byKind: Array<{ kind: string; count: number; percent: number | null }>;
  byReason: Array<{ kind: string; reason: string; count: number; percent: number | null }>;
}

/** Problem types (case kinds) and their reasons, as counts and shares of every case opened in the range. */
export function distribution(views: readonly CaseView[]): DistributionReport {
  const total = views.length;
  return {
    total,
    byKind: byKey(groupBy(views, (v) => v.kind)).map(([kind, list]) => ({ kind, count: list.length, percent: percent(list.length, total) })),
    byReason: byKey(groupBy(views, (v) => `${v.kind}\u0000${reasonOf(v)}`)).map(([key, list]) => {
      const [kind, reason] = key.split('\u0000');
      return { kind, reason, count: list.length, percent: percent(list.length, total) };
    }),
  };
}
