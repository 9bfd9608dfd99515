/**
 * A policy version as operators keep it: a default policy and ordered overrides, each matched by case kind, priority,
 * product category and merchant tier. The first override that matches a case sets its limits. Pure: the API resolves a
 * new case's policy with it, and the workflow again when a ticket's priority changes.
 */
import type { PRIORITIES } from './contract/common';
import type { CaseKind } from './domain/case';
import type { CasePolicy, RecordedPolicy } from './policy';

export type PriorityLevel = (typeof PRIORITIES)[number];

/** The policy fields an override may set: every limit and default action, not the version or the calendar. */
export type PolicyLimits = Omit<CasePolicy, 'version' | 'calendar'>;

export interface PolicyOverride {
  name: string;
  /** Every listed criterion must hold; an absent one matches any case. */
  match: { kinds?: CaseKind[]; priorities?: PriorityLevel[]; categories?: string[]; merchantTiers?: string[] };
  set: Partial<PolicyLimits>;
}

/** A version as stored: its base may lack keys added since (completePolicy fills them for a case). */
export interface PolicyRules<P extends RecordedPolicy = RecordedPolicy> {
  version: string;
  base: P;
  overrides: PolicyOverride[];
}

export interface CaseTraits {
  kind: CaseKind;
  priority?: PriorityLevel;
  category?: string;
  merchantTier?: string;
}

export interface MatchedPolicy<P extends RecordedPolicy = RecordedPolicy> {
  policy: P;
  /** The name of the override that matched, if any. */
  override?: string;
}

export function matchPolicy<P extends RecordedPolicy>(rules: PolicyRules<P>, traits: CaseTraits): MatchedPolicy<P> {
  const override = rules.overrides.find(({ match }) => matches(match.kinds, traits.kind) && matches(match.priorities, traits.priority) && matches(match.categories, traits.category) && matches(match.merchantTiers, traits.merchantTier));
  if (!override) return { policy: rules.base };
  return { policy: { ...rules.base, ...override.set }, override: override.name };
}

function matches<T>(allowed: readonly T[] | undefined, value: T | undefined): boolean {
  return allowed === undefined || (value !== undefined && allowed.includes(value));
}
