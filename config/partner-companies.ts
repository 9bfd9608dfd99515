/**
 * The partner companies (workflows/domain/partner-companies.ts): from the JSON PARTNER_COMPANIES names
 * ([{ id, name, kind, url? }]), else a development set of two companies of each kind. Each kind's default company is always
 * there: cases and ledger entries that name no company are its.
 */
import { z } from 'zod';
import { idText } from './api-keys';
import { COMPANY_KINDS, DEFAULT_COMPANY_IDS, type PartnerCompany } from '../workflows/domain/partner-companies';

const DEFAULT_COMPANIES: readonly PartnerCompany[] = [
  { id: DEFAULT_COMPANY_IDS.courier, name: 'Default courier', kind: 'courier' },
  { id: DEFAULT_COMPANY_IDS.warehouse, name: 'Default warehouse', kind: 'warehouse' },
  { id: DEFAULT_COMPANY_IDS.repair_provider, name: 'Default repair provider', kind: 'repair_provider' },
];

/** A second company of each kind, for development and the tests. */
export const DEV_PARTNER_COMPANIES: readonly PartnerCompany[] = [
  ...DEFAULT_COMPANIES,
  { id: 'courier-b', name: 'Courier B Express', kind: 'courier' },
  { id: 'warehouse-b', name: 'Warehouse B East', kind: 'warehouse' },
  { id: 'repair-provider-b', name: 'Repair B Service', kind: 'repair_provider' },
];

const companiesSchema = z.array(
  z.strictObject({ id: idText, name: z.string().min(1).max(200), kind: z.enum(COMPANY_KINDS), url: z.url().optional() }),
);

export function loadPartnerCompanies(env: NodeJS.ProcessEnv = process.env): PartnerCompany[] {
  const raw = env.PARTNER_COMPANIES;
  if (!raw) return DEV_PARTNER_COMPANIES.map((c) => ({ ...c }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('PARTNER_COMPANIES is not valid JSON');
  }
  const result = companiesSchema.safeParse(parsed);
  if (!result.success) throw new Error(`Invalid PARTNER_COMPANIES: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ids = new Set(result.data.map((c) => c.id));
  if (ids.size !== result.data.length) throw new Error('Invalid PARTNER_COMPANIES: an id is listed twice');
  return [...DEFAULT_COMPANIES.filter((c) => !ids.has(c.id)), ...result.data];
}
