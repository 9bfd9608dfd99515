/**
 * Partner companies' endpoints (config/partner-companies.ts): a call for a company goes to the company's own URL when it
 * has one, else to its kind's URL, whose body names the company.
 */
import { findCompany, type CompanyKind, type PartnerCompany } from '../../workflows/domain/partner-companies';
import { partnerPoster, type PartnerAdapterDeps, type PartnerPost } from './http';

export interface CompanyAdapterDeps extends PartnerAdapterDeps {
  /** The configured companies; a company without a `url` (or no company named) is served at `baseUrl`. */
  companies?: readonly PartnerCompany[];
}

/** The base URL of company `companyId` of `kind`: its own, else `kindUrl`. */
export function companyUrl(companies: readonly PartnerCompany[], kind: CompanyKind, companyId: string | undefined, kindUrl: string): string {
  return (companyId === undefined ? undefined : findCompany(companies, kind, companyId)?.url) ?? kindUrl;
}

/** `post` bound to the endpoint of the company a call names. */
export function companyPoster(deps: CompanyAdapterDeps, kind: CompanyKind): (companyId: string | undefined) => PartnerPost {
  return (companyId) => partnerPoster({ ...deps, baseUrl: companyUrl(deps.companies ?? [], kind, companyId, deps.baseUrl) });
}
