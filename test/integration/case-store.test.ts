import { CASE_STATUSES } from '../../workflows/contract';
import mongoose from 'mongoose';
import { openStore } from '../../activities/store/connection';
import { caseModel, caseViewModel, syncCaseIndexes } from '../../activities/store/case-model';
import { createStoreActivities, toCaseProjection } from '../../activities/store/case-activities';
import { ledgerModel } from '../../activities/store/ledger';
import { ProjectionWriter } from '../../activities/store/projection-writer';
import type { CaseView } from '../../workflows/domain/case';
import type { ClockState } from '../../workflows/sla/clock';
import { DevMongo, startDevMongo } from '../support/servers';

const T0 = Date.UTC(2026, 10, 2, 8, 0, 0);
const HOUR = 3_600_000;

function clock(name: string, owner: string, overrides: Partial<ClockState>): ClockState {
  return { name, owner, limit: { hours: 48 }, breachAction: 'escalate', status: 'running', startedAt: T0, deadline: T0 + 48 * HOUR, warned: false, ...overrides };
}

function caseView(caseId: string, version: number, overrides: Partial<CaseView> = {}): CaseView {
  return {
    caseId,
    kind: 'return',
    status: 'awaiting_merchant_review',
    version,
    policyVersion: 'test',
    openedAt: T0,
    lastTransitionAt: T0 + version * 1000,
    channel: 'online',
    customer: { name: 'Li Lei' },
    order: { orderId: 'o-1', merchantId: 'm-1', customerId: 'c-1', paidAmountCents: 100, currency: 'CNY', purchasedAt: T0, category: 'kitchen', items: [] },
    description: 'leaks',
    details: { kind: 'return', reason: 'quality_defect' },
    refunds: [],
    reships: [],
    charges: [],
    escalated: false,
    escalations: [],
    breached: false,
    clocks: [],
    audit: [],
    facts: {},
    ...overrides,
  };
}

