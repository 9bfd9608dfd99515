/**
 * A policy version's what-if, side by side with what happened: the simulated outcome of every recorded clock against
 * its recorded outcome, counted per clock, per owing party, per merchant and per priority, with the default actions that
 * fired (or would have), compliance against the targets, and the merchants and clocks whose breaches change most.
 */
import type { ClockOutcome } from '../reports/report-facts';
import { DEFAULT_SLA_TARGET, SLA_TARGETS } from '../reports/sla-compliance';
import { byKey, percent } from '../reports/stats';
import { currentPriority, type SimulatedHistory } from './clock-history';
import type { CaseSimulation, HistoryGap } from './simulate';

const NO_PRIORITY = '(none)';
const MOST_CHANGED = 10;
const SAMPLE_GAP_CASES = 20;

export interface Outcomes {
  met: number;
  breached: number;
  pending: number;
}

export interface Side extends Outcomes {
  /** met / (met + breached), one decimal; null when nothing was decided. */
  compliancePercent: number | null;
}

export interface GroupRow {
  key: string;
  actual: Side;
  simulated: Side;
  /** simulated.breached − actual.breached */
  breachChange: number;
}

export interface ComplianceRow {
  clock: string;
  targetPercent: number;
  actual: { percentage: number | null; meetsTarget: boolean | null };
  simulated: { percentage: number | null; meetsTarget: boolean | null };
}

export interface WhatIfComparison {
  cases: number;
  /** Cases whose history lacks what a re-timing needs: counted apart, in no figure below. */
  incomplete: { cases: number; reasons: Partial<Record<HistoryGap, number>>; sampleCaseIds: string[] };
  totals: { actual: Side; simulated: Side; newBreaches: number; avertedBreaches: number };
  byClock: GroupRow[];
  byOwingParty: GroupRow[];
  byMerchant: GroupRow[];
  byPriority: GroupRow[];
  defaultActions: Array<{ action: string; actual: number; simulated: number; change: number }>;
  compliance: { targetPercent: number; clocks: ComplianceRow[] };
  mostChanged: { merchants: GroupRow[]; clocks: GroupRow[] };
}

const empty = (): Outcomes => ({ met: 0, breached: 0, pending: 0 });
const side = (o: Outcomes): Side => ({ ...o, compliancePercent: percent(o.met, o.met + o.breached) });

class Groups {
  private readonly map = new Map<string, { actual: Outcomes; simulated: Outcomes }>();

  add(key: string, actual: ClockOutcome | undefined, simulated: ClockOutcome | undefined): void {
    let group = this.map.get(key);
    if (!group) this.map.set(key, (group = { actual: empty(), simulated: empty() }));
    if (actual) group.actual[actual] += 1;
    if (simulated) group.simulated[simulated] += 1;
  }

  rows(): GroupRow[] {
    return byKey(this.map).map(([key, g]) => ({ key, actual: side(g.actual), simulated: side(g.simulated), breachChange: g.simulated.breached - g.actual.breached }));
  }
}

const meets = (percentage: number | null, target: number) => (percentage === null ? null : percentage >= target);

/** Rows whose breaches change most, largest change first (then by key); unchanged rows are left out. */
function mostChanged(rows: GroupRow[]): GroupRow[] {
  return rows
    .filter((r) => r.breachChange !== 0)
    .sort((a, b) => Math.abs(b.breachChange) - Math.abs(a.breachChange) || (a.key < b.key ? -1 : 1))
    .slice(0, MOST_CHANGED);
}

