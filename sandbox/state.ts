/**
 * State of the partner sandbox: what each partner recorded, the idempotency keys' answers, fault rules, weight presets
 * and refund caps, kept in a journal under `stateDir` when given (journal.ts); plus the request log (memory only).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { FaultInjector } from './faults';
import { IdempotencyStore, type StoredResponse } from './idempotency';
import { SandboxJournal, type JournalEntry } from './journal';
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

/** A courier's or repair provider's record: the company the call was for (its endpoint's, else the one the body named). */
interface CompanyRecorded extends Recorded {
  companyId?: string;
}

export interface MerchantNotificationRecord extends Recorded {
  notificationId: string;
  caseId: string;
  merchantId: string;
  event: string;
  message: string;
}

export interface PickupRecord extends CompanyRecorded {
  pickupId: string;
  trackingNumber: string;
  caseId: string;
  orderId: string;
  address: unknown;
}

export interface WeightCheckRecord extends CompanyRecorded {
  caseId: string;
  orderId: string;
  trackingNumber?: string;
  warehouseId?: string;
  recordedWeightGrams: number;
  measuredWeightGrams: number;
  mismatch: boolean;
}

export interface CourierClaimRecord extends CompanyRecorded {
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
  /** Sent to a company's own endpoint (/companies/<companyId>/…). */
  companyId?: string;
  statementId: string;
  period: string;
  totalCents: number;
  lines: unknown[];
}

export interface RepairOrderRecord extends CompanyRecorded {
  repairOrderId: string;
  caseId: string;
  orderId: string;
  sku: string;
  fault: string;
  chargeable: boolean;
  inboundTrackingNumber?: string;
}

export interface RepairInstructionRecord extends CompanyRecorded {
  instructionId: string;
  caseId: string;
  repairOrderId: string;
  instruction: string;
}

export interface ServiceBookingRecord extends CompanyRecorded {
  bookingId: string;
  caseId: string;
  orderId: string;
  packageSku: string;
  slotAt: number;
}

/** The courier's answer to the platform's request for evidence in a dispute (its handover record for a parcel). */
export interface CourierEvidenceRecord extends CompanyRecorded {
  evidenceId: string;
  caseId: string;
  orderId: string;
  trackingNumber: string;
  request: string;
  kind: string;
  uri: string;
  /** The request the courier answered later (by its callback). */
  evidenceRequestId?: string;
  events: Array<{ event: string; at: string; detail: string }>;
}

/** A request for evidence the courier took to answer later (tracking number LATE…), by its callback to the platform. */
export interface CourierEvidenceRequestRecord extends CompanyRecorded {
  evidenceRequestId: string;
  caseId: string;
  orderId: string;
  trackingNumber: string;
  request: string;
}

export interface SandboxRecords {
  merchantNotifications: MerchantNotificationRecord[];
  statements: StatementRecord[];
  pickups: PickupRecord[];
  weightChecks: WeightCheckRecord[];
  courierClaims: CourierClaimRecord[];
  courierEvidence: CourierEvidenceRecord[];
  courierEvidenceRequests: CourierEvidenceRequestRecord[];
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
  /** Directory the state is kept in across restarts (journal.ts); in memory only when absent (tests). */
  stateDir?: string;
}

export type RecordCounts = Record<keyof SandboxRecords, number>;

const emptyRecords = (): SandboxRecords => ({
  merchantNotifications: [],
  statements: [],
  pickups: [],
  weightChecks: [],
  courierClaims: [],
  courierEvidence: [],
  courierEvidenceRequests: [],
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
  private readonly journal?: SandboxJournal;

  constructor(options: SandboxOptions = {}) {
    this.timeoutHoldMs = options.timeoutHoldMs ?? 30_000;
    this.defaultDelayMs = options.defaultDelayMs ?? 1_000;
    this.maxLoggedRequests = options.maxLoggedRequests ?? 10_000;
    if (options.stateDir) {
      const { journal, entries } = SandboxJournal.open(options.stateDir);
      for (const entry of entries) this.apply(entry);
      journal.compact(this.asJournal());
      this.journal = journal;
      this.faults.onChange = () => this.journal?.append({ t: 'faults', ...this.faults.snapshot() });
    }
  }

  /** How many records each partner holds: what a request added is what lies beyond (saveOutcome). */
  recordCounts(): RecordCounts {
    return Object.fromEntries(Object.entries(this.records).map(([name, list]) => [name, list.length])) as RecordCounts;
  }

  /** Stores a request's answer under its key and keeps it, with the records the request added since `before`. */
  saveOutcome(scope: string, key: string, fingerprint: string, response: StoredResponse, before: RecordCounts): void {
    this.idempotency.save(scope, key, fingerprint, response);
    if (!this.journal) return;
    for (const collection of Object.keys(this.records) as Array<keyof SandboxRecords>) {
      for (const record of this.records[collection].slice(before[collection])) this.journal.append({ t: 'record', collection, record });
    }
    this.journal.append({ t: 'key', scope, key, fingerprint, response });
  }

  /** Keeps a record made outside a partner request (e.g. the courier's later answer), journaled like the others. */
  addRecord<C extends keyof SandboxRecords>(collection: C, record: SandboxRecords[C][number]): void {
    (this.records[collection] as unknown[]).push(record);
    this.journal?.append({ t: 'record', collection, record });
  }

  setWeightPreset(orderId: string, preset: WeightPreset): void {
    this.weightPresets.set(orderId, preset);
    this.journal?.append({ t: 'weight', orderId, preset });
  }

  setRefundCap(orderId: string, capCents: number): void {
    this.refundCaps.set(orderId, capCents);
    this.journal?.append({ t: 'cap', orderId, capCents });
  }

  private apply(entry: JournalEntry): void {
    switch (entry.t) {
      case 'record':
        (this.records[entry.collection] as unknown[]).push(entry.record);
        break;
      case 'key':
        this.idempotency.save(entry.scope, entry.key, entry.fingerprint, entry.response);
        break;
      case 'faults':
        this.faults.restore(entry);
        break;
      case 'weight':
        this.weightPresets.set(entry.orderId, entry.preset);
        break;
      case 'cap':
        this.refundCaps.set(entry.orderId, entry.capCents);
        break;
      case 'reset':
        this.forget();
        break;
    }
  }

  private *asJournal(): Iterable<JournalEntry> {
    for (const collection of Object.keys(this.records) as Array<keyof SandboxRecords>) {
      for (const record of this.records[collection]) yield { t: 'record', collection, record };
    }
    for (const stored of this.idempotency.stored()) yield { t: 'key', ...stored };
    yield { t: 'faults', ...this.faults.snapshot() };
    for (const [orderId, preset] of this.weightPresets) yield { t: 'weight', orderId, preset };
    for (const [orderId, capCents] of this.refundCaps) yield { t: 'cap', orderId, capCents };
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
    this.forget();
    this.journal?.append({ t: 'reset' });
  }

  private forget(): void {
    this.idempotency.clear();
    const onChange = this.faults.onChange;
    this.faults.onChange = undefined;
    this.faults.clear();
    this.faults.onChange = onChange;
    this.records = emptyRecords();
    this.requests = [];
    this.weightPresets.clear();
    this.refundCaps.clear();
  }

  /** Releases pending delays and held responses; call before closing the HTTP server. */
  close(): void {
    this.timers.cancelAll();
    this.journal?.close();
  }
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

export function newTrackingNumber(): string {
  return `SBX${String(randomInt(0, 1e12)).padStart(12, '0')}`;
}
