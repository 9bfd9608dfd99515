import { ledgerEntriesOf } from '../../activities/store/ledger';
import { DEV_PARTNER_COMPANIES, loadPartnerCompanies } from '../../config/partner-companies';
import { companyUrl } from '../../activities/partners/company-endpoint';
import { handlesCase, isPartyTo } from '../../workflows/domain/case-access';
import { caseCompanyIds } from '../../workflows/domain/partner-companies';
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

  it('gives the return leg to the courier its command named: access, callbacks, a leg charge and the store’s company ids follow it', () => {
    const leg = { ...view({}, [{ party: 'courier', amountCents: 700, reason: 'dispute_ruling', key: 'k3', companyId: 'courier-b' }] as CaseView['charges']), returnTrackingNumber: 'TRK-1', returnCourierId: 'courier-b' } as CaseView;
    expect(isPartyTo({ id: 'c', role: 'courier', companyId: 'courier-b' }, leg)).toBe(true);
    // The order's courier is not involved in the leg, nor charged for it.
    expect(isPartyTo({ id: 'c', role: 'courier' }, leg)).toBe(false);
    expect([handlesCase({ companyId: 'courier-b' }, leg, 'courier'), handlesCase({}, leg, 'courier'), handlesCase({ companyId: 'courier-b' }, view({}, []), 'courier')]).toEqual([true, true, false]);
    expect(ledgerEntriesOf(leg).map((e) => [e.party, e.partyId])).toEqual([['courier', 'courier-b']]);
    expect(caseCompanyIds(leg)).toEqual(['courier', 'warehouse', 'repair-provider', 'courier-b']);
    expect(caseCompanyIds(view({ courierId: 'courier-b' }, []))).toEqual(['courier-b', 'warehouse', 'repair-provider']);
  });

  it('sends a company’s calls to its own URL when it has one, else to its kind’s', () => {
    const companies = [...DEV_PARTNER_COMPANIES, { id: 'sf', name: 'SF', kind: 'courier' as const, url: 'http://sf.example/api' }];
    expect([companyUrl(companies, 'courier', 'sf', 'http://kind'), companyUrl(companies, 'courier', 'courier-b', 'http://kind'), companyUrl(companies, 'courier', undefined, 'http://kind'), companyUrl(companies, 'warehouse', 'sf', 'http://kind')]).toEqual([
      'http://sf.example/api',
      'http://kind',
      'http://kind',
      'http://kind',
    ]);
  });

  it('loads companies from PARTNER_COMPANIES, always with each kind’s default company, and refuses a bad list', () => {
    expect(loadPartnerCompanies({})).toEqual(DEV_PARTNER_COMPANIES);
    const loaded = loadPartnerCompanies({ PARTNER_COMPANIES: JSON.stringify([{ id: 'sf-express', name: 'SF Express', kind: 'courier' }]) });
    expect(loaded.map((c) => c.id).sort()).toEqual(['courier', 'repair-provider', 'sf-express', 'warehouse']);
    expect(() => loadPartnerCompanies({ PARTNER_COMPANIES: JSON.stringify([{ id: 'x', name: 'X', kind: 'bank' }]) })).toThrow(/kind/);
    expect(() => loadPartnerCompanies({ PARTNER_COMPANIES: '[{"id":"a","name":"A","kind":"courier"},{"id":"a","name":"B","kind":"courier"}]' })).toThrow(/twice/);
  });
});
