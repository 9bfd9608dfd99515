/** Commands every kind of case accepts, partner events every kind handles alike, and the satisfaction survey that follows every closed case. */
import { workflowNow } from '../clock-source';
import { PRIORITIES, type CommandName } from '../messages';
import type { Role } from '../domain/parties';
import { addDuration } from '../sla/calendar';
import type { CaseContext } from './context';
import { SURVEY_AFTER_REOPENING_PATCH } from './patches';
import { patchApplied } from './patch-baseline';
import { CASE_STAFF, commandRejected, PLATFORM, type CommandChecks, type CommandHandlers, type PartnerEventHandlers } from './playbook';

const LEADS: readonly Role[] = ['supervisor', 'senior_agent', 'admin'];

/** The roles each common command is ever for, and when it is possible (the refusal of a role at another time says so). */
export const COMMON_COMMANDS: Partial<Record<CommandName, { roles: readonly Role[]; when: string }>> = {
  assign: { roles: LEADS, when: 'while the case is open' },
  escalate: { roles: CASE_STAFF, when: 'while the case is open' },
  resolve_blocked_refund: { roles: PLATFORM, when: 'while a refund of the case is refused by the payment partner' },
  extend_deadline: { roles: PLATFORM, when: 'while the case is open' },
  pause_deadline: { roles: PLATFORM, when: 'while the case is open' },
  resume_deadline: { roles: PLATFORM, when: 'while the case is open' },
  change_priority: { roles: LEADS, when: 'while the case is open' },
  add_note: { roles: CASE_STAFF, when: 'at any time' },
  answer_survey: { roles: ['customer', 'agent'], when: 'once the case is closed and its survey sent, until the survey is answered or expires' },
};

export function commonCommands(ctx: CaseContext): Partial<Record<CommandName, readonly Role[]>> {
  const roles = (name: CommandName) => COMMON_COMMANDS[name]!.roles;
  if (ctx.closed) {
    return {
      add_note: roles('add_note'),
      ...(ctx.view.survey && ctx.view.survey.rating === undefined && !ctx.view.facts.surveyExpired && { answer_survey: roles('answer_survey') }),
    };
  }
  return {
    assign: roles('assign'),
    escalate: roles('escalate'),
    // In whatever status the refund was refused: the playbook's step is waiting inside ctx.effects.refund().
    ...(ctx.effects.blockedRefund && { resolve_blocked_refund: roles('resolve_blocked_refund') }),
    extend_deadline: roles('extend_deadline'),
    pause_deadline: roles('pause_deadline'),
    resume_deadline: roles('resume_deadline'),
    change_priority: roles('change_priority'),
    add_note: roles('add_note'),
  };
}

/** Supervisor commands say why; the API requires it too, this holds for a direct Temporal client. */
function requireReason(p: { reason?: string }): void {
  if (typeof p.reason !== 'string' || p.reason.trim() === '') throw commandRejected('reason_required', 'this command needs a reason, recorded in the audit trail');
}

/** The named clock, in one of `statuses`, or a refusal naming what it is. */
function requireClock(ctx: CaseContext, name: string, statuses: readonly string[]): void {
  const clock = ctx.clocks.get(name);
  if (!clock) throw commandRejected('unknown_clock', `the case has no clock "${name}"; it has ${ctx.clocks.snapshot().map((c) => c.name).join(', ') || 'none'}`);
  if (!statuses.includes(clock.status)) throw commandRejected('invalid_clock_state', `clock "${name}" is ${clock.status}; this needs it ${statuses.join(' or ')}`);
}

export { requireReason };

