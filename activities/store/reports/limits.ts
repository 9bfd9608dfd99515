import type { Limit } from '../../../workflows/sla/calendar';

/**
 * A clock's limit for people, e.g. "24 h". A clock counted from receipt carries the time left at its start (23 h 59 min
 * 59.96 s), so time limits are rounded to the second first.
 */
export function describeLimit(limit: Limit | undefined): string {
  if (!limit) return '';
  if ('workingDays' in limit) return `${limit.workingDays} working day${limit.workingDays === 1 ? '' : 's'}`;
  const seconds = Math.round('hours' in limit ? limit.hours * 3600 : limit.minutes * 60);
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
