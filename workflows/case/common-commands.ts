/** Commands every kind of case accepts, and the satisfaction survey that follows every closed case. */
import { workflowNow } from '../clock-source';
import type { CommandName } from '../messages';
import type { Role } from '../domain/parties';
import { addDuration } from '../sla/calendar';
import type { CaseContext } from './context';
import { CASE_STAFF, commandRejected, type CommandChecks, type CommandHandlers } from './playbook';

export function commonCommands(ctx: CaseContext): Partial<Record<CommandName, readonly Role[]>> {
  if (ctx.closed) {
    return ctx.view.survey && ctx.view.survey.rating === undefined && !ctx.view.facts.surveyExpired ? { answer_survey: ['customer', 'agent'] } : {};
  }
  return { assign: ['supervisor', 'senior_agent', 'admin'], escalate: CASE_STAFF };
}

export const commonHandlers: { handlers: CommandHandlers; checks: CommandChecks } = {
  checks: {
    answer_survey: (_ctx, p) => {
      if (!Number.isInteger(p.rating) || p.rating < 1 || p.rating > 5) throw commandRejected('invalid_rating', 'rating must be an integer from 1 to 5');
    },
  },
  handlers: {
    assign: (ctx, p) => {
      ctx.view.assignedAgentId = p.agentId;
      ctx.record(p.actor, 'assigned', { reason: p.reason, data: { agentId: p.agentId } });
    },
    escalate: (ctx, p) => ctx.escalate(p.to, p.reason, p.actor),
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
