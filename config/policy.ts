/**
 * Resolves the policy new cases are opened under: DEFAULT_POLICY, deep-merged with the
 * JSON file CASE_POLICY_FILE names, then single-value environment overrides, validated
 * as a whole with the policy's own schema (workflows/policy). Runs in the API/worker process, never in workflow code.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { CASE_KINDS, PRIORITIES } from '../workflows/contract';
import { CasePolicySchema, DEFAULT_POLICY, PolicyLimitsSchema, type CasePolicy } from '../workflows/policy';
import type { PolicyOverride, PolicyRules } from '../workflows/policy-rules';

type Override = { env: string; apply(policy: Record<string, unknown>, raw: string): void };

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function numberFrom(env: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`${env} must be a number, got "${raw}"`);
  return value;
}

const text = (env: string, path: string[]): Override => ({ env, apply: (p, raw) => setPath(p, path, raw) });
const number = (env: string, path: string[]): Override => ({ env, apply: (p, raw) => setPath(p, path, numberFrom(env, raw)) });
const limit = (env: string, field: string, unit: 'hours' | 'workingDays'): Override => ({
  env,
  apply: (p, raw) => setPath(p, [field], { [unit]: numberFrom(env, raw) }),
});

/** Single values operators commonly change without a policy file. */
const ENV_OVERRIDES: Override[] = [
  text('CASE_POLICY_VERSION', ['version']),
  text('CASE_POLICY_TIME_ZONE', ['calendar', 'timeZone']),
  number('CASE_POLICY_UTC_OFFSET_MINUTES', ['calendar', 'utcOffsetMinutes']),
  limit('CASE_POLICY_MERCHANT_REVIEW_REMINDER_HOURS', 'merchantReviewReminder', 'hours'),
  limit('CASE_POLICY_MERCHANT_REVIEW_HOURS', 'merchantReviewTimeout', 'hours'),
  text('CASE_POLICY_MERCHANT_REVIEW_TIMEOUT_ACTION', ['merchantReviewTimeoutAction']),
  limit('CASE_POLICY_REFUND_START_WORKING_DAYS', 'refundStart', 'workingDays'),
  text('CASE_POLICY_REFUND_START_TIMEOUT_ACTION', ['refundStartTimeoutAction']),
  limit('CASE_POLICY_SHIP_BACK_HOURS', 'customerShipBack', 'hours'),
  number('CASE_POLICY_RETURN_POSTAGE_CAP_CENTS', ['returnPostageCapCents']),
  limit('CASE_POLICY_INSPECTION_HOURS', 'merchantInspection', 'hours'),
  limit('CASE_POLICY_APPEAL_HOURS', 'appealWindow', 'hours'),
  // The former worker setting, read as the policy's window until deployments move to the policy (docs/settlement.md, Monthly settlement).
  limit('STATEMENT_CONFIRM_HOURS', 'statementConfirmWindow', 'hours'),
  limit('CASE_POLICY_STATEMENT_CONFIRM_HOURS', 'statementConfirmWindow', 'hours'),
];

export function loadPolicy(env: NodeJS.ProcessEnv = process.env): CasePolicy {
  let merged: Record<string, unknown> = structuredClone(DEFAULT_POLICY);
  const file = env.CASE_POLICY_FILE;
  if (file) merged = deepMerge(merged, readPolicyFile(file));
  for (const override of ENV_OVERRIDES) {
    const raw = env[override.env];
    if (raw !== undefined && raw !== '') override.apply(merged, raw);
  }

  const result = CasePolicySchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    const source = file ? ` (file ${file} and CASE_POLICY_* environment variables)` : ' (CASE_POLICY_* environment variables)';
    throw new Error(`Invalid case policy${source}: ${problems.join('; ')}`);
  }
  return result.data;
}

function readPolicyFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read case policy file ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!isPlainObject(parsed)) throw new Error(`Case policy file ${file} must hold a JSON object`);
  return parsed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const LIMIT_KEYS = ['hours', 'minutes', 'workingDays'];
/** A duration is replaced whole, never merged: { hours: 72 } over { workingDays: 3 } must not keep both. */
function isLimit(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => LIMIT_KEYS.includes(key));
}

/** Objects merge key by key; arrays, durations and scalars in `override` replace the base value. */
function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] =
      isPlainObject(current) && isPlainObject(value) && !isLimit(current) ? deepMerge(current, value) : value;
  }
  return out;
}