export const commonHandlers: { handlers: CommandHandlers; checks: CommandChecks; onPartnerEvent: PartnerEventHandlers } = {
  onPartnerEvent: { payment: (ctx, event) => ctx.effects.refundReported(event) },
  checks: {
    extend_deadline: (ctx, p) => {
      requireReason(p);
      requireClock(ctx, p.clock, ['running', 'paused']);
      const amount = Object.values(p.by ?? {})[0];
      if (typeof amount !== 'number' || !(amount > 0)) throw commandRejected('invalid_duration', 'by must be a positive {hours}, {minutes} or {workingDays}');
      if (ctx.clocks.get(p.clock)?.status === 'paused' && 'workingDays' in p.by) throw commandRejected('invalid_duration', 'a paused clock is extended in hours or minutes');
    },
    pause_deadline: (ctx, p) => {
      requireReason(p);
      requireClock(ctx, p.clock, ['running']);
    },
    resume_deadline: (ctx, p) => {
      requireReason(p);
      requireClock(ctx, p.clock, ['paused']);
    },
    add_note: (_ctx, p) => {
      requireReason(p);
      if (typeof p.note !== 'string' || p.note.trim() === '') throw commandRejected('invalid_payload', 'note must be a non-empty string');
    },
    change_priority: (ctx, p) => {
      requireReason(p);
      if (!(PRIORITIES as readonly string[]).includes(p.priority)) throw commandRejected('invalid_payload', `priority must be one of ${PRIORITIES.join(', ')}`);
      if (ctx.view.priority === p.priority) throw commandRejected('unchanged', `the priority is already ${p.priority}`);
    },
    answer_survey: (_ctx, p) => {
      if (!Number.isInteger(p.rating) || p.rating < 1 || p.rating > 5) throw commandRejected('invalid_rating', 'rating must be an integer from 1 to 5');
    },
    resolve_blocked_refund: (ctx, p) => {
      if (!ctx.effects.blockedRefund) throw commandRejected('invalid_transition', 'no refund of this case is blocked');
      if (p.resolution !== 'retry' && p.resolution !== 'settled_offline') throw commandRejected('invalid_resolution', "resolution must be 'retry' or 'settled_offline'");
      if (p.amountCents !== undefined) {
        if (!Number.isInteger(p.amountCents) || p.amountCents <= 0) throw commandRejected('invalid_amount', 'amountCents must be a whole number of cents above 0');
        const paid = ctx.input.order?.paidAmountCents;
        if (paid !== undefined && p.amountCents > paid) throw commandRejected('invalid_amount', `amountCents must not exceed the ${paid} cents paid for the order`);
      }
      if (p.resolution === 'settled_offline' && (typeof p.reference !== 'string' || p.reference.trim() === '')) {
        throw commandRejected('reference_required', 'a refund settled offline needs the reference of the offline transfer');
      }
    },
  },
  handlers: {
    assign: (ctx, p) => {
      ctx.view.assignedAgentId = p.agentId;
      ctx.record(p.actor, 'assigned', { reason: p.reason, data: { agentId: p.agentId } });
    },
    escalate: (ctx, p) => ctx.escalate(p.to, p.reason, p.actor),
    extend_deadline: (ctx, p) => ctx.extendClock(p.clock, p.by, p.actor, p.reason),
    pause_deadline: (ctx, p) => {
      ctx.pauseClock(p.clock, p.reason, p.actor);
    },
    resume_deadline: (ctx, p) => ctx.resumeClock(p.clock, p.reason, p.actor),
    change_priority: (ctx, p) => {
      const from = ctx.view.priority;
      ctx.setPriority(p.priority, p.actor);
      ctx.record(p.actor, 'priority_changed', { reason: p.reason, data: { from, to: p.priority } });
    },
    add_note: (ctx, p) => ctx.record(p.actor, 'note_added', { reason: p.reason, data: { note: p.note, internal: true } }),
    resolve_blocked_refund: (ctx, p) => ctx.effects.resolveBlockedRefund(p),
    answer_survey: (ctx, p) => {
      ctx.view.survey = { ...ctx.view.survey!, rating: p.rating, ...(p.comment && { comment: p.comment }) };
      ctx.record(p.actor, 'survey_answered', { data: { rating: p.rating } });
    },
  },
};

/** After closing: send the satisfaction survey and keep the case open to its answer for the survey window. */
export async function runSatisfactionSurvey(ctx: CaseContext): Promise<void> {
  if (!ctx.view.survey) {
    ctx.view.survey = { sentAt: workflowNow() };
    await ctx.effects.notifyCustomer('satisfaction_survey', { caseId: ctx.caseId });
    ctx.record({ id: 'case-workflow', role: 'system' }, 'survey_sent');
  } else if (closedAgainSinceSurvey(ctx) && patchApplied(SURVEY_AFTER_REOPENING_PATCH)) {
    await sendNextSurvey(ctx);
  }
  const until = addDuration(ctx.view.survey.sentAt, ctx.policy.surveyWindow, ctx.policy.calendar);
  // A case the platform reopens leaves its survey wait at once and goes back to its playbook.
  const answered = await ctx.waitUntilOrAt(() => ctx.view.survey?.rating !== undefined || !ctx.closed, until);
  if (!answered && ctx.closed) {
    ctx.setFact('surveyExpired', true);
    ctx.record({ id: 'case-workflow', role: 'system' }, 'survey_expired');
  }
}

/** The case closed again (the platform reopened it) after its survey was sent. */
function closedAgainSinceSurvey(ctx: CaseContext): boolean {
  return ctx.view.survey !== undefined && ctx.view.closedAt !== undefined && ctx.view.closedAt > ctx.view.survey.sentAt;
}

/** A new survey for the new closing; the earlier one is kept as it was answered (or not). */
async function sendNextSurvey(ctx: CaseContext): Promise<void> {
  const earlier = [...(ctx.view.earlierSurveys ?? []), ctx.view.survey!];
  ctx.view.earlierSurveys = earlier;
  ctx.view.survey = { sentAt: workflowNow() };
  delete ctx.view.facts.surveyExpired;
  const n = earlier.length + 1;
  await ctx.effects.notifyCustomer('satisfaction_survey', { caseId: ctx.caseId }, `satisfaction_survey:${n}`);
  ctx.record({ id: 'case-workflow', role: 'system' }, 'survey_sent', { data: { survey: n } });
}
