import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, setHandler, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import type { CaseInput, CaseView } from '../domain/case';
import type { Actor, Role } from '../domain/parties';
import {
  allowedActionsQuery,
  applyCalendarUpdate,
  type ApplyCalendarInput,
  COMMAND_NAMES,
  commandUpdates,
  EARLIER_PARTNER_SIGNALS,
  getAuditQuery,
  getCaseQuery,
  getClocksQuery,
  openCaseUpdate,
  partnerEventSignal,
  type CommandName,
  type CommandPayloads,
} from '../messages';
import { isPartyTo } from '../domain/case-access';
import { CalendarYear, commandBodies, isPartnerName, PARTNER_EVENTS, PARTNER_NAMES } from '../contract';
import { CaseContext, type CarriedState } from './context';
import { commandRejected, type Playbook } from './playbook';
import { commonCommands, commonHandlers, runSatisfactionSurvey } from './common-commands';
import { playbookFor } from '../kinds/playbooks';
import { nextConditionCheck } from './condition-check';
import { CALENDAR_APPLY_PATCH, COMMANDS_AFTER_RESULTS_PATCH, DISPUTE_WINDOW_PATCH } from './patches';
import { checkPatchesBaseline, patchApplied } from './patch-baseline';
import { withYears } from '../sla/calendar';
import { interventionOpenUntil } from './dispute';
import { refuseByStatus } from './refusals';

/** One after-sales case, from intake to its satisfaction survey. The workflow id is the case id. */
export async function caseWorkflow(input: CaseInput, carried?: CarriedState): Promise<CaseView> {
  checkPatchesBaseline();
  const ctx = new CaseContext(input, carried);
  const playbook = playbookFor(input.kind);
  ctx.playbook = playbook;
  const projector = ctx.projector.run();
  // Registering a handler delivers updates buffered since the start, so the opening step (which decides
  // synchronously, e.g. eligibility) runs first: those updates are then validated against its outcome.
  const run = runPlaybook(ctx, playbook, projector);
  registerHandlers(ctx, playbook);
  return run;
}

async function runPlaybook(ctx: CaseContext, playbook: Playbook, projector: Promise<never>): Promise<CaseView> {
  // The outer loop takes a case the platform reopens (while it waits for its survey) back into its playbook.
  do {
    while (!ctx.closed) {
      const step = playbook.steps[ctx.status];
      if (!step) throw ApplicationFailure.nonRetryable(`the ${ctx.input.kind} playbook has no step for status "${ctx.status}"`, 'PlaybookError');
      await Promise.race([step(ctx), projector]);
      if (workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        await ctx.effects.settled();
        await ctx.projector.projected();
        await continueAsNew<typeof caseWorkflow>(ctx.input, ctx.carry());
      }
    }
    await Promise.race([runSatisfactionSurvey(ctx), projector]);
    // A rejection the customer may still take to the platform keeps the case open to it until its window ends.
    const openUntil = interventionOpenUntil(ctx);
    if (openUntil !== undefined && patchApplied(DISPUTE_WINDOW_PATCH)) await Promise.race([ctx.waitUntilOrAt(() => !ctx.closed, openUntil), projector]);
  } while (!ctx.closed);
  await condition(allHandlersFinished);
  await ctx.effects.settled();
  await ctx.projector.projected();
  return ctx.snapshot();
}

function registerHandlers(ctx: CaseContext, playbook: Playbook): void {
  for (const name of COMMAND_NAMES) {
    setHandler(commandUpdates[name], (payload: CommandPayloads[typeof name]) => runCommand(ctx, playbook, name, payload), {
      validator: (payload: CommandPayloads[typeof name]) => validateCommand(ctx, playbook, name, payload),
    });
  }
  setHandler(partnerEventSignal, (signal) => {
    const { partner, ...event } = (signal ?? {}) as { partner?: unknown };
    receivePartnerEvent(ctx, playbook, partner, event, 'partner_event');
  });
  for (const { partner, signal } of EARLIER_PARTNER_SIGNALS) setHandler(signal, (event) => receivePartnerEvent(ctx, playbook, partner, event, signal.name));
  setHandler(
    openCaseUpdate,
    () => {
      const created = !ctx.openAnswered;
      ctx.openAnswered = true;
      return { view: ctx.snapshot(), created };
    },
    {
      validator: ({ requestHash }) => {
        if (ctx.input.requestHash !== undefined && requestHash !== ctx.input.requestHash) {
          throw commandRejected('idempotency_key_reused', 'this Idempotency-Key was used with a different request body');
        }
      },
    },
  );
  setHandler(
    applyCalendarUpdate,
    async ({ year, reason, actor }) => {
      await nextConditionCheck();
      return { retimed: patchApplied(CALENDAR_APPLY_PATCH) ? ctx.applyCalendarYear(year, actor, reason) : [] };
    },
    { validator: (input) => validateCalendarYear(ctx, input) },
  );
  setHandler(getCaseQuery, () => ctx.snapshot());
  setHandler(getClocksQuery, () => ctx.clocks.snapshot());
  setHandler(getAuditQuery, () => ctx.snapshot().audit);
  setHandler(allowedActionsQuery, (role: Role) => COMMAND_NAMES.filter((name) => rolesFor(ctx, playbook, name).includes(role)));
}

