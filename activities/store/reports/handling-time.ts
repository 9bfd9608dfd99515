import type { ReportFacts } from './report-facts';
import { byKey, groupBy, percentile } from './stats';

export interface HandlingGroup {
  key: string;
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
}

/** Upper bounds of the histogram's buckets (the last is open). */
export const HANDLING_BUCKETS: ReadonlyArray<{ label: string; upToMs: number }> = [
  { label: '< 1 h', upToMs: 3_600_000 },
  { label: '1–4 h', upToMs: 4 * 3_600_000 },
  { label: '4–24 h', upToMs: 24 * 3_600_000 },
  { label: '1–3 d', upToMs: 3 * 86_400_000 },
  { label: '3–7 d', upToMs: 7 * 86_400_000 },
  { label: '≥ 7 d', upToMs: Infinity },
];

/** Over the cases opened in the range that have their outcome: open cases have no handling time yet. */
export interface HandlingTimeReport {
  overall: HandlingGroup;
  byKind: HandlingGroup[];
  byReason: HandlingGroup[];
  byMerchant: HandlingGroup[];
  byAgent: HandlingGroup[];
  histogram: Array<{ bucket: string; count: number }>;
}

type Closed = { facts: ReportFacts; ms: number };

function group(key: string, items: readonly Closed[]): HandlingGroup {
  const ms = items.map((i) => i.ms);
  return { key, count: items.length, p50Ms: percentile(ms, 50) ?? null, p90Ms: percentile(ms, 90) ?? null };
}

const groups = (closed: readonly Closed[], key: (f: ReportFacts) => string) => byKey(groupBy(closed, (c) => key(c.facts))).map(([k, items]) => group(k, items));

/** Handling time: from opening to the outcome (closedAt). */
export function handlingTime(cases: readonly ReportFacts[]): HandlingTimeReport {
  const closed: Closed[] = cases.flatMap((facts) => (facts.closedAt === undefined ? [] : [{ facts, ms: facts.closedAt - new Date(facts.openedAt).getTime() }]));
  const histogram = HANDLING_BUCKETS.map((b) => ({ bucket: b.label, count: 0 }));
  for (const c of closed) histogram[HANDLING_BUCKETS.findIndex((b) => c.ms < b.upToMs)].count += 1;
  return {
    overall: group('all', closed),
    byKind: groups(closed, (f) => f.kind),
    byReason: groups(closed, (f) => `${f.kind}/${f.reason}`),
    byMerchant: groups(closed, (f) => f.merchantId),
    byAgent: groups(closed, (f) => f.agentId),
    histogram,
  };
}
