/** In-memory state of the partner sandbox: what each partner recorded, plus the request log. */
import { randomInt, randomUUID } from 'node:crypto';
import { FaultInjector } from './faults';
import { IdempotencyStore } from './idempotency';
import { PendingTimers } from './timers';
import type { FaultMode } from './faults';

export interface RequestLogEntry {
  seq: number;
  receivedAt: string;
  method: string;
  route: string;
  idempotencyKey: string | null;
  body: unknown;
  /** Fault applied to this request, if any. */
  fault: FaultMode | null;
  /**
   * processed: executed and succeeded; refused: executed, business refusal (422);
   * replayed: the stored first response was returned; key_reused: same key, different body (409);
   * invalid: rejected before execution (400); injected_failure: 'fail' fault (no side effect);
   * pending: not answered yet.
   */
  outcome: 'pending' | 'processed' | 'refused' | 'replayed' | 'key_reused' | 'invalid' | 'injected_failure';
  status: number | null;
  /** The response was held by a 'timeout' fault. */
  held: boolean;
  /** The client actually received the response (false when it gave up during a hold). */
  delivered: boolean;
}

interface Recorded {
  idempotencyKey: string;
  createdAt: string;
}

export interface MerchantNotificationRecord extends Recorded {
  notificationId: string;
  caseId: string;
  merchantId: string;
  event: string;
  message: string;
}

export interface PickupRecord extends Recorded {
  pickupId: string;
  trackingNumber: string;
  caseId: string;
  orderId: string;
  address: unknown;
}

export interface WeightCheckRecord extends Recorded {
  caseId: string;
  orderId: string;
  trackingNumber?: string;
  recordedWeightGrams: number;
  measuredWeightGrams: number;
  mismatch: boolean;
}

export interface CourierClaimRecord extends Recorded {
  claimId: string;
  caseId: string;
  orderId?: string;
  reason: string;
  amountCents: number;
  /** Claims are charged to the courier's monthly settlement (快递月结). */
  settlement: 'monthly';
}

export interface RefundRecord extends Recorded {
  refundId: string;
  caseId: string;
  orderId: string;
  amountCents: number;
  currency: string;
  method: 'original';
  status: 'succeeded';
}

export interface CustomerNotificationRecord extends Recorded {
  messageId: string;
  caseId: string;
  channel: 'sms' | 'email';
  template: string;
  to?: string;
  variables?: Record<string, unknown>;
}

export interface StaffNotificationRecord extends Recorded {
  messageId: string;
  caseId: string;
  role: string;
  message: string;
}

export interface ReshipOrderRecord extends Recorded {
  erpOrderId: string;
  caseId: string;
  orderId: string;
  items: unknown[];
}

export interface PageRecord extends Recorded {
  pageId: string;
  caseId: string;
  severity: string;
  message: string;
}

/** A monthly statement a courier, the warehouse or a merchant received. */
export interface StatementRecord extends Recorded {
  receiptId: string;
  party: string;
  partyId: string;
  statementId: string;
  period: string;
  totalCents: number;
  lines: unknown[];
}

export interface RepairOrderRecord extends Recorded {
  repairOrderId: string;
  caseId: string;
  orderId: string;
  sku: string;
  fault: string;
  chargeable: boolean;
  inboundTrackingNumber?: string;
}

export interface RepairInstructionRecord extends Recorded {
  instructionId: string;
  caseId: string;
  repairOrderId: string;
  instruction: string;
}

export interface ServiceBookingRecord extends Recorded {
  bookingId: string;
  caseId: string;
  orderId: string;
  packageSku: string;
  slotAt: number;
}

/** The courier's answer to the platform's request for evidence in a dispute (its handover record for a parcel). */
export interface CourierEvidenceRecord extends Recorded {
  evidenceId: string;
  caseId: string;
  orderId: string;
  trackingNumber: string;
  request: string;
  events: Array<{ event: string; at: string; detail: string }>;
}

