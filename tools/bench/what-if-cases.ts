/**
 * The clock histories the what-if bench seeds: recorded (closed) returns and feedback tickets of the shape the worker
 * projects, spread over RANGE_DAYS from RANGE_START, and open cases with running deadlines over the coming week.
 */
import type { ClockHistory, RecordedClock } from '../../activities/store/what-if/clock-history';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const RANGE_START = Date.UTC(2026, 8, 1);
export const RANGE_DAYS = 60;

const clock = (name: string, owner: string, startedAt: number, limitMs: number, doneAfter: number | undefined, breachAction: string): RecordedClock => {
  const deadline = startedAt + limitMs;
  if (doneAfter === undefined) return { name, owner, status: 'breached', startedAt, deadline, warned: true, breachAction, breachedAt: deadline };
  const doneAt = startedAt + doneAfter;
  return doneAt <= deadline
    ? { name, owner, status: 'satisfied', startedAt, deadline, warned: doneAfter > limitMs / 2, breachAction, satisfiedAt: doneAt }
    : { name, owner, status: 'breached', startedAt, deadline, warned: true, breachAction, breachedAt: deadline, satisfiedAt: doneAt };
};

/** A recorded return (3 of 4) or feedback ticket, closed; i spreads merchants, timings and pauses. */
export function recordedCase(i: number): ClockHistory {
  const openedAt = RANGE_START + (i % RANGE_DAYS) * DAY + ((i * 7_919) % DAY);
  const base = { caseId: `case-whatif-${String(i).padStart(7, '0')}`, version: 12, openedAt, merchantId: `merchant-${i % 200}`, category: 'kitchen', policyVersion: '2026.3', events: [], queues: [], priorityChanges: [] };
  const spread = (k: number) => ((i * k) % 97) / 97;
  if (i % 4 === 3) {
    const registered = openedAt + spread(13) * 40 * 60_000;
    return {
      ...base,
      kind: 'feedback',
      closedAt: openedAt + 3 * DAY,
      priorityChanges: [{ at: registered, priority: i % 3 === 0 ? 'urgent' : 'normal' }],
      clocks: [clock('registration', 'agent', openedAt, 30 * 60_000, registered - openedAt, 'alert_cs_lead'), clock('first_response', 'agent', openedAt, 24 * HOUR, spread(17) * 30 * HOUR, 'escalate_to_senior_agent')],
    };
  }
  const review = clock('merchant_review', 'merchant', openedAt, 48 * HOUR, i % 11 === 0 ? undefined : spread(19) * 60 * HOUR, 'approve');
  const approvedAt = review.satisfiedAt ?? review.breachedAt!;
  const shipBack = clock('customer_ship_back', 'customer', approvedAt, 7 * DAY, i % 13 === 0 ? undefined : spread(23) * 8 * DAY, 'close_abandoned');
  const clocks = [review, shipBack];
  const paused = i % 9 === 0;
  if (shipBack.satisfiedAt !== undefined) {
    const inspection = clock('merchant_inspection', 'merchant', shipBack.satisfiedAt + 2 * DAY, 48 * HOUR, spread(29) * 55 * HOUR, 'deem_accepted');
    const refundAt = (inspection.satisfiedAt ?? inspection.breachedAt!) + HOUR;
    clocks.push(inspection, clock('refund_start', 'merchant', refundAt, 3 * DAY, spread(31) * 4 * DAY, 'refund_on_behalf_of_merchant'));
  }
  return {
    ...base,
    kind: 'return',
    closedAt: openedAt + 20 * DAY,
    clocks,
    ...(paused && {
      events: [
        { at: openedAt + HOUR, clock: 'merchant_review', type: 'pause' as const, role: 'supervisor' },
        { at: openedAt + 5 * HOUR, clock: 'merchant_review', type: 'resume' as const, role: 'supervisor' },
      ],
    }),
  };
}

/** An open case with one or two running deadlines over the coming week; a third warned. */
export function openCase(i: number, now: number): ClockHistory {
  const openedAt = now - ((i * 31) % 5) * DAY - HOUR;
  const deadline = now + ((i * 7_919) % (7 * DAY));
  const running = (name: string, owner: string, at: number): RecordedClock => ({ name, owner, status: 'running', startedAt: openedAt, deadline: at, warned: i % 3 === 0, breachAction: 'approve' });
  return {
    caseId: `case-open-${String(i).padStart(7, '0')}`,
    version: 4,
    kind: 'return',
    openedAt,
    merchantId: `merchant-${i % 200}`,
    policyVersion: '2026.3',
    priorityChanges: [],
    events: [],
    queues: i % 10 === 0 ? ['platform'] : [],
    clocks: i % 2 === 0 ? [running('merchant_review', 'merchant', deadline)] : [running('customer_ship_back', 'customer', deadline), running('refund_start', 'merchant', deadline + 3 * HOUR)],
  };
}
