/**
 * The simulation's short cut (a clock with no step judged from its deadline alone) answers what the workflow's clock
 * functions answer step by step, over a few thousand generated histories: hour, minute and working-day limits around
 * the National Day holidays and their make-up days, limits counted from an earlier instant, clocks met, late, cancelled
 * and still running, pauses, extensions and priority changes that move a limit (or do not), under versions that shorten,
 * lengthen and override limits.
 */
import type { ClockEvent, ClockHistory, RecordedClock } from '../../activities/store/what-if/clock-history';
import { CaseSimulator, clockDefinitions } from '../../activities/store/what-if/simulate';
import { DEFAULT_POLICY, type CasePolicy } from '../../workflows/policy';
import type { PolicyRules, PriorityLevel } from '../../workflows/policy-rules';
import { random } from '../support/random';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Mid-September 2026 (UTC+8): the Mid-Autumn and National Day holidays and two make-up Saturdays/Sundays follow. */
const FROM = Date.UTC(2026, 8, 14);
const NOW = FROM + 26 * DAY;

const ROUND_DURATIONS = [30 * 60_000, HOUR, 2 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 3 * DAY, 4 * DAY, 7 * DAY];

const CLOCKS: Array<{ name: string; owner: string; kind: ClockHistory['kind']; typicalMs: number }> = [
  { name: 'merchant_review', owner: 'merchant', kind: 'return', typicalMs: 48 * HOUR },
  { name: 'customer_ship_back', owner: 'customer', kind: 'return', typicalMs: 7 * DAY },
  { name: 'refund_start', owner: 'merchant', kind: 'return', typicalMs: 3 * DAY },
  { name: 'registration', owner: 'agent', kind: 'feedback', typicalMs: 30 * 60_000 },
  { name: 'first_response', owner: 'agent', kind: 'feedback', typicalMs: 24 * HOUR },
  { name: 'initial_investigation', owner: 'agent', kind: 'feedback', typicalMs: DAY },
];

function generatedHistory(i: number): ClockHistory {
  const next = random(i + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const kind = next() < 0.5 ? 'return' : 'feedback';
  // Whole hours, and half the durations whole limits, so that steps done exactly at a deadline (in time) come up.
  const openedAt = FROM + Math.floor(next() * 25 * 24) * HOUR;
  const duration = (typicalMs: number) => (next() < 0.5 ? pick(ROUND_DURATIONS) : Math.floor(next() * 2 * typicalMs));
  const clocks: RecordedClock[] = [];
  const events: ClockEvent[] = [];
  for (const c of CLOCKS.filter((clock) => clock.kind === kind)) {
    if (next() < 0.2) continue;
    const startedAt = openedAt + Math.floor(next() * 3 * 24) * HOUR;
    const endsAfter = duration(c.typicalMs);
    const ending = next();
    const clock: RecordedClock = { name: c.name, owner: c.owner, status: 'running', startedAt, deadline: startedAt + c.typicalMs, warned: false, breachAction: 'approve' };
    if (next() < 0.15) clock.countedFrom = startedAt - duration(c.typicalMs);
    if (ending < 0.5) Object.assign(clock, { status: 'satisfied', satisfiedAt: startedAt + endsAfter });
    else if (ending < 0.65) Object.assign(clock, { status: 'cancelled', cancelledAt: startedAt + endsAfter });
    else if (ending < 0.85) Object.assign(clock, { status: 'breached', breachedAt: startedAt + c.typicalMs });
    clocks.push(clock);
    if (next() < 0.15) {
      const pausedAt = startedAt + Math.floor(next() * endsAfter);
      events.push({ at: pausedAt, clock: c.name, type: 'pause', role: 'supervisor' }, { at: pausedAt + Math.floor(next() * 10 * HOUR), clock: c.name, type: 'resume', role: 'supervisor' });
    }
    if (next() < 0.1) events.push({ at: startedAt + Math.floor(next() * endsAfter), clock: c.name, type: 'extend', by: pick([{ hours: 12 }, { workingDays: 1 }]), role: 'supervisor' });
  }
  const priorities: PriorityLevel[] = ['low', 'normal', 'high', 'urgent'];
  const priorityChanges = kind === 'feedback' && next() < 0.5 ? [{ at: openedAt + Math.floor(next() * DAY), priority: pick(priorities) }] : [];
  return {
    caseId: `case-${i}`,
    version: 1,
    kind,
    openedAt,
    merchantId: `m-${i % 7}`,
    category: pick(['kitchen', 'toys']),
    ...(next() < 0.5 && { priority: pick(priorities) }),
    priorityChanges,
    policyVersion: 'v1',
    clocks,
    events: events.sort((a, b) => a.at - b.at),
    queues: [],
  };
}

const VERSIONS: PolicyRules<CasePolicy>[] = [
  { version: 'as-ran', base: DEFAULT_POLICY, overrides: [] },
  { version: 'shorter', base: { ...DEFAULT_POLICY, merchantReviewTimeout: { hours: 24 }, refundStart: { workingDays: 1 }, customerShipBack: { workingDays: 4 } }, overrides: [] },
  {
    version: 'overrides',
    base: { ...DEFAULT_POLICY, firstResponse: { workingDays: 2 } },
    overrides: [
      { name: 'urgent', match: { kinds: ['feedback'], priorities: ['urgent', 'high'] }, set: { firstResponse: { hours: 2 }, initialInvestigation: { minutes: 90 } } },
      { name: 'kitchen', match: { categories: ['kitchen'] }, set: { merchantReviewTimeout: { workingDays: 2 }, registration: { hours: 1 } } },
    ],
  },
];

describe('what-if re-timing', () => {
  const definitions = clockDefinitions();
  const histories = Array.from({ length: 3_000 }, (_, i) => generatedHistory(i));

  it.each(VERSIONS.map((rules) => [rules.version, rules] as const))('answers the same with and without the short cut under %s', (_version, rules) => {
    const stepByStep = new CaseSimulator(rules, definitions, NOW, false);
    const shortCut = new CaseSimulator(rules, definitions, NOW);
    const outcomes = { breached: 0, met: 0, pending: 0 };
    for (const history of histories) {
      const expected = stepByStep.simulate(history);
      expect({ caseId: history.caseId, simulation: shortCut.simulate(history) }).toEqual({ caseId: history.caseId, simulation: expected });
      if ('clocks' in expected) for (const c of expected.clocks) if (c.simulated) outcomes[c.simulated] += 1;
    }
    // The generated histories reach every outcome, so the comparison covers each.
    expect(outcomes.breached).toBeGreaterThan(100);
    expect(outcomes.met).toBeGreaterThan(100);
    expect(outcomes.pending).toBeGreaterThan(10);
  });
});
