import {
  addDuration,
  addWorkingDays,
  DEFAULT_CALENDAR,
  isWorkingDay,
  localDate,
  type BusinessCalendar,
} from '../../workflows/sla/calendar';

const cal = DEFAULT_CALENDAR;
/** An instant given as Shanghai local time, e.g. local('2026-03-13T15:00'). */
const local = (dateTime: string) => Date.parse(`${dateTime}:00+08:00`);
const HOUR = 3_600_000;

describe('isWorkingDay', () => {
  it('treats ordinary weekdays as working and weekends as not', () => {
    expect(isWorkingDay(local('2026-03-13T15:00'), cal)).toBe(true); // Friday
    expect(isWorkingDay(local('2026-03-14T15:00'), cal)).toBe(false); // Saturday
    expect(isWorkingDay(local('2026-03-15T15:00'), cal)).toBe(false); // Sunday
  });

  it('treats public holidays on weekdays as not working', () => {
    expect(isWorkingDay(local('2026-10-01T10:00'), cal)).toBe(false); // Thursday, National Day
    expect(isWorkingDay(local('2026-02-17T10:00'), cal)).toBe(false); // Tuesday, Spring Festival
  });

  it('treats make-up weekend days (调休) as working', () => {
    expect(isWorkingDay(local('2026-10-10T10:00'), cal)).toBe(true); // Saturday
    expect(isWorkingDay(local('2026-09-20T10:00'), cal)).toBe(true); // Sunday
    expect(isWorkingDay(local('2026-02-14T10:00'), cal)).toBe(true); // Saturday
  });

  it('uses the local date, not the UTC date', () => {
    // 2026-03-15T23:30Z is Sunday in UTC but Monday 07:30 in Shanghai.
    const mondayMorningLocal = Date.parse('2026-03-15T23:30:00Z');
    expect(localDate(mondayMorningLocal, cal)).toBe('2026-03-16');
    expect(isWorkingDay(mondayMorningLocal, cal)).toBe(true);
    expect(isWorkingDay(mondayMorningLocal, { ...cal, utcOffsetMinutes: 0 })).toBe(false);
    // Friday 23:30 in Shanghai is still Friday locally (15:30 UTC).
    expect(localDate(local('2026-03-13T23:30'), cal)).toBe('2026-03-13');
    // 2026-03-13T23:30Z is Friday in UTC but Saturday 07:30 in Shanghai.
    expect(isWorkingDay(Date.parse('2026-03-13T23:30:00Z'), cal)).toBe(false);
  });
});

