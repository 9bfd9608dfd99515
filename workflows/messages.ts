/**
 * Every signal, update and query a case workflow handles, defined once. Commands are updates: their validator
 * rejects an invalid transition (nothing is written to history) and the API turns the rejection into a 409.
 * Partner events are signals carrying a dedup key.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseView } from './domain/case';
import type { z } from 'zod';
import { commandBodies, PRIORITIES } from './contract';
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

export type CourierEvent = z.output<typeof contract.CourierEvent>;
export type PaymentEvent = z.output<typeof contract.PaymentEvent>;

export const courierEventSignal = defineSignal<[CourierEvent]>('courier_event');
export const paymentEventSignal = defineSignal<[PaymentEvent]>('payment_event');
export type RepairEvent = z.output<typeof contract.RepairEvent>;
export const repairEventSignal = defineSignal<[RepairEvent]>('repair_event');
export type ServiceEvent = z.output<typeof contract.ServiceEvent>;
export const serviceEventSignal = defineSignal<[ServiceEvent]>('service_event');

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
