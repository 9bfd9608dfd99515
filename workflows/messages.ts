/**
 * Every signal, update and query a case workflow handles, defined once. Commands are updates: their validator
 * rejects an invalid transition (nothing is written to history) and the API turns the rejection into a 409.
 * Partner events are signals carrying a dedup key.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseView } from './domain/case';
import type { z } from 'zod';
import { commandBodies, PRIORITIES, type PARTNER_EVENTS, type PartnerName } from './contract';
import type * as contract from './contract';
import type { Actor, Role } from './domain/parties';
import type { ClockState } from './sla/clock';

/** Payload of each command, by command name: its body in the contract (workflows/contract/commands.ts) plus the actor. */
export type CommandPayloads = { [N in keyof typeof commandBodies]: z.output<(typeof commandBodies)[N]> & { actor: Actor } };

export { PRIORITIES };
export type Priority = (typeof PRIORITIES)[number];

export type CommandName = keyof CommandPayloads;
export type CaseCommand = { [N in CommandName]: { name: N; payload: CommandPayloads[N] } }[CommandName];

export const COMMAND_NAMES = Object.keys(commandBodies) as CommandName[];

/** One update per command, named after it; each answers with the case view after the transition. */
export const commandUpdates = Object.fromEntries(
  COMMAND_NAMES.map((name) => [name, defineUpdate<CaseView, [CommandPayloads[typeof name]]>(name)]),
) as { [N in CommandName]: ReturnType<typeof defineUpdate<CaseView, [CommandPayloads[N]]>> };

/** What a partner event carries to its case, by partner (the contract's PARTNER_EVENTS). */
export type PartnerEventBody<P extends PartnerName> = z.output<(typeof PARTNER_EVENTS)[P]['body']>;
/** Any partner event, named by its partner. */
export type PartnerEvent = { [P in PartnerName]: { partner: P } & PartnerEventBody<P> }[PartnerName];
export type CourierEvent = PartnerEventBody<'courier'>;
export type PaymentEvent = PartnerEventBody<'payment'>;
export type RepairEvent = PartnerEventBody<'repair'>;
export type ServiceEvent = PartnerEventBody<'service'>;

/** Every partner event reaches its case as this one signal. */
export const partnerEventSignal = defineSignal<[PartnerEvent]>('partner_event');
/**
 * The signal each partner event had before partner_event, still handled alike: recorded histories and running cases
 * carry them. In the order their handlers were registered then (signals buffered before are delivered in that order).
 */
export const EARLIER_PARTNER_SIGNALS = (['courier', 'repair', 'service', 'payment'] as const).map((partner) => ({ partner, signal: defineSignal<[unknown]>(`${partner}_event`) }));

/**
 * Sent with the start of a case (update-with-start): answers its first view once the opening step has run, and whether
 * this is the request that created it. A repeat with another request hash (the same Idempotency-Key with another body)
 * is refused as 'idempotency_key_reused'.
 */
export const openCaseUpdate = defineUpdate<{ view: CaseView; created: boolean }, [{ requestHash: string }]>('open_case');

export type CalendarYear = z.output<typeof contract.CalendarYear>;
/** A clock's deadline before and after it was re-timed. */
export type ClockRetimed = { clock: string; from: number; to: number };
export interface ApplyCalendarInput {
  year: CalendarYear;
  reason: string;
  actor: Actor;
}
/** An admin applies a calendar year published after the case opened: answers the clocks it re-timed. */
export const applyCalendarUpdate = defineUpdate<{ retimed: ClockRetimed[] }, [ApplyCalendarInput]>('apply_calendar');

export const getCaseQuery = defineQuery<CaseView>('get_case');
export const getClocksQuery = defineQuery<ClockState[]>('get_clocks');
export const getAuditQuery = defineQuery<CaseView['audit']>('get_audit');
export const allowedActionsQuery = defineQuery<CommandName[], [Role]>('allowed_actions');
