/**
 * Every kind of case, registered once: the contract (kind list, details union, statuses, facts, commands), the policy's
 * keys, the API's intake check, the reports' reasons and the console's lists are derived from this list. A kind's
 * playbook is registered beside it in ./playbooks.ts.
 *
 * The contract and the policy read the list when they are evaluated, so a kind registered by registerKind (a test's
 * extra kind, test/kinds/) must be registered before anything imports workflows/contract or workflows/policy.
 */
import type { z } from 'zod';
import type { OrderSnapshot } from '../domain/case';
import { exchangeKind } from './exchange/definition';
import { feedbackKind } from './feedback/definition';
import type { IntakeIssue, IntakePolicy, KindDefinition } from './kind';
import type { PolicyKey } from '../policy/policy-key';
import { maintenanceKind } from './maintenance/definition';
import { refundOnlyKind } from './refund-only/definition';
import { repairKind } from './repair/definition';
import { returnKind } from './return/definition';
import { safetyKind } from './safety/definition';

const BUILT_IN_KINDS = [returnKind, refundOnlyKind, exchangeKind, feedbackKind, safetyKind, repairKind, maintenanceKind] as const;

type BuiltInKind = (typeof BUILT_IN_KINDS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

export type KindName = BuiltInKind['kind'];
export type StatusesByKind = { [D in BuiltInKind as D['kind']]: D['statuses'] };
type DetailsOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: T[I] extends { details: infer D } ? D : never };
export type KindDetailsSchemas = DetailsOf<typeof BUILT_IN_KINDS>;
export type KindFactsShape = UnionToIntersection<BuiltInKind['facts']>;
export type KindCommandBodies = UnionToIntersection<BuiltInKind['commands']>;
export type KindPolicyKeys = UnionToIntersection<BuiltInKind['policy']>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a definition's schemas are checked where it is declared
type AnyKindDefinition = KindDefinition<string, any, readonly string[], z.ZodRawShape, Record<string, z.ZodType>, Record<string, PolicyKey>>;

const registered: AnyKindDefinition[] = [...BUILT_IN_KINDS];

/** Adds a kind beside the built-in ones (before the contract and the policy are evaluated; see above). */
export function registerKind(definition: AnyKindDefinition): void {
  if (registered.some((k) => k.kind === definition.kind)) throw new Error(`case kind "${definition.kind}" is registered twice`);
  registered.push(definition);
}

export function kindDefinition(kind: string): AnyKindDefinition | undefined {
  return registered.find((k) => k.kind === kind);
}

export const caseKinds = () => registered.map((k) => k.kind) as unknown as readonly [KindName, ...KindName[]];

export const statusesByKind = () => Object.fromEntries(registered.map((k) => [k.kind, k.statuses])) as StatusesByKind;

export const kindDetailsSchemas = () => registered.map((k) => k.details) as unknown as KindDetailsSchemas;

export const kindFacts = () => Object.assign({}, ...registered.map((k) => k.facts)) as KindFactsShape;

export const kindCommandBodies = () => mergeOwned('command', (k) => k.commands) as KindCommandBodies;

export const kindPolicyKeys = () => mergeOwned('policy key', (k) => k.policy) as KindPolicyKeys;

/** Every kind's entries of one sort in one record; two kinds may not declare the same name. */
function mergeOwned<V>(what: string, entries: (kind: AnyKindDefinition) => Record<string, V>): Record<string, V> {
  const merged: Record<string, V> = {};
  for (const definition of registered) {
    for (const [name, entry] of Object.entries(entries(definition))) {
      if (name in merged) throw new Error(`${what} "${name}" of kind "${definition.kind}" is declared by another kind too`);
      merged[name] = entry;
    }
  }
  return merged;
}

/** Why a create request cannot be opened as its kind, or undefined. */
export function intakeIssue(request: { order?: OrderSnapshot; details: { kind: string } }, policy: IntakePolicy, now: number): IntakeIssue | undefined {
  return kindDefinition(request.details.kind)?.intake.check?.(request, policy, now);
}

export const kindNeedsOrder = (kind: string): boolean => kindDefinition(kind)?.intake.needsOrder ?? false;

/** The problem type within the kind (a return reason, a refund-only ground, a feedback type, …). */
export function reportReasonOf(details: { kind: string }): string {
  return kindDefinition(details.kind)?.reportReason(details) ?? details.kind;
}

export type { IntakeIssue, KindDefinition };
