import type { ReportFacts } from './report-facts';
import { byKey, percent, utcDay } from './stats';

/**
 * The share of each clock's deadlines to keep. The spec sets one: 95 % of first responses within 24 hours; every
 * other clock is held to the same share until the platform sets its own.
 */
export const SLA_TARGETS: Readonly<Record<string, number>> = { first_response: 95 };
export const DEFAULT_SLA_TARGET = 95;

export interface Tally {
  met: number;
  breached: number;
  /** met / (met + breached), one decimal; null when no deadline was decided. */
  percentage: number | null;
}

export interface ClockCompliance extends Tally {
  clock: string;
  /** Running or paused: not decided yet, not counted in the percentage. */
  pending: number;
  /** The clock's limit as the cases ran it, e.g. "24 h" (the first case's policy, when policies differ). */
  limit: string;
  targetPercent: number;
  targetSource: 'spec' | 'default';
  /** percentage ≥ target; null when nothing was decided. */
  meetsTarget: boolean | null;
}

export interface SlaComplianceReport {
  clocks: ClockCompliance[];
  /** All clocks together per UTC day their outcome was settled (done in time, or the deadline passed). */
  daily: Array<Tally & { day: string }>;
  /** The deadlines each merchant owed (clocks it owns), breached and met, most breached first. */
  breachesByMerchant: Array<{ merchantId: string } & OwedTally>;
  /** The deadlines each agent owed on the cases assigned to it, most breached first. */
  breachesByAgent: Array<{ agentId: string } & OwedTally>;
  /** Every decided deadline by the party that owed it (merchant, customer, agent, platform, …), most breached first. */
  breachesByOwner: Array<{ owner: string } & OwedTally>;
}

interface OwedTally {
  breached: number;
  met: number;
}

const tally = (met: number, breached: number): Tally => ({ met, breached, percentage: percent(met, met + breached) });

export function slaCompliance(cases: readonly ReportFacts[]): SlaComplianceReport {
  const perClock = new Map<string, { met: number; breached: number; pending: number; limit: string }>();
  const perDay = new Map<string, { met: number; breached: number }>();
  const perMerchant = new Map<string, OwedTally>();
  const perAgent = new Map<string, OwedTally>();
  const perOwner = new Map<string, OwedTally>();
  for (const facts of cases) {
    owedBy(perMerchant, facts.merchantId);
    owedBy(perAgent, facts.agentId);
    for (const clock of facts.clocks) {
      const outcome = clock.outcome;
      const c = perClock.get(clock.name) ?? { met: 0, breached: 0, pending: 0, limit: clock.limit };
      c[outcome] += 1;
      perClock.set(clock.name, c);
      if (outcome === 'pending') continue;
      const day = utcDay(clock.decidedAt ?? clock.deadline);
      const d = perDay.get(day) ?? { met: 0, breached: 0 };
      d[outcome] += 1;
      perDay.set(day, d);
      owedBy(perOwner, clock.owner)[outcome] += 1;
      // A breach counts against the party that owed the clock: the case's merchant or agent only for their own clocks.
      if (clock.owner === 'merchant') owedBy(perMerchant, facts.merchantId)[outcome] += 1;
      if (clock.owner === 'agent') owedBy(perAgent, facts.agentId)[outcome] += 1;
    }
  }
  return {
    clocks: byKey(perClock).map(([clock, c]) => {
      const t = tally(c.met, c.breached);
      const target = SLA_TARGETS[clock];
      const targetPercent = target ?? DEFAULT_SLA_TARGET;
      return {
        clock,
        ...t,
        pending: c.pending,
        limit: c.limit,
        targetPercent,
        targetSource: target === undefined ? 'default' : 'spec',
        meetsTarget: t.percentage === null ? null : t.percentage >= targetPercent,
      };
    }),
    daily: byKey(perDay).map(([day, d]) => ({ day, ...tally(d.met, d.breached) })),
    breachesByMerchant: mostBreachedFirst(perMerchant).map(([merchantId, m]) => ({ merchantId, ...m })),
    breachesByAgent: mostBreachedFirst(perAgent).map(([agentId, a]) => ({ agentId, ...a })),
    breachesByOwner: mostBreachedFirst(perOwner).map(([owner, o]) => ({ owner, ...o })),
  };
}

function owedBy(tallies: Map<string, OwedTally>, party: string): OwedTally {
  let t = tallies.get(party);
  if (!t) tallies.set(party, (t = { breached: 0, met: 0 }));
  return t;
}

const mostBreachedFirst = (tallies: Map<string, OwedTally>) => byKey(tallies).sort(([, a], [, b]) => b.breached - a.breached);
