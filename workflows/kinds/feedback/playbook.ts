/**
 * 反馈/投诉: a feedback or complaint ticket (spec §Kinds 7, §Deadlines, seed 002 电子商务客户服务反馈细则).
 *
 *   submitted ──register──▶ registered ──respond──▶ investigating ──record_investigation──▶ investigated
 *   investigated ──propose_solution──▶ awaiting_approval ──approve_solution──▶ approved
 *   approved ──reply_solution──▶ awaiting_confirmation ──confirm_resolution(true)──▶ closed 'resolved'
 *   awaiting_confirmation ──confirm_resolution(false)──▶ investigating (escalated to a senior agent)
 *   awaiting_confirmation ──customerConfirmationTimeout──▶ closed 'closed_without_confirmation'
 *
 * Clocks. Registration (30 min), first response (24 h) and initial investigation (1 working day) count from
 * receipt (`input.receivedAt`), not from the start of the workflow: when the ticket reached the workflow late, the
 * clock gets only the time that is left of the limit measured from receipt (ClockStart.countedFrom). The solution reply
 * (2 working days) counts from the internal approval; a re-investigation after the customer rejects the solution
 * gets a fresh working day from that moment.
 *
 * Every breach escalates the unresolved ticket to a senior agent (spec §Quality: unresolved tickets escalate to
 * senior customer service); a late registration also alerts the CS lead and flags the case `late`.
 */
import type { CaseInput } from '../../domain/case';
import { SYSTEM_ACTOR } from '../../domain/parties';
import type { ClockState } from '../../sla/clock';
import { defineClock } from '../../case/clock-definition';
import type { CaseContext } from '../../case/context';
import { CASE_STAFF, commandRejected, type Playbook } from '../../case/playbook';
import { PRIORITIES } from '../../messages';

export const FEEDBACK_STATUS = {
  submitted: 'submitted',
  registered: 'registered',
  investigating: 'investigating',
  investigated: 'investigated',
  awaitingApproval: 'awaiting_approval',
  approved: 'approved',
  awaitingConfirmation: 'awaiting_confirmation',
} as const;

export const FEEDBACK_CLOCKS = {
  registration: 'registration',
  firstResponse: 'first_response',
  investigation: 'initial_investigation',
  solutionReply: 'solution_reply',
  confirmation: 'customer_confirmation',
} as const;

const APPROVERS = ['senior_agent', 'supervisor'] as const;


/** The ticket number given at registration, or one derived from the case id (deterministic across replays). */
export function ticketNumberFor(caseId: string): string {
  return `FB-${caseId}`;
}

function feedbackDetails(input: CaseInput) {
  const d = input.details;
  if (d.kind !== 'feedback') throw new Error(`not a feedback ticket: ${d.kind}`);
  return d;
}


/** Unresolved ticket at a breach → senior customer service. */
function escalateToSenior(ctx: CaseContext, clock: ClockState, reason: string): void {
  ctx.escalate('senior_agent', reason, SYSTEM_ACTOR, clock.name);
}

function nonEmpty(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw commandRejected('invalid_payload', `${field} must be a non-empty string`);
}

async function waitForNextStatus(ctx: CaseContext): Promise<void> {
  const status = ctx.status;
  await ctx.waitUntil(() => ctx.status !== status);
}

/** Registered within 30 minutes of receipt; late, the CS lead is alerted and the ticket flagged late. */
const REGISTRATION = defineClock({
  name: FEEDBACK_CLOCKS.registration,
  owner: 'agent',
  terms: (policy) => ({ limit: policy.registration, breachAction: 'alert_cs_lead' }),
  breach: async (ctx, clock) => {
    ctx.setFact('late', true);
    ctx.escalate('cs_lead', 'feedback not registered within the limit', SYSTEM_ACTOR, clock.name);
    escalateToSenior(ctx, clock, 'feedback not registered within the limit');
  },
});

const FIRST_RESPONSE = defineClock({
  name: FEEDBACK_CLOCKS.firstResponse,
  owner: 'agent',
  terms: (policy) => ({ limit: policy.firstResponse, breachAction: 'escalate_to_senior_agent' }),
  breach: (ctx, clock) => escalateToSenior(ctx, clock, 'no first response within the limit'),
});

