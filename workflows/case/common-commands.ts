/** Commands every kind of case accepts, and the satisfaction survey that follows every closed case. */
import { workflowNow } from '../clock-source';
import type { CommandName } from '../messages';
import type { Role } from '../domain/parties';
import { addDuration } from '../sla/calendar';
import type { CaseContext } from './context';
import { CASE_STAFF, commandRejected, PLATFORM, type CommandChecks, type CommandHandlers } from './playbook';

export function commonCommands(ctx: CaseContext): Partial<Record<CommandName, readonly Role[]>> {
  if (ctx.closed) {
    return ctx.view.survey && ctx.view.survey.rating === undefined && !ctx.view.facts.surveyExpired ? { answer_survey: ['customer', 'agent'] } : {};
  }
  return {
    assign: ['supervisor', 'senior_agent', 'admin'],
    escalate: CASE_STAFF,
    // In whatever status the refund was refused: the playbook's step is waiting inside ctx.refund().
    ...(ctx.blockedRefund && { resolve_blocked_refund: PLATFORM }),
  };
}

export const commonHandlers: { handlers: CommandHandlers; checks: CommandChecks } = {
  checks: {
    answer_survey: (_ctx, p) => {
      if (!Number.isInteger(p.rating) || p.rating < 1 || p.rating > 5) throw commandRejected('invalid_rating', 'rating must be an integer from 1 to 5');
    },
    resolve_blocked_refund: (ctx, p) => {
      if (!ctx.blockedRefund) throw commandRejected('invalid_transition', 'no refund of this case is blocked');
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
    resolve_blocked_refund: (ctx, p) => ctx.resolveBlockedRefund(p),
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
    await ctx.notifyCustomer('satisfaction_survey', { caseId: ctx.caseId });
    ctx.record({ id: 'case-workflow', role: 'system' }, 'survey_sent');
  }
  const until = addDuration(ctx.view.survey.sentAt, ctx.policy.surveyWindow, ctx.policy.calendar);
  const answered = await ctx.waitUntilOrAt(() => ctx.view.survey?.rating !== undefined, until);
  if (!answered) {
    ctx.setFact('surveyExpired', true);
    ctx.record({ id: 'case-workflow', role: 'system' }, 'survey_expired');
  }
}
