/**
 * API keys → callers. Keys come from the JSON file API_KEYS_FILE names, or from the API_KEYS
 * environment variable (the same JSON: [{ key, role, id, merchantId? }]). Only when neither is given
 * and NODE_ENV is not 'production' does a fixed development set apply. Error messages never echo a key.
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { Role } from '../workflows/domain/parties';
import { isCompanyKind } from '../workflows/domain/partner-companies';

export const API_ROLES = ['customer', 'agent', 'senior_agent', 'merchant', 'supervisor', 'courier', 'warehouse', 'payment', 'admin', 'repair_provider'] as const;
export type ApiRole = (typeof API_ROLES)[number] & Role;

export interface ApiKeyEntry {
  key: string;
  role: ApiRole;
  /** The caller's id, recorded as the actor on every command. */
  id: string;
  /** Required for merchants: the merchant this key acts for. */
  merchantId?: string;
  /** Couriers, warehouses and repair providers: the company this key acts for (default: the kind's default company). */
  companyId?: string;
}

export const idText = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'letters, digits and . _ : @ - only (max 128)');

const entrySchema = z
  .strictObject({
    key: z.string().min(8, 'a key must have at least 8 characters').max(512),
    role: z.enum(API_ROLES),
    id: idText,
    merchantId: idText.optional(),
    companyId: idText.optional(),
  })
  .superRefine((entry, ctx) => {
    if (entry.role === 'merchant' && !entry.merchantId) ctx.addIssue({ code: 'custom', path: ['merchantId'], message: 'a merchant key needs its merchantId' });
    if (entry.role !== 'merchant' && entry.merchantId) ctx.addIssue({ code: 'custom', path: ['merchantId'], message: 'only merchant keys carry a merchantId' });
    if (!isCompanyKind(entry.role) && entry.companyId) ctx.addIssue({ code: 'custom', path: ['companyId'], message: 'only courier, warehouse and repair provider keys carry a companyId' });
  });

const keysSchema = z.array(entrySchema).min(1, 'at least one key').superRefine((entries, ctx) => {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'duplicate key' });
    seen.add(entry.key);
  });
});

/** Development keys: used only when no keys are configured and NODE_ENV !== 'production'. */
export const DEV_API_KEYS: readonly ApiKeyEntry[] = [
  { key: 'dev-agent-key', role: 'agent', id: 'agent-dev' },
  { key: 'dev-senior-agent-key', role: 'senior_agent', id: 'senior-agent-dev' },
  { key: 'dev-supervisor-key', role: 'supervisor', id: 'supervisor-dev' },
  { key: 'dev-admin-key', role: 'admin', id: 'admin-dev' },
  { key: 'dev-merchant-a-key', role: 'merchant', id: 'merchant-a-user', merchantId: 'merchant-a' },
  { key: 'dev-merchant-b-key', role: 'merchant', id: 'merchant-b-user', merchantId: 'merchant-b' },
  { key: 'dev-courier-key', role: 'courier', id: 'courier-dev' },
  { key: 'dev-warehouse-key', role: 'warehouse', id: 'warehouse-dev' },
  { key: 'dev-payment-key', role: 'payment', id: 'payment-dev' },
  { key: 'dev-customer-key', role: 'customer', id: 'customer-1' },
  { key: 'dev-repair-provider-key', role: 'repair_provider', id: 'repair-provider-dev' },
  // A second company of each kind (config/partner-companies.ts DEV_PARTNER_COMPANIES).
  { key: 'dev-courier-b-key', role: 'courier', id: 'courier-b-dev', companyId: 'courier-b' },
  { key: 'dev-warehouse-b-key', role: 'warehouse', id: 'warehouse-b-dev', companyId: 'warehouse-b' },
  { key: 'dev-repair-provider-b-key', role: 'repair_provider', id: 'repair-provider-b-dev', companyId: 'repair-provider-b' },
];

/** Where loadApiKeys takes the keys from, for the API's start line. */
export function apiKeysSource(env: NodeJS.ProcessEnv = process.env): 'API_KEYS_FILE' | 'API_KEYS' | 'development defaults' {
  return env.API_KEYS_FILE ? 'API_KEYS_FILE' : env.API_KEYS ? 'API_KEYS' : 'development defaults';
}

export function loadApiKeys(env: NodeJS.ProcessEnv = process.env): ApiKeyEntry[] {
  const file = env.API_KEYS_FILE;
  const inline = env.API_KEYS;
  let raw: string;
  let source: string;
  if (file) {
    source = `file ${file}`;
    try {
      raw = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`Cannot read API key file ${file}: ${(err as NodeJS.ErrnoException).code ?? 'read error'}`, { cause: err });
    }
  } else if (inline) {
    source = 'API_KEYS';
    raw = inline;
  } else {
    if (env.NODE_ENV === 'production') throw new Error('No API keys configured: set API_KEYS_FILE or API_KEYS (development keys are refused in production)');
    return DEV_API_KEYS.map((k) => ({ ...k }));
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // The JSON parser's message can quote the text, which holds keys: never repeat it.
    throw new Error(`API keys (${source}) are not valid JSON`);
  }
  const result = keysSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid API keys (${source}): ${problems.join('; ')}`);
  }
  return result.data as ApiKeyEntry[];
}