export interface SandboxRecords {
  merchantNotifications: MerchantNotificationRecord[];
  statements: StatementRecord[];
  pickups: PickupRecord[];
  weightChecks: WeightCheckRecord[];
  courierClaims: CourierClaimRecord[];
  courierEvidence: CourierEvidenceRecord[];
  refunds: RefundRecord[];
  customerNotifications: CustomerNotificationRecord[];
  staffNotifications: StaffNotificationRecord[];
  reshipOrders: ReshipOrderRecord[];
  pages: PageRecord[];
  repairOrders: RepairOrderRecord[];
  repairInstructions: RepairInstructionRecord[];
  serviceBookings: ServiceBookingRecord[];
}

export interface WeightPreset {
  recordedWeightGrams: number;
  measuredWeightGrams: number;
  /** Overrides the computed answer (|recorded - measured| > toleranceGrams). */
  mismatch?: boolean;
  toleranceGrams?: number;
}

export interface SandboxOptions {
  /** How long a 'timeout' fault holds the response (default 30 000 ms). */
  timeoutHoldMs?: number;
  /** Default delay for a 'delay' fault without delayMs (default 1 000 ms). */
  defaultDelayMs?: number;
  /** Oldest request-log entries are dropped beyond this (default 10 000). */
  maxLoggedRequests?: number;
}

const emptyRecords = (): SandboxRecords => ({
  merchantNotifications: [],
  statements: [],
  pickups: [],
  weightChecks: [],
  courierClaims: [],
  courierEvidence: [],
  refunds: [],
  customerNotifications: [],
  staffNotifications: [],
  reshipOrders: [],
  pages: [],
  repairOrders: [],
  repairInstructions: [],
  serviceBookings: [],
});

export class SandboxState {
  readonly idempotency = new IdempotencyStore();
  readonly faults = new FaultInjector();
  readonly timers = new PendingTimers();
  readonly timeoutHoldMs: number;
  readonly defaultDelayMs: number;
  private readonly maxLoggedRequests: number;
  records: SandboxRecords = emptyRecords();
  requests: RequestLogEntry[] = [];
  readonly weightPresets = new Map<string, WeightPreset>();
  /** Per-order cap on the total refunded amount (cents). */
  readonly refundCaps = new Map<string, number>();
  private seq = 0;

  constructor(options: SandboxOptions = {}) {
    this.timeoutHoldMs = options.timeoutHoldMs ?? 30_000;
    this.defaultDelayMs = options.defaultDelayMs ?? 1_000;
    this.maxLoggedRequests = options.maxLoggedRequests ?? 10_000;
  }

  get refunds(): RefundRecord[] {
    return this.records.refunds;
  }

  logRequest(entry: Pick<RequestLogEntry, 'method' | 'route' | 'idempotencyKey' | 'body'>): RequestLogEntry {
    const logged: RequestLogEntry = {
      seq: ++this.seq,
      receivedAt: new Date().toISOString(),
      ...entry,
      fault: null,
      outcome: 'pending',
      status: null,
      held: false,
      delivered: false,
    };
    this.requests.push(logged);
    if (this.requests.length > this.maxLoggedRequests) this.requests.splice(0, this.requests.length - this.maxLoggedRequests);
    return logged;
  }

  /** Forgets everything and releases pending delays and held responses (their sockets are destroyed). */
  reset(): void {
    this.timers.cancelAll();
    this.idempotency.clear();
    this.faults.clear();
    this.records = emptyRecords();
    this.requests = [];
    this.weightPresets.clear();
    this.refundCaps.clear();
  }

  /** Releases pending delays and held responses; call before closing the HTTP server. */
  close(): void {
    this.timers.cancelAll();
  }
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

export function newTrackingNumber(): string {
  return `SBX${String(randomInt(0, 1e12)).padStart(12, '0')}`;
}
