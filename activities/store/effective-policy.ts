import type mongoose from 'mongoose';
import type { CasePolicy } from '../../workflows/policy';
import type { PolicyRules } from '../../workflows/policy-rules';
import { withYears } from '../../workflows/sla/calendar';
import { calendarHistory, currentYears } from './calendar-store';
import { activePolicyRules } from './policy-store';

/**
 * The rules in force: the store's active version, or `fallback` (the file and environment's policy) while no version
 * was ever activated, with the calendar years operators keep in the store in place of the policy's own for those years.
 */
export async function effectivePolicyRules(store: mongoose.Connection, fallback: CasePolicy): Promise<PolicyRules> {
  const [active, history] = await Promise.all([activePolicyRules(store), calendarHistory(store)]);
  const rules = active ?? { version: fallback.version, base: fallback, overrides: [] };
  return { ...rules, base: { ...rules.base, calendar: withYears(rules.base.calendar, currentYears(history)) } };
}