describe('case store projection on the MongoDB wire protocol', () => {
  let mongo: DevMongo;
  let store: mongoose.Connection;
  let writer: ProjectionWriter;
  beforeAll(async () => {
    mongo = await startDevMongo();
    store = await openStore(mongo.uri);
    await syncCaseIndexes(store);
    writer = new ProjectionWriter(store);
  });
  afterAll(async () => {
    await store?.close();
    await mongo?.stop();
  });

  const summary = (caseId: string) => caseModel(store).findById(caseId).lean().exec();

  it('writes the summary and the full view keyed by case id, and reads them back', async () => {
    const view = caseView('case-store-1', 1, { clocks: [clock('merchant_review', 'merchant', {})] });
    expect(await writer.save(toCaseProjection(view))).toBe('written');
    expect(await summary('case-store-1')).toMatchObject({
      caseId: 'case-store-1',
      version: 1,
      open: true,
      merchantId: 'm-1',
      owingParty: 'merchant',
      waitingOn: 'merchant',
      nextDeadlineClock: 'merchant_review',
      nextDeadline: new Date(T0 + 48 * HOUR),
      openClocks: ['merchant_review'],
    });
    const full = await caseViewModel(store).findById('case-store-1').lean().exec();
    expect(full?.view).toMatchObject({ caseId: 'case-store-1', description: 'leaks' });
  });

  it('never lets a stale or repeated write overwrite a newer version', async () => {
    expect(await writer.save(toCaseProjection(caseView('case-store-1', 3, { status: 'awaiting_return_shipment' })))).toBe('written');
    expect(await writer.save(toCaseProjection(caseView('case-store-1', 2, { status: 'submitted' })))).toBe('stale');
    expect(await writer.save(toCaseProjection(caseView('case-store-1', 3, { status: 'awaiting_return_shipment' })))).toBe('stale');
    expect(await summary('case-store-1')).toMatchObject({ version: 3, status: 'awaiting_return_shipment' });
    expect(await caseModel(store).countDocuments({ caseId: 'case-store-1' })).toBe(1);
  });

  it('settles a case another writer moved ahead: neither overwritten by an older version nor lost when it is deleted', async () => {
    const other = new ProjectionWriter(store);
    expect(await writer.save(toCaseProjection(caseView('case-store-6', 1, { status: 'submitted' })))).toBe('written');
    expect(await other.save(toCaseProjection(caseView('case-store-6', 3, { status: 'awaiting_return_shipment' })))).toBe('written');
    // This writer last stored version 1: its version 2 must not replace the other writer's 3.
    expect(await writer.save(toCaseProjection(caseView('case-store-6', 2, { status: 'awaiting_merchant_review' })))).toBe('stale');
    expect(await summary('case-store-6')).toMatchObject({ version: 3, status: 'awaiting_return_shipment' });
    expect(await writer.save(toCaseProjection(caseView('case-store-6', 4, { status: 'return_in_transit' })))).toBe('written');
    await caseModel(store).deleteOne({ _id: 'case-store-6' }).exec();
    expect(await writer.save(toCaseProjection(caseView('case-store-6', 5, { status: 'awaiting_inspection' })))).toBe('written');
    expect(await summary('case-store-6')).toMatchObject({ version: 5, status: 'awaiting_inspection' });
  });

  it('takes the same version made again later in its history (a retried workflow task), and no earlier one', async () => {
    const other = new ProjectionWriter(store);
    const approvedAt = (at: number) => caseView('case-store-7', 2, { status: 'awaiting_return_shipment', lastTransitionAt: at });
    // A worker wrote version 2 before its workflow task completed and died; another ran the task again, 10 s later.
    expect(await writer.save(toCaseProjection(approvedAt(T0), 40))).toBe('written');
    expect(await other.save(toCaseProjection(approvedAt(T0 + 10_000), 46))).toBe('written');
    expect(await writer.save(toCaseProjection(approvedAt(T0), 40))).toBe('stale');
    expect(await summary('case-store-7')).toMatchObject({ version: 2, lastTransitionAt: new Date(T0 + 10_000) });
    // An activity writes after the task that made the version completed: that one is recorded.
    expect(await writer.save(toCaseProjection(approvedAt(T0 + 20_000)))).toBe('written');
    expect(await summary('case-store-7')).toMatchObject({ version: 2, lastTransitionAt: new Date(T0 + 20_000) });
  });

  it('removes a value the case no longer has (the deadline of a satisfied clock)', async () => {
    await writer.save(toCaseProjection(caseView('case-store-2', 1, { clocks: [clock('merchant_review', 'merchant', {})] })));
    await writer.save(toCaseProjection(caseView('case-store-2', 2, { clocks: [clock('merchant_review', 'merchant', { status: 'satisfied', satisfiedAt: T0 + HOUR })] })));
    const doc = await summary('case-store-2');
    expect(doc).not.toHaveProperty('nextDeadline');
    expect(doc).not.toHaveProperty('owingParty');
    expect(doc?.openClocks).toEqual([]);
  });

  it('keeps a breached deadline listed until its clock is satisfied, with the party that owes it', async () => {
    const breached = clock('merchant_review', 'merchant', { status: 'breached', breachedAt: T0 + 48 * HOUR });
    const escalations = [{ at: T0 + 48 * HOUR, to: 'platform' as const, reason: 'no review', clock: 'merchant_review' }];
    const audit = [{ seq: 1, at: T0 + 48 * HOUR, actor: { id: 'case-workflow', role: 'system' as const }, action: 'handed_to_platform', fromStatus: 'awaiting_merchant_review', toStatus: 'awaiting_platform_review' }];
    await writer.save(toCaseProjection(caseView('case-store-3', 1, { status: 'awaiting_platform_review', clocks: [breached], escalations, audit, escalated: true, breached: true })));
    expect(await summary('case-store-3')).toMatchObject({
      nextDeadline: new Date(T0 + 48 * HOUR),
      owingParty: 'merchant',
      openBreaches: [{ clock: 'merchant_review', owingParty: 'merchant', breachedAt: new Date(T0 + 48 * HOUR) }],
      escalatedTo: ['platform'],
    });
    const answered = [...audit, { ...audit[0], seq: 2, at: T0 + 50 * HOUR, action: 'platform_approved', fromStatus: 'awaiting_platform_review', toStatus: 'awaiting_return_shipment' }];
    await writer.save(toCaseProjection(caseView('case-store-3', 2, { status: 'awaiting_return_shipment', clocks: [{ ...breached, satisfiedAt: T0 + 50 * HOUR }], escalations, audit: answered, escalated: true, breached: true })));
    const doc = await summary('case-store-3');
    expect(doc?.openBreaches).toEqual([]);
    expect(doc?.escalatedTo).toEqual([]);
    expect(doc).not.toHaveProperty('nextDeadline');
  });

  it('coalesces a burst: concurrent saves of one case end in its latest version, every caller answered', async () => {
    const saves = Array.from({ length: 20 }, (_, i) => writer.save(toCaseProjection(caseView('case-store-4', i + 1, { status: CASE_STATUSES[i] }))));
    const outcomes = await Promise.all(saves);
    expect(outcomes).toHaveLength(20);
    expect(await summary('case-store-4')).toMatchObject({ version: 20, status: CASE_STATUSES[19] });
  });

  it('writes every case of a batch that also holds a stale one (FerretDB stops an unordered bulk write at its first error)', async () => {
    await writer.save(toCaseProjection(caseView('case-store-stale', 2)));
    // The first save starts a bulk write on its own; the four below wait and go together in the next one.
    const first = writer.save(toCaseProjection(caseView('case-store-first', 1)));
    const batch = ['case-store-a', 'case-store-stale', 'case-store-b', 'case-store-c'].map((id) => writer.save(toCaseProjection(caseView(id, 2))));
    await first;
    expect(await Promise.all(batch)).toEqual(['written', 'stale', 'written', 'written']);
    const stored = await caseModel(store).find({ _id: { $in: ['case-store-a', 'case-store-b', 'case-store-c'] } }, { version: 1 }).lean().exec();
    expect(stored.map((d) => [d._id, d.version]).sort()).toEqual([['case-store-a', 2], ['case-store-b', 2], ['case-store-c', 2]]);
    expect(await caseViewModel(store).countDocuments({ _id: { $in: ['case-store-a', 'case-store-b', 'case-store-c'] } })).toBe(3);
  });

  it('marks a closed case not open', async () => {
    await writer.save(toCaseProjection(caseView('case-store-5', 1, { status: 'closed', closedAt: T0 + HOUR, clocks: [clock('merchant_review', 'merchant', {})] })));
    expect(await summary('case-store-5')).toMatchObject({ open: false, closedAt: new Date(T0 + HOUR), openBreaches: [] });
  });

  it('puts each charge of a projected case in the ledger once, however often the case is projected', async () => {
    const { projectCase } = createStoreActivities(store);
    const charged = (version: number) =>
      caseView('case-store-6', version, { status: 'closed', closedAt: T0 + HOUR, charges: [{ party: 'merchant', amountCents: 100, reason: 'refund_paid_on_behalf_of_merchant', key: 'case-store-6:charge:merchant:refund_paid_on_behalf_of_merchant' }] });
    await projectCase(charged(1));
    await projectCase(charged(1));
    await projectCase(charged(2));
    expect(await ledgerModel(store).find({ caseId: 'case-store-6' }).lean().exec()).toEqual([
      expect.objectContaining({ _id: 'case-store-6:charge:merchant:refund_paid_on_behalf_of_merchant', party: 'merchant', partyId: 'm-1', amountCents: 100, currency: 'CNY', status: 'open' }),
    ]);
  });
});
