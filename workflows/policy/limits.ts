/** The value types of a policy: a deadline length and the business calendar, with their validation. Pure. */
import { z } from 'zod';
import '../contract/openapi-zod';
import type { BusinessCalendar, Limit } from '../sla/calendar';

const nonNegative = z.number().nonnegative();

/** Wall-clock hours or minutes, or working days on the policy's calendar. */
export const LIMIT = z.union([z.strictObject({ hours: nonNegative }), z.strictObject({ minutes: nonNegative }), z.strictObject({ workingDays: z.int().nonnegative() })]);

const localDate = z.iso.date();

export const CALENDAR = z
  .strictObject({
    timeZone: z.string().refine(isKnownTimeZone, 'unknown IANA time zone'),
    utcOffsetMinutes: z.int().min(-12 * 60).max(14 * 60),
    holidays: z.array(localDate),
    extraWorkingDays: z.array(localDate),
  })
  .superRefine((cal, ctx) => {
    cal.extraWorkingDays.forEach((date, i) => {
      if (cal.holidays.includes(date)) {
        ctx.addIssue({ code: 'custom', path: ['extraWorkingDays', i], message: `${date} is also listed as a holiday` });
      }
    });
  }) satisfies z.ZodType<BusinessCalendar>;

export const hours = (value: number): Limit => ({ hours: value });

/** Compares limits of the same kind (working days with working days, wall time with wall time); mixed kinds pass. */
export function isShorter(a: Limit, b: Limit): boolean {
  if ('workingDays' in a || 'workingDays' in b) {
    return !('workingDays' in a && 'workingDays' in b) || a.workingDays < b.workingDays;
  }
  const ms = (l: { hours: number } | { minutes: number }) => ('hours' in l ? l.hours * 60 : l.minutes) * 60_000;
  return ms(a) < ms(b);
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
