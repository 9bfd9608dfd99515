/**
 * Whose case it is: the one rule for which cases a party may see and act on, used by the workflow's command validators
 * (a direct Temporal client cannot bypass it) and by the API's reads. Staff see every case; a merchant its own orders';
 * a customer the cases on its orders or that it opened; a partner system only the cases it takes part in.
 */
import type { CaseView, PartnerCaseView } from './case';
import type { Actor } from './parties';
import { caseCompany, DEFAULT_COMPANY_IDS, returnCourier, type CompanyKind } from './partner-companies';

type AccessView = Pick<CaseView, 'order' | 'audit' | 'refunds' | 'charges' | 'responsibleParty' | 'shippingCostBearer' | 'returnTrackingNumber' | 'returnCourierId' | 'openedBy'>;

export const PARTNER_ROLES = ['courier', 'payment', 'warehouse'] as const;
export const isPartnerRole = (role: string) => (PARTNER_ROLES as readonly string[]).includes(role);

export function isPartyTo(actor: Pick<Actor, 'id' | 'role' | 'merchantId' | 'companyId'>, view: AccessView): boolean {
  switch (actor.role) {
    case 'merchant':
      return !!actor.merchantId && view.order?.merchantId === actor.merchantId;
    case 'customer':
      return view.order?.customerId === actor.id || (view.openedBy ?? view.audit?.[0]?.actor)?.id === actor.id;
    case 'courier':
      return carriesReturn(actor, view) || (isCaseCompany(actor, view, 'courier') && involves(view, 'courier')) || chargedCompany(actor, view);
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
  return companyOf(actor, kind) === caseCompany(view.order, kind);
}

/** A partner's callbacks reach a case its company handles: for a courier, the order's parcel or the return leg. */
export function handlesCase(actor: Pick<Actor, 'companyId'>, view: Pick<AccessView, 'order' | 'returnCourierId'>, kind: CompanyKind): boolean {
  return isCaseCompany(actor, view, kind) || (kind === 'courier' && companyOf(actor, kind) === returnCourier(view));
}

const companyOf = (actor: Pick<Actor, 'companyId'>, kind: CompanyKind) => actor.companyId ?? DEFAULT_COMPANY_IDS[kind];

/** The courier company carrying the goods back, once they travel. */
const carriesReturn = (actor: Pick<Actor, 'companyId'>, view: AccessView) => !!view.returnTrackingNumber && companyOf(actor, 'courier') === returnCourier(view);

/** A courier charge named the actor's company (a return leg's liability). */
const chargedCompany = (actor: Pick<Actor, 'companyId'>, view: AccessView) => (view.charges ?? []).some((c) => c.party === 'courier' && c.companyId === companyOf(actor, 'courier'));

/** The order's company of the kind bears a liability in the case (a charge naming a company of its own is that company's). */
function involves(view: AccessView, party: 'courier' | 'warehouse'): boolean {
  return view.responsibleParty === party || view.shippingCostBearer === party || (view.charges ?? []).some((c) => c.party === party && c.companyId === undefined);
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
