/**
 * Every signal, update and query a case workflow handles, defined once. Commands are updates: their validator
 * rejects an invalid transition (nothing is written to history) and the API turns the rejection into a 409.
 * Partner events are signals carrying a dedup key.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseView } from './domain/case';
import type { Actor, EvidenceRef, Party, Role } from './domain/parties';
import type { Limit } from './sla/calendar';
import type { ClockState } from './sla/clock';

interface CommandBase {
  actor: Actor;
  reason?: string;
  evidence?: EvidenceRef[];
}

/** Payload of each command, by command name. */
export interface CommandPayloads {
  assign: CommandBase & { agentId: string };
  escalate: CommandBase & { to: Party; reason: string };
  merchant_review: CommandBase & { decision: 'approve' | 'reject'; returnAddress?: string };
  platform_review: CommandBase & { decision: 'approve' | 'reject' };
  /** `postageCents`: the return postage the customer advanced; refunded when the goods are accepted and the customer does not bear shipping. */
  ship_back: CommandBase & { trackingNumber: string; carrier?: string; postageCents?: number };
  inspect: CommandBase & { result: 'accepted' | 'rejected'; findings: string };
  start_refund: CommandBase;
  convert_to_refund: CommandBase & { reason: string };
  /** `price_difference_charge`: the customer keeps a dearer wrong item and owes `amountCents` (a charge against the customer). */
  propose_remedy: CommandBase & {
    remedy: 'partial_refund' | 'price_difference_refund' | 'price_difference_charge' | 'reship_part' | 'gift' | 'refund';
    amountCents?: number;
    description: string;
    items?: Array<{ sku: string; quantity: number }>;
  };
  customer_decision: CommandBase & { accept: boolean };
  register: CommandBase & { priority: 'low' | 'normal' | 'high' | 'urgent'; ticketNumber?: string };
  respond: CommandBase & { message: string };
  record_investigation: CommandBase & { findings: string; responsibleParty?: Party };
  propose_solution: CommandBase & { solution: string; amountCents?: number };
  approve_solution: CommandBase;
  reply_solution: CommandBase & { message: string };
  confirm_resolution: CommandBase & { resolved: boolean };
  answer_survey: CommandBase & { rating: number; comment?: string };
  start_emergency: CommandBase & { plan: string };
  link_affected: CommandBase & { orderIds?: string[]; caseIds?: string[] };
  resolve_incident: CommandBase & { summary: string };
  /**
   * The platform's decision on a refund the payment partner refused: `retry` issues it again as a new refund (new
   * idempotency key) for `amountCents` (default: the refused amount); `settled_offline` records it as paid outside the
   * payment partner, `reference` naming the transfer (and `amountCents` what it paid, default the refused amount).
   */
  resolve_blocked_refund: CommandBase & { resolution: 'retry' | 'settled_offline'; amountCents?: number; reference?: string };
  /**
   * The platform overrides a review decision: `reject` an approved request whose goods are not yet on their way back
   * (closes it), or `approve` a request the merchant (or platform) rejected, which reopens the closed case for ship-back.
   */
  override_review: CommandBase & { decision: 'approve' | 'reject'; reason: string; returnAddress?: string };
  /** Moves a running clock's deadline later (a paused clock keeps the extra time for when it resumes). */
  extend_deadline: CommandBase & { clock: string; by: Limit; reason: string };
  pause_deadline: CommandBase & { clock: string; reason: string };
  resume_deadline: CommandBase & { clock: string; reason: string };
  change_priority: CommandBase & { priority: Priority; reason: string };
  /** An internal note: in the audit trail for staff, never a message to a party. */
  add_note: CommandBase & { note: string; reason: string };
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export type CommandName = keyof CommandPayloads;
export type CaseCommand = { [N in CommandName]: { name: N; payload: CommandPayloads[N] } }[CommandName];

export const COMMAND_NAMES = [
  'assign',
  'escalate',
  'merchant_review',
  'platform_review',
  'ship_back',
  'inspect',
  'start_refund',
  'convert_to_refund',
  'propose_remedy',
  'customer_decision',
  'register',
  'respond',
  'record_investigation',
  'propose_solution',
  'approve_solution',
  'reply_solution',
  'confirm_resolution',
  'answer_survey',
  'start_emergency',
  'link_affected',
  'resolve_incident',
  'resolve_blocked_refund',
  'override_review',
  'extend_deadline',
  'pause_deadline',
  'resume_deadline',
  'change_priority',
  'add_note',
] as const satisfies readonly CommandName[];

/** One update per command, named after it; each answers with the case view after the transition. */
export const commandUpdates = Object.fromEntries(
  COMMAND_NAMES.map((name) => [name, defineUpdate<CaseView, [CommandPayloads[typeof name]]>(name)]),
) as { [N in CommandName]: ReturnType<typeof defineUpdate<CaseView, [CommandPayloads[N]]>> };

export interface CourierEvent {
  dedupKey: string;
  trackingNumber?: string;
  event: 'picked_up' | 'in_transit' | 'delivered' | 'returned_to_sender' | 'lost' | 'damaged';
  /** Epoch ms the courier reports. */
  at: number;
}

export interface PaymentEvent {
  dedupKey: string;
  refundId: string;
  status: 'succeeded' | 'failed';
}

export const courierEventSignal = defineSignal<[CourierEvent]>('courier_event');
export const paymentEventSignal = defineSignal<[PaymentEvent]>('payment_event');

/**
 * Sent with the start of a case (update-with-start): answers its first view once the opening step has run, and whether
 * this is the request that created it. A repeat with another request hash (the same Idempotency-Key with another body)
 * is refused as 'idempotency_key_reused'.
 */
export const openCaseUpdate = defineUpdate<{ view: CaseView; created: boolean }, [{ requestHash: string }]>('open_case');

export const getCaseQuery = defineQuery<CaseView>('get_case');
export const getClocksQuery = defineQuery<ClockState[]>('get_clocks');
export const getAuditQuery = defineQuery<CaseView['audit']>('get_audit');
export const allowedActionsQuery = defineQuery<CommandName[], [Role]>('allowed_actions');
