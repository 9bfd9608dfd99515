/**
 * Whose case it is: the one rule for which cases a party may see and act on, used by the workflow's command validators
 * (a direct Temporal client cannot bypass it) and by the API's reads. Staff see every case; a merchant its own orders';
 * a customer the cases on its orders or that it opened; a partner system only the cases it takes part in.
 */
import type { CaseView, PartnerCaseView } from './case';
import type { Actor } from './parties';
import { caseCompany, DEFAULT_COMPANY_IDS, type CompanyKind } from './partner-companies';

type AccessView = Pick<CaseView, 'order' | 'audit' | 'refunds' | 'charges' | 'responsibleParty' | 'shippingCostBearer' | 'returnTrackingNumber' | 'openedBy'>;

export const PARTNER_ROLES = ['courier', 'payment', 'warehouse'] as const;
export const isPartnerRole = (role: string) => (PARTNER_ROLES as readonly string[]).includes(role);

export function isPartyTo(actor: Pick<Actor, 'id' | 'role' | 'merchantId' | 'companyId'>, view: AccessView): boolean {
  switch (actor.role) {
    case 'merchant':
      return !!actor.merchantId && view.order?.merchantId === actor.merchantId;
    case 'customer':
      return view.order?.customerId === actor.id || (view.openedBy ?? view.audit?.[0]?.actor)?.id === actor.id;
    case 'courier':
      return isCaseCompany(actor, view, 'courier') && (!!view.returnTrackingNumber || involves(view, 'courier'));
    case 'warehouse':
      return isCaseCompany(actor, view, 'warehouse') && involves(view, 'warehouse');
    case 'payment':
      return (view.refunds?.length ?? 0) > 0;
    case 'repair_provider':
      // Reports progress by callback only; it reads and commands no case.
      return false;
    default:
      return true;
  }
}

/** The actor acts for the company of `kind` the case's order names (an actor naming none acts for the default company). */
export function isCaseCompany(actor: Pick<Actor, 'companyId'>, view: Pick<AccessView, 'order'>, kind: CompanyKind): boolean {
  return (actor.companyId ?? DEFAULT_COMPANY_IDS[kind]) === caseCompany(view.order, kind);
}

function involves(view: AccessView, party: 'courier' | 'warehouse'): boolean {
  return view.responsibleParty === party || view.shippingCostBearer === party || (view.charges ?? []).some((c) => c.party === party);
}

/** What a partner system reads of a case it takes part in: the case and the order, not the audit, facts, charges or contacts. */
export function partnerView(role: string, view: CaseView): PartnerCaseView {
  return {
    caseId: view.caseId,
    kind: view.kind,
    status: view.status,
    openedAt: view.openedAt,
    lastTransitionAt: view.lastTransitionAt,
    ...(view.closedAt !== undefined && { closedAt: view.closedAt }),
    ...(view.order && { order: { orderId: view.order.orderId, merchantId: view.order.merchantId, items: view.order.items } }),
    ...(view.returnTrackingNumber && { returnTrackingNumber: view.returnTrackingNumber }),
    ...(role === 'payment' && { refunds: view.refunds }),
  };
}
