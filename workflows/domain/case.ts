import type { CasePolicy } from '../policy';
import type { ClockState } from '../sla/clock';
import type { OpenBreach } from './case-summary';
import type { Actor, EvidenceRef, Party } from './parties';

export const CASE_KINDS = ['return', 'refund_only', 'exchange', 'feedback', 'safety'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** Why the customer asks for a return, refund or exchange (seed 003's branches). */
export const RETURN_REASONS = [
  'quality_defect',
  'wrong_item',
  'missing_item',
  'not_as_described',
  'damaged_in_transit',
  'lost_in_transit',
  'no_reason',
  'changed_mind',
  'late_shipment',
  'out_of_stock',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export const REFUND_ONLY_GROUNDS = ['not_shipped', 'refused_delivery', 'price_difference', 'minor_defect'] as const;
export type RefundOnlyGround = (typeof REFUND_ONLY_GROUNDS)[number];

export interface OrderSnapshot {
  orderId: string;
  merchantId: string;
  customerId: string;
  paidAmountCents: number;
  currency: string;
  /** Epoch ms. */
  purchasedAt: number;
  shippedAt?: number;
  deliveredAt?: number;
  category: string;
  /** The product page declares it excluded from the 7-day no-reason return. */
  noReasonReturnExcluded?: boolean;
  items: Array<{ sku: string; name: string; quantity: number; unitPriceCents: number }>;
}

export interface CustomerContact {
  name?: string;
  phone?: string;
  email?: string;
}

export interface CaseInput {
  caseId: string;
  kind: CaseKind;
  policy: CasePolicy;
  openedBy: Actor;
  /** Epoch ms when the request was received (the registration clock counts from here). */
  receivedAt: number;
  channel: 'online' | 'phone' | 'email';
  customer: CustomerContact;
  order?: OrderSnapshot;
  description: string;
  evidence: EvidenceRef[];
  details: KindDetails;
  /** Hash of the create request the case was opened by (its Idempotency-Key's body); absent on older cases. */
  requestHash?: string;
}

export type KindDetails =
  | { kind: 'return'; reason: ReturnReason; goodsIntact?: boolean; outerPackageDamaged?: boolean }
  | { kind: 'exchange'; reason: ReturnReason; goodsIntact?: boolean; replacementSku?: string }
  | { kind: 'refund_only'; ground: RefundOnlyGround; amountCents?: number; promotionStartedAt?: number; promotionPriceCents?: number }
  | { kind: 'feedback'; feedbackType: 'product_quality' | 'logistics' | 'after_sales_service' | 'platform_rules'; desiredResolution?: string; occurredAt?: number; place?: string; impact?: string }
  | { kind: 'safety'; hazard: string; affectedOrderIds: string[]; relatedCaseIds: string[] };

export interface AuditEntry {
  seq: number;
  at: number;
  actor: Actor;
  action: string;
  fromStatus: string;
  toStatus: string;
  reason?: string;
  evidence?: EvidenceRef[];
  data?: Record<string, unknown>;
}

export interface RefundRecord {
  idempotencyKey: string;
  amountCents: number;
  reason: string;
  refundId?: string;
  /**
   * 'failed': the payment partner refused this refund (`failure` says why; see CaseContext.refund) or reported it
   * failed afterwards. A refused record is never reused: the platform either retries it as a new record with a new key,
   * or settles it outside the payment partner ('settled_offline', `offlineReference` names the transfer).
   */
  status: 'pending' | 'succeeded' | 'failed' | 'settled_offline';
  /** The platform paid because the merchant missed the refund deadline. */
  onBehalfOfMerchant: boolean;
  /** The payment partner's refusal. */
  failure?: string;
  /** The reference of the offline transfer that settled a refused refund. */
  offlineReference?: string;
}

export interface ReshipRecord {
  idempotencyKey: string;
  items: Array<{ sku: string; quantity: number }>;
  reason: string;
  erpOrderId?: string;
  /**
   * 'failed': the ERP refused this order (`failure` says why); it is never reused, and a new attempt for the same
   * reason is a new record with a new key. Absent on records written before reships had a status: `erpOrderId` tells.
   */
  status?: 'pending' | 'succeeded' | 'failed';
  failure?: string;
}

/** A liability recorded against a party, settled monthly (couriers through 快递月结). */
export interface ChargeRecord {
  party: Extract<Party, 'merchant' | 'courier' | 'warehouse' | 'customer' | 'platform'>;
  amountCents: number;
  reason: string;
  key: string;
}

export interface Escalation {
  at: number;
  to: Party;
  reason: string;
  clock?: string;
}

/** Everything a query returns about a case; also the projection written to the case store. */
export interface CaseView {
  caseId: string;
  kind: CaseKind;
  status: string;
  version: number;
  policyVersion: string;
  openedAt: number;
  lastTransitionAt: number;
  closedAt?: number;
  outcome?: string;
  channel: CaseInput['channel'];
  customer: CustomerContact;
  order?: OrderSnapshot;
  description: string;
  details: KindDetails;
  /** Who opened the case (absent on cases opened before it was kept). */
  openedBy?: Actor;
  assignedAgentId?: string;
  ticketNumber?: string;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  /** Who owes the next action, and by when: the earliest running or breached-and-unsatisfied clock (case-summary.ts). */
  owingParty?: Party;
  nextDeadline?: number;
  nextDeadlineClock?: string;
  waitingOn?: Party;
  openBreaches?: OpenBreach[];
  /** Roles whose escalations are still open. */
  escalatedTo?: Party[];
  responsibleParty?: Party;
  shippingCostBearer?: Party;
  returnAddress?: string;
  returnTrackingNumber?: string;
  refunds: RefundRecord[];
  reships: ReshipRecord[];
  charges: ChargeRecord[];
  escalated: boolean;
  escalations: Escalation[];
  breached: boolean;
  clocks: ClockState[];
  audit: AuditEntry[];
  facts: Record<string, string | number | boolean>;
  survey?: { sentAt: number; rating?: number; comment?: string };
}
