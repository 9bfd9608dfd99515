/**
 * Business calendar: working days, public holidays and make-up working days in the
 * platform's time zone.
 *
 * Pure and deterministic: this module is bundled into workflow code, so it takes every
 * instant as epoch milliseconds and never reads the clock.
 */
import type { z } from 'zod';
import type { Limit as LimitSchema } from '../contract/case';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

export type BusinessCalendar = {
  /** IANA zone name, for display and for operators; arithmetic uses `utcOffsetMinutes`. */
  timeZone: string;
  /**
   * Fixed offset from UTC. Correct for China, which has no daylight saving time. A zone
   * with DST needs an offset source that varies with the date (e.g. a precomputed table
   * of transitions carried in the calendar); a single fixed offset would be wrong there.
   */
  utcOffsetMinutes: number;
  /** Local dates 'YYYY-MM-DD' that are not working days, even when they fall on a weekday. */
  holidays: string[];
  /** Local dates 'YYYY-MM-DD' that are working days although they fall on a weekend (调休). */
  extraWorkingDays: string[];
};

/** A deadline length: wall-clock hours or minutes, or working days on the business calendar (declared in the contract). */
export type Limit = z.infer<typeof LimitSchema>;

/**
 * SAMPLE DATA, to be overridden by the operator's policy file: the PRC public holidays
 * and make-up working days for 2026 as published by the State Council General Office on
 * 2025-11-04. Other years must be added before they start.
 */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  utcOffsetMinutes: 480,
  holidays: [
    // 元旦 New Year's Day
    '2026-01-01', '2026-01-02', '2026-01-03',
    // 春节 Spring Festival
    '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19',
    '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
    // 清明节 Qingming
    '2026-04-04', '2026-04-05', '2026-04-06',
    // 劳动节 Labour Day
    '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
    // 端午节 Dragon Boat Festival
    '2026-06-19', '2026-06-20', '2026-06-21',
    // 中秋节 Mid-Autumn Festival
    '2026-09-25', '2026-09-26', '2026-09-27',
    // 国庆节 National Day
    '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07',
  ],
  extraWorkingDays: [
    '2026-01-04', // Sunday, for New Year's Day
    '2026-02-14', '2026-02-28', // Saturdays, for the Spring Festival
    '2026-05-09', // Saturday, for Labour Day
    '2026-09-20', '2026-10-10', // Sunday and Saturday, for National Day
  ],
};

function offsetMs(cal: BusinessCalendar): number {
  return cal.utcOffsetMinutes * MS_PER_MINUTE;
}

/** Days since 1970-01-01 of the local date that contains `ms`. */
function localDayNumber(ms: number, cal: BusinessCalendar): number {
  return Math.floor((ms + offsetMs(cal)) / MS_PER_DAY);
}

function dayNumberToDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Each calendar's answers by day number: a deadline of a few working days asks about the same days again and again, and
 * formatting a date costs more than the rest of the arithmetic (the what-if simulation re-times 100,000 cases on one
 * calendar). Keyed by the calendar object, which nothing changes in place (withYears makes a new one).
 */
const workingDayAnswers = new WeakMap<BusinessCalendar, Map<number, boolean>>();

function isWorkingDayNumber(day: number, cal: BusinessCalendar): boolean {
  let answers = workingDayAnswers.get(cal);
  if (!answers) workingDayAnswers.set(cal, (answers = new Map()));
  let answer = answers.get(day);
  if (answer === undefined) answers.set(day, (answer = computeIsWorkingDayNumber(day, cal)));
  return answer;
}

function computeIsWorkingDayNumber(day: number, cal: BusinessCalendar): boolean {
  const date = dayNumberToDate(day);
  if (cal.extraWorkingDays.includes(date)) return true;
  if (cal.holidays.includes(date)) return false;
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday
  return weekday !== 0 && weekday !== 6;
}

/** The local date 'YYYY-MM-DD' that contains the instant `ms`. */
export function localDate(ms: number, cal: BusinessCalendar): string {
  return dayNumberToDate(localDayNumber(ms, cal));
}

/** Whether the local date containing the instant `ms` is a working day. */
export function isWorkingDay(ms: number, cal: BusinessCalendar): boolean {
  return isWorkingDayNumber(localDayNumber(ms, cal), cal);
}

/**
 * The deadline `days` working days after `startMs`: the same local time of day on the
 * N-th working day after the start's local date. A start on a non-working day counts
 * from 00:00 local of the next working day, so the party always gets full working days
 * (Saturday + 1 working day = Tuesday 00:00, i.e. the whole of Monday).
 */
export function addWorkingDays(startMs: number, days: number, cal: BusinessCalendar): number {
  assertCount(days, 'workingDays', true);
  let day = localDayNumber(startMs, cal);
  let timeOfDayMs = startMs + offsetMs(cal) - day * MS_PER_DAY;
  if (!isWorkingDayNumber(day, cal)) {
    do day++;
    while (!isWorkingDayNumber(day, cal));
    timeOfDayMs = 0;
  }
  for (let counted = 0; counted < days; ) {
    day++;
    if (isWorkingDayNumber(day, cal)) counted++;
  }
  return day * MS_PER_DAY + timeOfDayMs - offsetMs(cal);
}

/** The instant `limit` after `startMs`: wall-clock hours/minutes, or working days on `cal`. */
export function addDuration(startMs: number, limit: Limit, cal: BusinessCalendar): number {
  if ('workingDays' in limit) return addWorkingDays(startMs, limit.workingDays, cal);
  if ('hours' in limit) {
    assertCount(limit.hours, 'hours', false);
    return startMs + limit.hours * MS_PER_HOUR;
  }
  assertCount(limit.minutes, 'minutes', false);
  return startMs + limit.minutes * MS_PER_MINUTE;
}

function assertCount(value: number, field: string, integer: boolean): void {
  const ok = Number.isFinite(value) && value >= 0 && (!integer || Number.isInteger(value));
  if (!ok) throw new RangeError(`${field} must be a non-negative ${integer ? 'integer' : 'number'}, got ${value}`);
}

/** The calendar with each given year's holidays and make-up working days in place of those it had for that year. */
export function withYears(cal: BusinessCalendar, years: ReadonlyArray<{ year: number; holidays: readonly string[]; extraWorkingDays: readonly string[] }>): BusinessCalendar {
  if (years.length === 0) return cal;
  const replaced = new Set(years.map((y) => String(y.year)));
  const kept = (dates: readonly string[]) => dates.filter((date) => !replaced.has(date.slice(0, 4)));
  return {
    ...cal,
    holidays: [...kept(cal.holidays), ...years.flatMap((y) => y.holidays)].sort(),
    extraWorkingDays: [...kept(cal.extraWorkingDays), ...years.flatMap((y) => y.extraWorkingDays)].sort(),
  };
}
