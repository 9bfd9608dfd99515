/**
 * How one policy key is declared: its rule (validation), its description, its default and, for a key added after cases
 * were already opened, what such a case gets when the policy it carries lacks the key. The policy's declaration
 * (./index.ts) is a record of these; the schema, the inferred type, the default policy and completePolicy all derive
 * from it.
 */
import { z } from 'zod';
import '../contract/openapi-zod';

/**
 * What a case whose recorded policy lacks the key gets: a fixed value (the one in force when the key was added, kept
 * even if the default changes later, so recorded cases replay), another key's value, or nothing (`'none'`: the key
 * stays absent, e.g. no clock, no cap).
 */
export type WhenAbsent<V> = { value: V } | { sameAs: string } | 'none';

interface KeyOptions<V> {
  description: string;
  default: V;
  whenAbsent?: WhenAbsent<V>;
}

/** The key as a whole policy is parsed: its default applied; optional in the type when its absence means none. */
type FieldOf<R extends z.ZodType, O> = O extends { whenAbsent: 'none' } ? z.ZodOptional<z.ZodDefault<R>> : z.ZodDefault<R>;

export interface PolicyKey<R extends z.ZodType = z.ZodType, F extends z.ZodType = z.ZodType> {
  /** The validation alone, described: what an override may set. */
  rule: R;
  /** The validation with the default: what a whole policy is parsed with. */
  field: F;
  default?: z.output<R>;
  whenAbsent?: WhenAbsent<z.output<R>>;
}

/** A key with a default. */
export function policyKey<R extends z.ZodType, O extends KeyOptions<z.output<R>>>(rule: R, options: O): PolicyKey<R, FieldOf<R, O>> & Pick<O, 'whenAbsent'> {
  const described = rule.openapi({ description: options.description }) as R;
  const defaulted = described.default(options.default as never);
  const field = (options.whenAbsent === 'none' ? defaulted.optional() : defaulted) as FieldOf<R, O>;
  return { rule: described, field, default: options.default, ...(options.whenAbsent !== undefined && { whenAbsent: options.whenAbsent }) } as PolicyKey<R, FieldOf<R, O>> & Pick<O, 'whenAbsent'>;
}

/** A key every policy names itself, without a default. */
export function requiredKey<R extends z.ZodType>(rule: R, description: string): PolicyKey<R, R> {
  const described = rule.openapi({ description }) as R;
  return { rule: described, field: described };
}

type Keys = Record<string, PolicyKey>;

/** The keys an older policy may lack and that a case then gets from `whenAbsent` (a value or another key's). */
export type KeysWithFallback<T extends Keys> = { [K in keyof T]: T[K] extends { whenAbsent: { value: unknown } | { sameAs: string } } ? K : never }[keyof T];

export const fieldsOf = <T extends Keys>(keys: T) => mapKeys(keys, (key) => key.field) as { [K in keyof T]: T[K]['field'] };
export const rulesOf = <T extends Keys>(keys: T) => mapKeys(keys, (key) => key.rule) as { [K in keyof T]: T[K]['rule'] };

/** Every key's default (keys without one, such as the version, are left out). */
export function defaultsOf(keys: Keys): Record<string, unknown> {
  return Object.fromEntries(Object.entries(keys).flatMap(([name, key]) => ('default' in key ? [[name, key.default]] : [])));
}

/** What completing a recorded policy adds, built once: fixed values, and keys that take another key's value. */
export interface Fallbacks {
  values: Record<string, unknown>;
  sameAs: ReadonlyArray<readonly [key: string, source: string]>;
}

export function fallbacksOf(keys: Keys): Fallbacks {
  const values: Record<string, unknown> = {};
  const sameAs: [string, string][] = [];
  for (const [name, { whenAbsent }] of Object.entries(keys)) {
    if (whenAbsent === undefined || whenAbsent === 'none') continue;
    if ('value' in whenAbsent) values[name] = whenAbsent.value;
    else if (whenAbsent.sameAs in keys && keys[whenAbsent.sameAs].whenAbsent === undefined) sameAs.push([name, whenAbsent.sameAs]);
    else throw new Error(`policy key ${name} falls back to ${whenAbsent.sameAs}, which is not a key every policy has`);
  }
  return { values, sameAs };
}

/** `recorded` with every key it lacks taken from `fallbacks`: one copy, and a look at the few keys that name another. */
export function complete(recorded: Record<string, unknown>, { values, sameAs }: Fallbacks): Record<string, unknown> {
  const borrowed: Record<string, unknown> = {};
  for (const [key, source] of sameAs) if (!(key in recorded)) borrowed[key] = recorded[source];
  // Not { ...values, ...recorded }: Node 20's V8 copies a second spread source of a policy's size key by key, about
  // 260 µs a policy against 7 to 15 µs for Object.assign (measured on the 2-core machine at load average 8).
  return Object.assign({}, values, borrowed, recorded);
}

function mapKeys<T extends Keys, V>(keys: T, pick: (key: PolicyKey) => V): Record<keyof T, V> {
  return Object.fromEntries(Object.entries(keys).map(([name, key]) => [name, pick(key)])) as Record<keyof T, V>;
}
