/**
 * Partner companies in the API: listed by GET /partner-companies (id, name, kind); an order or a return leg names only
 * companies that exist, of the right kind (422 unknown_company naming the field); every company key names a company
 * that exists.
 */
import { z } from 'zod';
import { API_ROLES, type ApiKeyEntry } from '../config/api-keys';
import { COMPANY_KINDS, DEFAULT_COMPANY_IDS, findCompany, isCompanyKind, ORDER_COMPANY_FIELDS, type CompanyKind, type PartnerCompany } from '../workflows/domain/partner-companies';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json } from './responses';
import { defineRoute, type ApiRoute } from './route-table';

const CompaniesDoc = z
  .object({ companies: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(COMPANY_KINDS), default: z.boolean().openapi({ description: 'The kind’s default company: a case whose order names none of this kind is its' }) })) })
  .openapi('PartnerCompanies');

export const PARTNER_COMPANY_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/partner-companies',
    roles: [...API_ROLES],
    summary: 'The partner companies: each courier company, warehouse and repair provider, with its id and name',
    description: 'Their endpoints are configuration and not listed.',
    responses: { 200: json('Companies', CompaniesDoc), ...COMMON_RESPONSES },
    handle(ctx, _request, res) {
      res.json({ companies: ctx.companies.map(({ id, name, kind }) => ({ id, name, kind, default: DEFAULT_COMPANY_IDS[kind] === id })) });
    },
  }),
];

export function checkOrderCompanies(companies: readonly PartnerCompany[], order: Partial<Record<(typeof ORDER_COMPANY_FIELDS)[keyof typeof ORDER_COMPANY_FIELDS], string>> | undefined): void {
  refuseUnknown(COMPANY_KINDS.flatMap((kind) => unknownCompany(companies, kind, order?.[ORDER_COMPANY_FIELDS[kind]], `body.order.${ORDER_COMPANY_FIELDS[kind]}`)));
}

/** ship_back and request_pickup may name the return leg's courier: a courier company that exists. */
export function checkCommandCourier(companies: readonly PartnerCompany[], body: { courierId?: string }): void {
  refuseUnknown(unknownCompany(companies, 'courier', body.courierId, 'body.courierId'));
}

const unknownCompany = (companies: readonly PartnerCompany[], kind: CompanyKind, id: string | undefined, field: string) =>
  id === undefined || findCompany(companies, kind, id) ? [] : [{ field, message: `no ${kind} company ${id}` }];

function refuseUnknown(errors: Array<{ field: string; message: string }>): void {
  if (errors.length) throw new ProblemError({ status: 422, code: 'unknown_company', title: 'Unknown partner company', detail: errors.map((e) => e.message).join('; '), errors });
}

/** Refuses to start with a key that names a company that does not exist (or one of another kind). */
export function checkKeyCompanies(keys: readonly ApiKeyEntry[], companies: readonly PartnerCompany[]): void {
  for (const key of keys) {
    if (key.companyId && isCompanyKind(key.role) && !findCompany(companies, key.role, key.companyId)) throw new Error(`API key ${key.id}: no ${key.role} company ${key.companyId}`);
  }
}