export function compareWhatIf(cases: ReadonlyArray<{ history: SimulatedHistory; simulation: CaseSimulation }>): WhatIfComparison {
  const groups = { clock: new Groups(), owner: new Groups(), merchant: new Groups(), priority: new Groups() };
  const totals = { actual: empty(), simulated: empty(), newBreaches: 0, avertedBreaches: 0 };
  const actions = new Map<string, { actual: number; simulated: number }>();
  const incomplete: WhatIfComparison['incomplete'] = { cases: 0, reasons: {}, sampleCaseIds: [] };
  const count = (action: string | undefined, which: 'actual' | 'simulated') => {
    if (!action) return;
    const a = actions.get(action) ?? { actual: 0, simulated: 0 };
    a[which] += 1;
    actions.set(action, a);
  };
  for (const { history, simulation } of cases) {
    if ('gap' in simulation) {
      incomplete.cases += 1;
      incomplete.reasons[simulation.gap] = (incomplete.reasons[simulation.gap] ?? 0) + 1;
      if (incomplete.sampleCaseIds.length < SAMPLE_GAP_CASES) incomplete.sampleCaseIds.push(history.caseId);
      continue;
    }
    const priority = currentPriority(history) ?? NO_PRIORITY;
    for (const clock of simulation.clocks) {
      groups.clock.add(clock.name, clock.actual, clock.simulated);
      groups.owner.add(clock.owner, clock.actual, clock.simulated);
      groups.merchant.add(history.merchantId, clock.actual, clock.simulated);
      groups.priority.add(priority, clock.actual, clock.simulated);
      if (clock.actual) totals.actual[clock.actual] += 1;
      if (clock.simulated) totals.simulated[clock.simulated] += 1;
      if (clock.simulated === 'breached' && clock.actual !== 'breached') totals.newBreaches += 1;
      if (clock.actual === 'breached' && clock.simulated !== 'breached') totals.avertedBreaches += 1;
      count(clock.actualAction, 'actual');
      count(clock.simulatedAction, 'simulated');
    }
  }
  const byClock = groups.clock.rows();
  const byMerchant = groups.merchant.rows();
  return {
    cases: cases.length - incomplete.cases,
    incomplete,
    totals: { ...totals, actual: side(totals.actual), simulated: side(totals.simulated) },
    byClock,
    byOwingParty: groups.owner.rows(),
    byMerchant,
    byPriority: groups.priority.rows(),
    defaultActions: byKey(actions).map(([action, a]) => ({ action, ...a, change: a.simulated - a.actual })),
    compliance: {
      targetPercent: DEFAULT_SLA_TARGET,
      clocks: byClock.map((row) => {
        const target = SLA_TARGETS[row.key] ?? DEFAULT_SLA_TARGET;
        return {
          clock: row.key,
          targetPercent: target,
          actual: { percentage: row.actual.compliancePercent, meetsTarget: meets(row.actual.compliancePercent, target) },
          simulated: { percentage: row.simulated.compliancePercent, meetsTarget: meets(row.simulated.compliancePercent, target) },
        };
      }),
    },
    mostChanged: { merchants: mostChanged(byMerchant), clocks: mostChanged(byClock) },
  };
}

/** The comparison as one long CSV table: section, key, figure, actual, simulated, change. */
export function comparisonTable(c: WhatIfComparison): { header: string[]; rows: Array<Array<string | number | null>> } {
  const rows: Array<Array<string | number | null>> = [];
  const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((b - a) * 10) / 10);
  const groupRows = (section: string, groups: GroupRow[]) => {
    for (const g of groups) {
      for (const figure of ['met', 'breached', 'pending', 'compliancePercent'] as const) rows.push([section, g.key, figure, g.actual[figure], g.simulated[figure], diff(g.actual[figure], g.simulated[figure])]);
    }
  };
  rows.push(['cases', 'all', 'simulated', c.cases, c.cases, 0], ['cases', 'all', 'incomplete', c.incomplete.cases, c.incomplete.cases, 0]);
  groupRows('total', [{ key: 'all', actual: c.totals.actual, simulated: c.totals.simulated, breachChange: c.totals.simulated.breached - c.totals.actual.breached }]);
  groupRows('clock', c.byClock);
  groupRows('owing_party', c.byOwingParty);
  groupRows('merchant', c.byMerchant);
  groupRows('priority', c.byPriority);
  for (const a of c.defaultActions) rows.push(['default_action', a.action, 'fired', a.actual, a.simulated, a.change]);
  return { header: ['section', 'key', 'figure', 'actual', 'simulated', 'change'], rows };
}