const names = z.array(z.string().trim().min(1).max(100)).min(1).max(100);

const overrideSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  match: z.strictObject({
    kinds: z.array(z.enum(CASE_KINDS)).min(1).optional(),
    priorities: z.array(z.enum(PRIORITIES)).min(1).optional(),
    categories: names.optional(),
    merchantTiers: names.optional(),
  }),
  set: PolicyLimitsSchema,
});

/** What an operator sends for a new policy version: the default (over the file and environment's) and the overrides. */
export const PolicyVersionBody = z.strictObject({
  version: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ - only'),
  reason: z.string().trim().min(1).max(2000),
  policy: z.record(z.string(), z.unknown()).default({}),
  overrides: z.array(overrideSchema).max(100).default([]),
});
export type PolicyVersionBody = z.infer<typeof PolicyVersionBody>;

export interface PolicyIssue {
  field: string;
  message: string;
}

/**
 * A new version's rules, validated as a whole with the loader's rules: the default (`body.policy` deep-merged over
 * `base`, the file and environment's policy) and the default with each override applied, so an override cannot set a
 * reminder after its limit. Every problem is listed at once, with its field: an override is checked even when the
 * default has problems of its own (those are not repeated under the override).
 */
export function policyRulesFrom(body: PolicyVersionBody, base: CasePolicy): { rules: PolicyRules } | { issues: PolicyIssue[] } {
  const checked = checkVersion(body.version, body.policy, body.overrides.map((override, index) => ({ index, override })), base);
  if (checked.issues.length || !checked.base) return { issues: checked.issues };
  return { rules: { version: body.version, base: checked.base, overrides: body.overrides as PolicyOverride[] } };
}

/**
 * The problems of a body the route's schema already refused, that its schema cannot see: the default over `base` and
 * each well-formed override over it. The API lists them with the schema's own, so one answer names every problem.
 */
export function policyBodyIssues(raw: unknown, base: CasePolicy): PolicyIssue[] {
  if (!isPlainObject(raw)) return [];
  const policy = isPlainObject(raw.policy) ? raw.policy : {};
  const version = PolicyVersionBody.shape.version.safeParse(raw.version);
  const overrides = (Array.isArray(raw.overrides) ? raw.overrides : []).flatMap((candidate: unknown, index) => {
    const parsed = overrideSchema.safeParse(candidate);
    return parsed.success ? [{ index, override: parsed.data }] : [];
  });
  return checkVersion(version.success ? version.data : 'unnamed', policy, overrides, base).issues;
}

type IndexedOverride = { index: number; override: z.infer<typeof overrideSchema> };

function checkVersion(version: string, policy: Record<string, unknown>, overrides: IndexedOverride[], base: CasePolicy): { base?: CasePolicy; issues: PolicyIssue[] } {
  const merged = deepMerge(structuredClone(base) as Record<string, unknown>, { ...policy, version });
  const parsed = CasePolicySchema.safeParse(merged);
  const defaultIssues = parsed.success ? [] : parsed.error.issues;
  const issueKey = (issue: z.core.$ZodIssue) => `${issue.path.join('.')}\n${issue.message}`;
  const ownIssues = new Set(defaultIssues.map(issueKey));
  const issues: PolicyIssue[] = defaultIssues.map((issue) => ({ field: ['body', 'policy', ...issue.path.map(String)].join('.'), message: issue.message }));
  const over = parsed.success ? parsed.data : merged;
  for (const { index, override } of overrides) {
    const applied = CasePolicySchema.safeParse({ ...over, ...override.set });
    if (applied.success) continue;
    // A problem of the default that the override leaves as it is was listed once, under body.policy.
    for (const issue of applied.error.issues.filter((i) => !ownIssues.has(issueKey(i)))) {
      issues.push({ field: ['body', 'overrides', String(index), 'set', ...issue.path.map(String)].join('.'), message: issue.message });
    }
  }
  const seen = new Set<string>();
  for (const { index, override } of overrides) {
    if (seen.has(override.name)) issues.push({ field: `body.overrides.${index}.name`, message: `another override is named ${override.name}` });
    seen.add(override.name);
  }
  return { ...(parsed.success && { base: parsed.data }), issues };
}
