import { ApplicationFailure } from '@temporalio/workflow';
import type { PartnerName } from '../contract';
import type { CommandName, CommandPayloads, PartnerEventBody } from '../messages';
import type { CaseStatus } from '../domain/case';
import type { Role } from '../domain/parties';
import type { ClockDefinition } from './clock-definition';
import type { CaseContext } from './context';

/**
 * Refuses a command from its validator: nothing reaches history, and the caller gets the failure's type as a
 * machine-readable code ('invalid_transition', 'role_not_allowed', 'not_your_case', or a business rule's own), and
 * `field`, when given, the offending field of the command's body (the API names it in the problem's errors), and
 * `state`, for a command that is possible at another time, the case's status and when it is possible.
 */
export function commandRejected(code: string, message: string, field?: string, state?: RefusalState): ApplicationFailure {
  const details = field !== undefined || state !== undefined ? [{ ...(field !== undefined && { field }), ...state }] : undefined;
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, ...(details && { details }) });
}

/** What a refusal of "not now" says beside its message: the case's status and when the command is possible. */
export interface RefusalState {
  caseStatus: string;
  possibleWhen: string[];
}

export type CommandHandlers = { [N in CommandName]?: (ctx: CaseContext, payload: CommandPayloads[N]) => void | Promise<void> };
export type CommandChecks = { [N in CommandName]?: (ctx: CaseContext, payload: CommandPayloads[N]) => void };

/**
 * One kind of case. A playbook is a state machine keyed by status, so a run resumes at the right step after
 * continue-as-new or replay: `steps[status]` does the work of that status (side effects, waiting on clocks) and
 * returns once the status has changed; commands change the status through `handlers`.
 */
export interface Playbook {
  steps: Partial<Record<CaseStatus, (ctx: CaseContext) => Promise<void>>>;
  /** status → command → roles allowed to send it in that status. */
  commands: Partial<Record<CaseStatus, Partial<Record<CommandName, readonly Role[]>>>>;
  handlers: CommandHandlers;
  /** Business preconditions beyond status and role; throw commandRejected(...) to refuse. */
  checks?: CommandChecks;
  /**
   * A command the current status does not take, from a role that may send it at other times: throw the refusal that
   * says why, when there is a more precise one than invalid_transition (e.g. the appeal window has closed).
   */
  explainRefusal?: CommandChecks;
  /** Every clock the playbook runs; a clock fires the actions of its definition here. */
  clocks: readonly ClockDefinition[];
  /** The customer let a proposed remedy lapse (the customer_decision clock). */
  onRemedyLapse?(ctx: CaseContext): void;
  /** A partner's event, by partner (POST /callbacks/<partner>), first sighting of its dedup key only. */
  onPartnerEvent?: PartnerEventHandlers;
}

export type PartnerEventHandlers = { [P in PartnerName]?: (ctx: CaseContext, event: PartnerEventBody<P>) => void };

export const CASE_STAFF: readonly Role[] = ['agent', 'senior_agent', 'supervisor', 'admin'];
export const PLATFORM: readonly Role[] = ['supervisor', 'admin'];
