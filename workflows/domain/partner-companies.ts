/**
 * Partner companies (seed 003 快递月结): a merchant ships with several courier companies and may use more than one
 * warehouse and repair provider, each a party of its own with an id and a name, its own keys, ledger entries and
 * monthly statement. A case's order names the company that handles each part (the parcel and its pickup, the outbound
 * weight check, the repair order); an order that names none is handled by the kind's default company, whose id is the
 * one every entry carried before companies existed, so those entries settle as they did.
 */
export const COMPANY_KINDS = ['courier', 'warehouse', 'repair_provider'] as const;
export type CompanyKind = (typeof COMPANY_KINDS)[number];

export interface PartnerCompany {
  id: string;
  name: string;
  kind: CompanyKind;
  /** The company's own partner endpoint (its statements go there); default: the kind's partner URL. */
  url?: string;
}

export const DEFAULT_COMPANY_IDS: Readonly<Record<CompanyKind, string>> = { courier: 'courier', warehouse: 'warehouse', repair_provider: 'repair-provider' };

/** The order's field naming each kind's company. */
export const ORDER_COMPANY_FIELDS = { courier: 'courierId', warehouse: 'warehouseId', repair_provider: 'repairProviderId' } as const satisfies Record<CompanyKind, string>;

type CompanyFields = Partial<Record<(typeof ORDER_COMPANY_FIELDS)[CompanyKind], string>>;

export const isCompanyKind = (role: string): role is CompanyKind => (COMPANY_KINDS as readonly string[]).includes(role);

/** The company of `kind` with this id, if there is one. */
export const findCompany = (companies: readonly PartnerCompany[], kind: CompanyKind, id: string) => companies.find((c) => c.kind === kind && c.id === id);

/** The company of `kind` that handles a case with this order: the one it names, else the kind's default company. */
export function caseCompany(order: CompanyFields | undefined, kind: CompanyKind): string {
  return order?.[ORDER_COMPANY_FIELDS[kind]] ?? DEFAULT_COMPANY_IDS[kind];
}

type LegView = { order?: CompanyFields; returnCourierId?: string };

/** The courier company of the goods' return leg: the one ship_back or request_pickup named, else the order's. */
export function returnCourier(view: LegView): string {
  return view.returnCourierId ?? caseCompany(view.order, 'courier');
}

/** Every company taking part in a case: the order's courier, warehouse and repair provider, and the return leg's courier (ids are unique across kinds). */
export function caseCompanyIds(view: LegView): string[] {
  return [...new Set([...COMPANY_KINDS.map((kind) => caseCompany(view.order, kind)), returnCourier(view)])];
}