describe('addWorkingDays', () => {
  it('skips the weekend: Friday 15:00 + 1 working day = Monday 15:00', () => {
    expect(addWorkingDays(local('2026-03-13T15:00'), 1, cal)).toBe(local('2026-03-16T15:00'));
  });

  it('keeps the time of day within a week', () => {
    expect(addWorkingDays(local('2026-03-10T09:15'), 2, cal)).toBe(local('2026-03-12T09:15'));
    expect(addWorkingDays(local('2026-03-10T09:15'), 0, cal)).toBe(local('2026-03-10T09:15'));
  });

  it('counts a start on Saturday from Monday 00:00, giving a full working day', () => {
    expect(addWorkingDays(local('2026-03-14T10:00'), 1, cal)).toBe(local('2026-03-17T00:00'));
    expect(addWorkingDays(local('2026-03-14T10:00'), 0, cal)).toBe(local('2026-03-16T00:00'));
  });

  it('skips the 2026 National Day holiday and counts its make-up Saturday', () => {
    // Wednesday 30 September → the holiday runs 1–7 October → Thursday 8 October.
    expect(addWorkingDays(local('2026-09-30T10:00'), 1, cal)).toBe(local('2026-10-08T10:00'));
    // 8 Oct (Thu), 9 Oct (Fri), 10 Oct (make-up Saturday).
    expect(addWorkingDays(local('2026-09-30T10:00'), 3, cal)).toBe(local('2026-10-10T10:00'));
    // A start inside the holiday counts from 00:00 of the first working day after it.
    expect(addWorkingDays(local('2026-10-03T16:00'), 1, cal)).toBe(local('2026-10-09T00:00'));
  });

  it('counts the make-up Sunday before National Day', () => {
    // Friday 18 Sep + 1 → Sunday 20 Sep (make-up day); + 2 → Monday 21 Sep.
    expect(addWorkingDays(local('2026-09-18T11:00'), 1, cal)).toBe(local('2026-09-20T11:00'));
    expect(addWorkingDays(local('2026-09-18T11:00'), 2, cal)).toBe(local('2026-09-21T11:00'));
  });

  it('treats a start on a make-up Saturday as a working-day start', () => {
    expect(addWorkingDays(local('2026-02-28T09:00'), 1, cal)).toBe(local('2026-03-02T09:00'));
  });

  it('skips the Spring Festival', () => {
    // Friday 13 Feb → Saturday 14 Feb (make-up) → holiday 15–23 Feb → Tuesday 24 Feb.
    expect(addWorkingDays(local('2026-02-13T18:00'), 1, cal)).toBe(local('2026-02-14T18:00'));
    expect(addWorkingDays(local('2026-02-13T18:00'), 2, cal)).toBe(local('2026-02-24T18:00'));
  });

  it('keeps the local time of day when the UTC date differs (late evening local)', () => {
    // Friday 23:30 local (15:30 UTC) + 1 → Monday 23:30 local.
    expect(addWorkingDays(local('2026-03-13T23:30'), 1, cal)).toBe(local('2026-03-16T23:30'));
    // Monday 07:30 local is still Sunday in UTC; + 1 → Tuesday 07:30 local.
    expect(addWorkingDays(Date.parse('2026-03-15T23:30:00Z'), 1, cal)).toBe(local('2026-03-17T07:30'));
  });

  it('works in another fixed offset', () => {
    const utc: BusinessCalendar = { timeZone: 'UTC', utcOffsetMinutes: 0, holidays: [], extraWorkingDays: [] };
    // 2026-10-01 is a plain Thursday there.
    expect(addWorkingDays(Date.parse('2026-09-30T10:00:00Z'), 1, utc)).toBe(Date.parse('2026-10-01T10:00:00Z'));
    // Friday 23:30 UTC (Saturday in Shanghai) is a working-day start in UTC.
    expect(addWorkingDays(Date.parse('2026-03-13T23:30:00Z'), 1, utc)).toBe(Date.parse('2026-03-16T23:30:00Z'));
  });

  it('rejects negative or fractional counts', () => {
    expect(() => addWorkingDays(local('2026-03-13T15:00'), -1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays(local('2026-03-13T15:00'), 1.5, cal)).toThrow(/workingDays/);
  });
});

describe('addDuration', () => {
  const start = local('2026-03-13T15:00');

  it('adds wall-clock hours and minutes straight through weekends', () => {
    expect(addDuration(start, { hours: 48 }, cal)).toBe(start + 48 * HOUR);
    expect(addDuration(start, { minutes: 30 }, cal)).toBe(start + HOUR / 2);
  });

  it('adds working days on the calendar', () => {
    expect(addDuration(start, { workingDays: 1 }, cal)).toBe(local('2026-03-16T15:00'));
  });

  it('rejects negative durations', () => {
    expect(() => addDuration(start, { hours: -1 }, cal)).toThrow(/hours/);
  });
});

describe('DEFAULT_CALENDAR', () => {
  it('is Asia/Shanghai at UTC+8', () => {
    expect(cal.timeZone).toBe('Asia/Shanghai');
    expect(cal.utcOffsetMinutes).toBe(480);
  });

  it('lists make-up days only on weekends and never as holidays', () => {
    for (const date of cal.extraWorkingDays) {
      expect(cal.holidays).not.toContain(date);
      expect([0, 6]).toContain(new Date(`${date}T00:00:00Z`).getUTCDay());
    }
  });
});