/** Only an admin applies a calendar year, to an open case, and only one that changes its calendar. */
function validateCalendarYear(ctx: CaseContext, input: ApplyCalendarInput): void {
  if (input?.actor?.role !== 'admin') throw commandRejected('role_not_allowed', 'a calendar year is applied by an admin');
  if (typeof input.reason !== 'string' || input.reason.trim() === '') throw commandRejected('reason_required', 'applying a calendar year needs a reason, recorded in the audit trail');
  const year = CalendarYear.safeParse(input.year);
  if (!year.success) throw commandRejected('invalid_payload', year.error.issues.map((i) => `year.${i.path.join('.')}: ${i.message}`).join('; '));
  if (ctx.closed) throw commandRejected('invalid_transition', 'the case is closed: it has no deadlines left to re-time');
  const calendar = ctx.policy.calendar;
  const applied = withYears(calendar, [year.data]);
  if (JSON.stringify([applied.holidays, applied.extraWorkingDays]) === JSON.stringify([calendar.holidays, calendar.extraWorkingDays])) {
    throw commandRejected('unchanged', `the case already counts with this calendar for ${year.data.year}`);
  }
}

/** A signal cannot be refused, so one that does not match its contract (sent past the API) is logged and dropped. */
function matchesContract(schema: z.ZodType, event: unknown, signal: string): boolean {
  const parsed = schema.safeParse(event);
  if (!parsed.success) log.warn('malformed signal dropped', { signal, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  return parsed.success;
}

/**
 * A partner's event: dropped when it does not match its contract or its dedup key was seen before, else handed to the
 * playbook's handler for its partner, or to the one every kind shares.
 */
function receivePartnerEvent(ctx: CaseContext, playbook: Playbook, partner: unknown, event: unknown, signal: string): void {
  if (!isPartnerName(partner)) {
    log.warn('malformed signal dropped', { signal, issues: [`partner: one of ${PARTNER_NAMES.join(', ')}`] });
    return;
  }
  if (!matchesContract(PARTNER_EVENTS[partner].body, event, signal) || !ctx.firstSighting(`${partner}:${(event as { dedupKey: string }).dedupKey}`)) return;
  const handle = playbook.onPartnerEvent?.[partner] ?? commonHandlers.onPartnerEvent[partner];
  (handle as ((c: CaseContext, e: unknown) => void) | undefined)?.(ctx, event);
}

function rolesFor(ctx: CaseContext, playbook: Playbook, name: CommandName): readonly Role[] {
  return playbook.commands[ctx.status]?.[name] ?? commonCommands(ctx)[name] ?? [];
}

/** Rejects an invalid command before anything is written to history. */
function validateCommand<N extends CommandName>(ctx: CaseContext, playbook: Playbook, name: N, payload: CommandPayloads[N]): void {
  const actor = (payload as { actor?: Actor } | undefined)?.actor;
  if (!actor || typeof actor.id !== 'string' || typeof actor.role !== 'string') {
    throw commandRejected('actor_required', 'the command must name its actor (id and role)');
  }
  if (actor.role === 'system') throw commandRejected('forbidden_actor', 'the system role cannot be used from outside the workflow');
  // Scope first: another party's case says nothing of its state.
  if (!isPartyTo(actor, { ...ctx.view, openedBy: ctx.input.openedBy })) {
    throw commandRejected('not_your_case', `a ${actor.role} may act only on its own cases`);
  }
  if (!rolesFor(ctx, playbook, name).includes(actor.role)) refuseByStatus(ctx, playbook, name, actor.role, payload);
  const check = (playbook.checks?.[name] ?? commonHandlers.checks[name]) as ((c: CaseContext, p: CommandPayloads[N]) => void) | undefined;
  check?.(ctx, payload);
  // Last, so the business rules above keep their own codes: whatever they let through must still match the contract.
  const { actor: _actor, ...body } = payload as CommandPayloads[N] & object;
  const shape = commandBodies[name].safeParse(body);
  if (!shape.success) {
    throw commandRejected('invalid_payload', shape.error.issues.map((i) => `${i.path.join('.') || name}: ${i.message}`).join('; '));
  }
}

async function runCommand<N extends CommandName>(ctx: CaseContext, playbook: Playbook, name: N, payload: CommandPayloads[N]): Promise<CaseView> {
  const handler = (playbook.handlers[name] ?? commonHandlers.handlers[name]) as ((c: CaseContext, p: CommandPayloads[N]) => void | Promise<void>) | undefined;
  if (!handler) throw ApplicationFailure.nonRetryable(`no handler for ${name}`, 'PlaybookError');
  if (patchApplied(COMMANDS_AFTER_RESULTS_PATCH)) await nextConditionCheck();
  await handler(ctx, payload);
  return ctx.snapshot();
}
