import type { CaseActivities } from '../../workflows/case/activities';
import type { CaseInput, CaseView, KindDetails, OrderSnapshot } from '../../workflows/domain/case';
import { DEFAULT_POLICY, type CasePolicy } from '../../workflows/policy';

export const HOUR = 60 * 60 * 1000;
export const MINUTE = 60 * 1000;

/** The parties the workflow tests act as; the merchant owns the fixture order. */
export const merchant = { id: 'merchant-user-1', role: 'merchant' as const, merchantId: 'merchant-a' };
export const customer = { id: 'customer-1', role: 'customer' as const };
export const agent = { id: 'agent-7', role: 'agent' as const };
export const senior = { id: 'senior-1', role: 'senior_agent' as const };
export const supervisor = { id: 'sup-1', role: 'supervisor' as const };

export function order(overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  return {
    orderId: 'order-1',
    merchantId: 'merchant-a',
    customerId: 'customer-1',
    paidAmountCents: 19_900,
    currency: 'CNY',
    purchasedAt: Date.UTC(2026, 10, 1),
    shippedAt: Date.UTC(2026, 10, 2),
    deliveredAt: Date.UTC(2026, 10, 4),
    category: 'electronics',
    items: [{ sku: 'sku-1', name: 'Kettle', quantity: 1, unitPriceCents: 19_900 }],
    ...overrides,
  };
}

export function caseInput(caseId: string, details: KindDetails, overrides: Partial<CaseInput> = {}, policy: CasePolicy = DEFAULT_POLICY): CaseInput {
  return {
    caseId,
    kind: details.kind,
    policy,
    openedBy: { id: 'agent-7', role: 'agent' },
    receivedAt: Date.UTC(2026, 10, 5),
    channel: 'online',
    customer: { name: 'Li Lei', phone: '13800138000', email: 'li@example.com' },
    order: order(),
    description: 'The kettle leaks at the seam.',
    evidence: [{ kind: 'photo', uri: 'evidence://photo-1' }],
    details,
    ...overrides,
  };
}

export interface ActivityCall {
  name: keyof CaseActivities;
  input: unknown;
}

/** Fake partner activities that record every call and answer like the partners would; the store is a map. */
export function recordingActivities(overrides: Partial<CaseActivities> = {}) {
  const calls: ActivityCall[] = [];
  const projections = new Map<string, CaseView>();
  const record = <T>(name: keyof CaseActivities, input: unknown, answer: T): T => {
    calls.push({ name, input });
    return answer;
  };
  let n = 0;
  const activities: CaseActivities = {
    notifyMerchant: async (i) => record('notifyMerchant', i, { notificationId: `n-${++n}` }),
    requestCourierPickup: async (i) => record('requestCourierPickup', i, { pickupId: `p-${++n}`, trackingNumber: `T${++n}` }),
    checkOutboundWeight: async (i) => record('checkOutboundWeight', i, { recordedWeightGrams: 1000, measuredWeightGrams: 1000, mismatch: false }),
    fileCourierClaim: async (i) => record('fileCourierClaim', i, { claimId: `c-${++n}` }),
    requestCourierEvidence: async (i) => record('requestCourierEvidence', i, { evidenceId: `ev-${i.idempotencyKey}`, trackingNumber: i.trackingNumber, kind: 'handover_record', uri: `courier-evidence://ev-${i.idempotencyKey}`, events: [{ event: 'delivered', at: '2026-01-01T00:00:00.000Z', detail: 'signed by the recipient' }] }),
    issueRefund: async (i) => record('issueRefund', i, { refundId: `r-${i.idempotencyKey}`, status: 'succeeded' as const }),
    notifyCustomer: async (i) => record('notifyCustomer', i, { messageId: `m-${++n}` }),
    notifyStaff: async (i) => record('notifyStaff', i, { messageId: `s-${++n}` }),
    createReshipOrder: async (i) => record('createReshipOrder', i, { erpOrderId: `erp-${++n}` }),
    pageOnCall: async (i) => record('pageOnCall', i, { pageId: `pg-${++n}` }),
    dispatchRepair: async (i) => record('dispatchRepair', i, { repairOrderId: `rep-${i.idempotencyKey}` }),
    instructRepair: async (i) => record('instructRepair', i, { instructionId: `ins-${++n}` }),
    bookService: async (i) => record('bookService', i, { bookingId: `bk-${i.idempotencyKey}` }),
    sampleClosedCases: async (i) => record('sampleClosedCases', i, { day: i.day, closed: 0, caseIds: [], drawn: true }),
    packClosedClockHistories: async () => record('packClosedClockHistories', {}, 0),
    projectCase: async (view) => {
      const known = projections.get(view.caseId);
      if (known && known.version >= view.version) return 'stale';
      projections.set(view.caseId, view);
      return 'written';
    },
    ...overrides,
  };
  const named = (name: keyof CaseActivities) => calls.filter((c) => c.name === name).map((c) => c.input as Record<string, unknown>);
  return { activities, calls, projections, named };
}
