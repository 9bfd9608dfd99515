/**
 * Partner companies in the API: an order names only companies that exist, of the right kind (422 unknown_company
 * naming the field); every company key names a company that exists.
 */
import type { ApiKeyEntry } from '../config/api-keys';
import { COMPANY_KINDS, findCompany, isCompanyKind, ORDER_COMPANY_FIELDS, type PartnerCompany } from '../workflows/domain/partner-companies';
import { ProblemError } from './problem';

export function checkOrderCompanies(companies: readonly PartnerCompany[], order: Partial<Record<(typeof ORDER_COMPANY_FIELDS)[keyof typeof ORDER_COMPANY_FIELDS], string>> | undefined): void {
  const errors = COMPANY_KINDS.flatMap((kind) => {
    const field = ORDER_COMPANY_FIELDS[kind];
    const id = order?.[field];
    return id === undefined || findCompany(companies, kind, id) ? [] : [{ field: `body.order.${field}`, message: `no ${kind} company ${id}` }];
  });
  if (errors.length) throw new ProblemError({ status: 422, code: 'unknown_company', title: 'Unknown partner company', detail: errors.map((e) => e.message).join('; '), errors });
}

/** Refuses to start with a key that names a company that does not exist (or one of another kind). */
export function checkKeyCompanies(keys: readonly ApiKeyEntry[], companies: readonly PartnerCompany[]): void {
  for (const key of keys) {
    if (key.companyId && isCompanyKind(key.role) && !findCompany(companies, key.role, key.companyId)) throw new Error(`API key ${key.id}: no ${key.role} company ${key.companyId}`);
  }
}
