import { ledgerEntriesOf } from '../../activities/store/ledger';
import { DEV_PARTNER_COMPANIES, loadPartnerCompanies } from '../../config/partner-companies';
import { isPartyTo } from '../../workflows/domain/case-access';
import type { CaseView } from '../../workflows/domain/case';

const view = (order: object, charges: CaseView['charges']) => ({ caseId: 'case-1', order: { orderId: 'o-1', merchantId: 'merchant-a', customerId: 'customer-1', currency: 'CNY', ...order }, charges, audit: [], lastTransitionAt: 1 }) as unknown as CaseView;

describe('partner companies', () => {
  it('charges a courier’s or warehouse’s liability to the company the order names, else to the default company', () => {
    const charges = [{ party: 'courier', amountCents: 500, reason: 'transit_damage', key: 'k1' }, { party: 'warehouse', amountCents: 300, reason: 'missing_item', key: 'k2' }] as CaseView['charges'];
    expect(ledgerEntriesOf(view({ courierId: 'courier-b', warehouseId: 'warehouse-b' }, charges)).map((e) => [e.party, e.partyId])).toEqual([['courier', 'courier-b'], ['warehouse', 'warehouse-b']]);
    expect(ledgerEntriesOf(view({}, charges)).map((e) => [e.party, e.partyId])).toEqual([['courier', 'courier'], ['warehouse', 'warehouse']]);
  });

  it('lets a company take part only in the cases it handles', () => {
    const charged = view({ warehouseId: 'warehouse-b' }, [{ party: 'warehouse', amountCents: 300, reason: 'missing_item', key: 'k2' }] as CaseView['charges']);
    expect(isPartyTo({ id: 'w', role: 'warehouse', companyId: 'warehouse-b' }, charged)).toBe(true);
    expect(isPartyTo({ id: 'w', role: 'warehouse', companyId: 'warehouse' }, charged)).toBe(false);
    expect(isPartyTo({ id: 'w', role: 'warehouse' }, charged)).toBe(false);
    const unnamed = view({}, [{ party: 'warehouse', amountCents: 300, reason: 'missing_item', key: 'k2' }] as CaseView['charges']);
    expect(isPartyTo({ id: 'w', role: 'warehouse' }, unnamed)).toBe(true);
    expect(isPartyTo({ id: 'w', role: 'warehouse', companyId: 'warehouse-b' }, unnamed)).toBe(false);
  });

  it('loads companies from PARTNER_COMPANIES, always with each kind’s default company, and refuses a bad list', () => {
    expect(loadPartnerCompanies({})).toEqual(DEV_PARTNER_COMPANIES);
    const loaded = loadPartnerCompanies({ PARTNER_COMPANIES: JSON.stringify([{ id: 'sf-express', name: 'SF Express', kind: 'courier' }]) });
    expect(loaded.map((c) => c.id).sort()).toEqual(['courier', 'repair-provider', 'sf-express', 'warehouse']);
    expect(() => loadPartnerCompanies({ PARTNER_COMPANIES: JSON.stringify([{ id: 'x', name: 'X', kind: 'bank' }]) })).toThrow(/kind/);
    expect(() => loadPartnerCompanies({ PARTNER_COMPANIES: '[{"id":"a","name":"A","kind":"courier"},{"id":"a","name":"B","kind":"courier"}]' })).toThrow(/twice/);
  });
});
