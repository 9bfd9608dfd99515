import { DEFAULT_CALENDAR } from '../../workflows/sla/calendar';
import {
  cancelClock,
  markBreached,
  markWarned,
  nextDue,
  pauseClock,
  resumeClock,
  satisfyClock,
  startClock,
  type ClockSpec,
  type ClockState,
} from '../../workflows/sla/clock';

const cal = DEFAULT_CALENDAR;
const HOUR = 3_600_000;
const local = (dateTime: string) => Date.parse(`${dateTime}:00+08:00`);
const T0 = local('2026-03-10T09:00'); // a Tuesday

const merchantReview: ClockSpec = {
  name: 'merchantReview',
  limit: { hours: 48 },
  warnBefore: { hours: 24 },
  breachAction: 'approve',
  owner: 'merchant',
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('startClock', () => {
  it('computes the deadline and warning from the spec', () => {
    const s = startClock(merchantReview, T0, cal);
    expect(s).toMatchObject({
      ...merchantReview,
      status: 'running',
      startedAt: T0,
      deadline: T0 + 48 * HOUR,
      warnAt: T0 + 24 * HOUR,
      warned: false,
    });
  });

  it('computes working-day deadlines on the calendar', () => {
    const friday = local('2026-03-13T15:00');
    const s = startClock({ ...merchantReview, limit: { workingDays: 1 }, warnBefore: undefined }, friday, cal);
    expect(s.deadline).toBe(local('2026-03-16T15:00'));
    expect(s.warnAt).toBeUndefined();
  });

  it('supports a warning counted from the start, in working days', () => {
    const refund: ClockSpec = {
      name: 'refundStart',
      limit: { workingDays: 3 },
      warnAfter: { workingDays: 1 },
      breachAction: 'escalate_to_platform',
      owner: 'merchant',
    };
    const s = startClock(refund, local('2026-03-13T15:00'), cal);
    expect(s.warnAt).toBe(local('2026-03-16T15:00'));
    expect(s.deadline).toBe(local('2026-03-18T15:00'));
  });

  it('warns at once when the warning offset is longer than the limit', () => {
    const s = startClock({ ...merchantReview, limit: { hours: 1 } }, T0, cal);
    expect(s.warnAt).toBe(T0);
  });

  it('is plain JSON', () => {
    const s = startClock(merchantReview, T0, cal);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('pause and resume', () => {
  it('shifts the deadline and the warning by the length of the pause', () => {
    const started = deepFreeze(startClock(merchantReview, T0, cal));
    const paused = deepFreeze(pauseClock(started, T0 + 10 * HOUR));
    expect(paused).toMatchObject({ status: 'paused', pausedAt: T0 + 10 * HOUR, remainingMs: 38 * HOUR });

    const resumed = resumeClock(paused, T0 + 15 * HOUR);
    expect(resumed.status).toBe('running');
    expect(resumed.deadline).toBe(T0 + 53 * HOUR);
    expect(resumed.warnAt).toBe(T0 + 29 * HOUR);
    expect(resumed.pausedAt).toBeUndefined();
    expect(resumed.remainingMs).toBeUndefined();
    // The inputs were not mutated (they are frozen, so a mutation would have thrown).
    expect(started.deadline).toBe(T0 + 48 * HOUR);
  });

  it('survives a JSON round trip while paused (continue-as-new)', () => {
    const paused = pauseClock(startClock(merchantReview, T0, cal), T0 + HOUR);
    const carried: ClockState = JSON.parse(JSON.stringify(paused));
    expect(resumeClock(carried, T0 + 2 * HOUR).deadline).toBe(T0 + 49 * HOUR);
  });

  it('ignores a pause of a paused clock and a resume of a running one', () => {
    const running = startClock(merchantReview, T0, cal);
    expect(resumeClock(running, T0 + HOUR)).toBe(running);
    const paused = pauseClock(running, T0 + HOUR);
    expect(pauseClock(paused, T0 + 2 * HOUR)).toBe(paused);
  });

  it('breaches at once after resuming a clock that was paused past its deadline', () => {
    const started = startClock(merchantReview, T0, cal);
    const paused = pauseClock(started, T0 + 50 * HOUR); // paused after its deadline went unnoticed
    expect(paused.remainingMs).toBe(0);
    const resumed = resumeClock(paused, T0 + 60 * HOUR);
    expect(nextDue([resumed], T0 + 60 * HOUR)).toEqual({ name: 'merchantReview', kind: 'breach', at: T0 + 60 * HOUR });
  });
});

describe('satisfy, cancel, breach', () => {
  it('satisfies a running or paused clock', () => {
    const running = startClock(merchantReview, T0, cal);
    expect(satisfyClock(running, T0 + HOUR)).toMatchObject({ status: 'satisfied', satisfiedAt: T0 + HOUR });
    const satisfiedWhilePaused = satisfyClock(pauseClock(running, T0 + HOUR), T0 + 2 * HOUR);
    expect(satisfiedWhilePaused).toMatchObject({ status: 'satisfied', satisfiedAt: T0 + 2 * HOUR });
    expect(satisfiedWhilePaused.pausedAt).toBeUndefined();
  });

  it('cancels a running clock once', () => {
    const cancelled = cancelClock(startClock(merchantReview, T0, cal), T0 + HOUR);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledAt: T0 + HOUR });
    expect(cancelClock(cancelled, T0 + 2 * HOUR)).toBe(cancelled);
    expect(satisfyClock(cancelled, T0 + 2 * HOUR)).toBe(cancelled);
  });

  it('keeps a breached clock breached but records a late completion', () => {
    const breached = markBreached(startClock(merchantReview, T0, cal), T0 + 48 * HOUR);
    expect(breached).toMatchObject({ status: 'breached', breachedAt: T0 + 48 * HOUR });
    const late = satisfyClock(breached, T0 + 50 * HOUR);
    expect(late).toMatchObject({ status: 'breached', satisfiedAt: T0 + 50 * HOUR });
    expect(satisfyClock(late, T0 + 51 * HOUR)).toBe(late);
    expect(pauseClock(breached, T0 + 50 * HOUR)).toBe(breached);
  });

  it('only breaches running clocks', () => {
    const paused = pauseClock(startClock(merchantReview, T0, cal), T0 + HOUR);
    expect(markBreached(paused, T0 + 48 * HOUR)).toBe(paused);
  });
});

describe('nextDue', () => {
  it('runs warn then breach for one clock, then nothing', () => {
    let s = startClock(merchantReview, T0, cal);
    expect(nextDue([s], T0)).toEqual({ name: 'merchantReview', kind: 'warn', at: T0 + 24 * HOUR });
    s = markWarned(s);
    expect(s.warned).toBe(true);
    expect(nextDue([s], T0 + 24 * HOUR)).toEqual({ name: 'merchantReview', kind: 'breach', at: T0 + 48 * HOUR });
    s = markBreached(s, T0 + 48 * HOUR);
    expect(nextDue([s], T0 + 48 * HOUR)).toBeUndefined();
  });

  it('picks the earliest event across clocks and ignores clocks that are not running', () => {
    const review = startClock(merchantReview, T0, cal); // warn +24h, breach +48h
    const registration = startClock(
      { name: 'registration', limit: { minutes: 30 }, breachAction: 'alert_cs_lead', owner: 'agent' },
      T0,
      cal,
    ); // breach +30min
    const safety = startClock(
      { name: 'safety', limit: { hours: 2 }, warnBefore: { hours: 1 }, breachAction: 'page_safety_owner', owner: 'agent' },
      T0,
      cal,
    ); // warn +1h, breach +2h
    const clocks = [review, registration, safety];

    expect(nextDue(clocks, T0)).toEqual({ name: 'registration', kind: 'breach', at: T0 + HOUR / 2 });

    const afterRegistration = [review, satisfyClock(registration, T0 + HOUR / 4), safety];
    expect(nextDue(afterRegistration, T0)).toEqual({ name: 'safety', kind: 'warn', at: T0 + HOUR });

    const safetyPaused = [review, cancelClock(registration, T0), pauseClock(safety, T0)];
    expect(nextDue(safetyPaused, T0)).toEqual({ name: 'merchantReview', kind: 'warn', at: T0 + 24 * HOUR });

    expect(nextDue([], T0)).toBeUndefined();
  });

  it('orders ties warn first, then by name', () => {
    const a = startClock({ name: 'b', limit: { hours: 2 }, breachAction: 'x', owner: 'merchant' }, T0, cal);
    const b = startClock({ name: 'a', limit: { hours: 2 }, breachAction: 'x', owner: 'merchant' }, T0, cal);
    const c = startClock({ name: 'c', limit: { hours: 3 }, warnBefore: { hours: 1 }, breachAction: 'x', owner: 'merchant' }, T0, cal);
    expect(nextDue([a, b, c], T0)).toEqual({ name: 'c', kind: 'warn', at: T0 + 2 * HOUR });
    expect(nextDue([a, b, markWarned(c)], T0)).toEqual({ name: 'a', kind: 'breach', at: T0 + 2 * HOUR });
  });

  it('skips a warning when the deadline has already passed', () => {
    const s = startClock(merchantReview, T0, cal);
    expect(nextDue([s], T0 + 49 * HOUR)).toEqual({ name: 'merchantReview', kind: 'breach', at: T0 + 48 * HOUR });
  });
});