const INVESTIGATION = defineClock({
  name: FEEDBACK_CLOCKS.investigation,
  owner: 'agent',
  terms: (policy) => ({ limit: policy.initialInvestigation, breachAction: 'escalate_to_senior_agent' }),
  breach: (ctx, clock) => escalateToSenior(ctx, clock, 'initial investigation not completed within the limit'),
});

const SOLUTION_REPLY = defineClock({
  name: FEEDBACK_CLOCKS.solutionReply,
  owner: 'agent',
  terms: (policy) => ({ limit: policy.solutionReply, breachAction: 'escalate_to_senior_agent' }),
  breach: (ctx, clock) => escalateToSenior(ctx, clock, 'approved solution not replied to the customer within the limit'),
});

/** The customer confirms the solution; silence closes the ticket. */
const CONFIRMATION = defineClock({
  name: FEEDBACK_CLOCKS.confirmation,
  owner: 'customer',
  terms: (policy) => ({ limit: policy.customerConfirmationTimeout, breachAction: policy.customerConfirmationTimeoutAction }),
  breach: (ctx) => {
    ctx.close(SYSTEM_ACTOR, 'closed_without_confirmation', 'closed_without_confirmation', { reason: 'the customer did not confirm within the limit' });
  },
});

export const feedbackPlaybook: Playbook = {
  steps: {
    [FEEDBACK_STATUS.submitted]: async (ctx) => {
      if (!ctx.clocks.get(FEEDBACK_CLOCKS.registration)) {
        const d = feedbackDetails(ctx.input);
        const fromReceipt = { countedFrom: ctx.input.receivedAt };
        ctx.startClock(REGISTRATION, fromReceipt);
        ctx.startClock(FIRST_RESPONSE, fromReceipt);
        ctx.startClock(INVESTIGATION, fromReceipt);
        ctx.record(SYSTEM_ACTOR, 'feedback_received', { data: { channel: ctx.input.channel, feedbackType: d.feedbackType, receivedAt: ctx.input.receivedAt } });
      }
      await ctx.effects.notifyCustomer('feedback_received', { caseId: ctx.caseId });
      await waitForNextStatus(ctx);
    },
    [FEEDBACK_STATUS.registered]: waitForNextStatus,
    [FEEDBACK_STATUS.investigating]: waitForNextStatus,
    [FEEDBACK_STATUS.investigated]: waitForNextStatus,
    [FEEDBACK_STATUS.awaitingApproval]: waitForNextStatus,
    [FEEDBACK_STATUS.approved]: waitForNextStatus,
    [FEEDBACK_STATUS.awaitingConfirmation]: async (ctx) => {
      await waitForNextStatus(ctx);
      if (ctx.view.outcome === 'closed_without_confirmation') await ctx.effects.notifyCustomer('closed_without_confirmation');
    },
  },
  commands: {
    [FEEDBACK_STATUS.submitted]: { register: CASE_STAFF },
    [FEEDBACK_STATUS.registered]: { respond: CASE_STAFF },
    [FEEDBACK_STATUS.investigating]: { record_investigation: CASE_STAFF },
    [FEEDBACK_STATUS.investigated]: { propose_solution: CASE_STAFF },
    // A proposal may be revised while it waits for approval.
    [FEEDBACK_STATUS.awaitingApproval]: { propose_solution: CASE_STAFF, approve_solution: APPROVERS },
    [FEEDBACK_STATUS.approved]: { reply_solution: CASE_STAFF },
    [FEEDBACK_STATUS.awaitingConfirmation]: { confirm_resolution: ['customer', ...CASE_STAFF] },
  },
  checks: {
    register: (_ctx, p) => {
      if (!(PRIORITIES as readonly string[]).includes(p.priority)) throw commandRejected('invalid_payload', `priority must be one of ${PRIORITIES.join(', ')}`);
      if (p.ticketNumber !== undefined) nonEmpty(p.ticketNumber, 'ticketNumber');
    },
    respond: (_ctx, p) => nonEmpty(p.message, 'message'),
    record_investigation: (_ctx, p) => nonEmpty(p.findings, 'findings'),
    propose_solution: (_ctx, p) => {
      nonEmpty(p.solution, 'solution');
      if (p.amountCents !== undefined && !(Number.isInteger(p.amountCents) && p.amountCents >= 0)) {
        throw commandRejected('invalid_payload', 'amountCents must be a non-negative integer');
      }
    },
    approve_solution: (ctx, p) => {
      // Internal approval is a second pair of eyes: the proposer cannot approve their own solution.
      if (ctx.view.facts.solutionProposedBy === p.actor.id) throw commandRejected('self_approval', 'a solution must be approved by someone other than its proposer');
    },
    reply_solution: (_ctx, p) => nonEmpty(p.message, 'message'),
    confirm_resolution: (_ctx, p) => {
      if (typeof p.resolved !== 'boolean') throw commandRejected('invalid_payload', 'resolved must be true or false');
    },
  },
  handlers: {
    register: (ctx, p) => {
      const d = feedbackDetails(ctx.input);
      ctx.view.ticketNumber = p.ticketNumber ?? ctx.view.ticketNumber ?? ticketNumberFor(ctx.caseId);
      ctx.satisfyClock(FEEDBACK_CLOCKS.registration);
      ctx.setPriority(p.priority, p.actor);
      ctx.transition(p.actor, 'registered', FEEDBACK_STATUS.registered, {
        reason: p.reason,
        data: { ticketNumber: ctx.view.ticketNumber, priority: p.priority, feedbackType: d.feedbackType, receivedAt: ctx.input.receivedAt, channel: ctx.input.channel },
      });
    },
    respond: (ctx, p) => {
      ctx.satisfyClock(FEEDBACK_CLOCKS.firstResponse);
      ctx.transition(p.actor, 'responded', FEEDBACK_STATUS.investigating, { reason: p.reason, data: { message: p.message } });
    },
    record_investigation: (ctx, p) => {
      ctx.satisfyClock(FEEDBACK_CLOCKS.investigation);
      if (p.responsibleParty) ctx.view.responsibleParty = p.responsibleParty;
      ctx.transition(p.actor, 'investigation_recorded', FEEDBACK_STATUS.investigated, {
        reason: p.findings,
        evidence: p.evidence,
        data: { ...(p.responsibleParty && { responsibleParty: p.responsibleParty }) },
      });
    },
    propose_solution: (ctx, p) => {
      ctx.setFact('solution', p.solution);
      ctx.setFact('solutionProposedBy', p.actor.id);
      if (p.amountCents !== undefined) ctx.setFact('solutionAmountCents', p.amountCents);
      ctx.transition(p.actor, 'solution_proposed', FEEDBACK_STATUS.awaitingApproval, {
        reason: p.reason,
        evidence: p.evidence,
        data: { solution: p.solution, ...(p.amountCents !== undefined && { amountCents: p.amountCents }) },
      });
    },
    approve_solution: (ctx, p) => {
      ctx.startClock(SOLUTION_REPLY);
      ctx.transition(p.actor, 'solution_approved', FEEDBACK_STATUS.approved, { reason: p.reason, data: { solution: ctx.view.facts.solution } });
    },
    reply_solution: (ctx, p) => {
      ctx.satisfyClock(FEEDBACK_CLOCKS.solutionReply);
      ctx.startClock(CONFIRMATION);
      ctx.transition(p.actor, 'solution_replied', FEEDBACK_STATUS.awaitingConfirmation, { reason: p.reason, data: { message: p.message } });
    },
    confirm_resolution: (ctx, p) => {
      ctx.satisfyClock(FEEDBACK_CLOCKS.confirmation);
      if (p.resolved) {
        ctx.close(p.actor, 'resolution_confirmed', 'resolved', { reason: p.reason });
        return;
      }
      // 未解决 → 升级至高级客服, and the ticket is investigated again with a fresh working day.
      ctx.record(p.actor, 'resolution_rejected', { reason: p.reason });
      ctx.escalate('senior_agent', p.reason ?? 'the customer says the problem is not resolved');
      ctx.startClock(INVESTIGATION);
      ctx.transition(SYSTEM_ACTOR, 'reinvestigation_started', FEEDBACK_STATUS.investigating);
    },
  },
  clocks: [REGISTRATION, FIRST_RESPONSE, INVESTIGATION, SOLUTION_REPLY, CONFIRMATION],
};

