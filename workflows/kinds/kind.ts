/**
 * What a kind of case is, declared in its own folder (workflows/kinds/<kind>/definition.ts) and registered in
 * workflows/kinds/index.ts: the contract, the policy, the API's intake check, the reports and the console read every
 * kind from the registry. Its playbook (workflows/kinds/<kind>/playbook.ts) is registered in
 * workflows/kinds/playbooks.ts, apart, because a playbook needs the contract this registry builds.
 */
import type { z } from 'zod';
import type { BusinessCalendar } from '../sla/calendar';
import type { OrderSnapshot } from '../domain/case';
import type { PolicyKey } from '../policy/policy-key';

/**
 * What an intake check reads of the policy in force: every key, each typed by the definition that declares it (the
 * policy's own type is built from the kinds, so it cannot appear in a kind's type).
 */
export type IntakePolicy = { readonly version: string; readonly calendar: BusinessCalendar; readonly [key: string]: unknown };

/** Why a create request of this kind cannot be opened (422, nothing opened); `field` paths name the request body. */
export interface IntakeIssue {
  code: string;
  title: string;
  detail: string;
  errors: Array<{ field: string; message: string }>;
}

export interface KindDefinition<
  K extends string = string,
  D extends z.ZodObject = z.ZodObject,
  S extends readonly string[] = readonly string[],
  F extends z.ZodRawShape = z.ZodRawShape,
  C extends Record<string, z.ZodType> = Record<string, z.ZodType>,
  P extends Record<string, PolicyKey> = Record<string, PolicyKey>,
> {
  kind: K;
  /** The create request's `details` for this kind: a strict object whose `kind` is the literal K. */
  details: D;
  /** The statuses a case of this kind passes through; its playbook has a step or commands for each, and nothing else. */
  statuses: S;
  /** What only this kind establishes along the way (the view's `facts`, beside the facts every kind shares). */
  facts: F;
  /** The commands only this kind takes: their bodies (the API's routes, the workflow's validators). */
  commands: C;
  /** The policy keys only this kind's clocks and rules read: each with its rule, default and what older cases get. */
  policy: P;
  intake: {
    /** A case of this kind is about an order: the request must carry it (else 400 on `order`). */
    needsOrder: boolean;
    /** A business check of the request before anything opens. */
    check?(request: { order?: OrderSnapshot; details: z.output<D> }, policy: IntakePolicy, now: number): IntakeIssue | undefined;
  };
  /** The problem type within the kind the reports group by (a return reason, a feedback type, …). */
  reportReason(details: z.output<D>): string;
}

/** Keeps a definition's literal types (its kind, statuses, schemas) for the registry's derived unions. */
export function defineKind<K extends string, D extends z.ZodObject, const S extends readonly string[], F extends z.ZodRawShape, C extends Record<string, z.ZodType>, P extends Record<string, PolicyKey>>(
  definition: KindDefinition<K, D, S, F, C, P>,
): KindDefinition<K, D, S, F, C, P> {
  return definition;
}
