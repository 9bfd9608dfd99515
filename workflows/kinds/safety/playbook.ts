/**
 * 重大问题: a safety incident, e.g. a product safety risk (spec §Kinds 9, §Deadlines; seed 002 四(一)2).
 *
 *   submitted ──▶ awaiting_emergency_start (the on-call safety owner is paged at once)
 *   awaiting_emergency_start ──start_emergency(plan)──▶ emergency_in_progress ──resolve_incident──▶ closed 'resolved'
 *
 * The emergency process must start within `safetyEmergencyStart` (2 h) of receipt (`input.receivedAt`; a case that
 * reaches the workflow late gets only what is left). At the limit the incident is escalated to the platform and the
 * on-call safety owner is paged again. The incident links the affected orders and related cases
 * (`details.affectedOrderIds` / `relatedCaseIds`); `link_affected` adds more while the incident is open.
 */
import type { KindDetails } from '../../domain/case';
import { SYSTEM_ACTOR } from '../../domain/parties';
import { defineClock } from '../../case/clock-definition';
import type { CaseContext } from '../../case/context';
import { CASE_STAFF, commandRejected, type Playbook } from '../../case/playbook';

export const SAFETY = {
  submitted: 'submitted',
  awaitingStart: 'awaiting_emergency_start',
  inProgress: 'emergency_in_progress',
} as const;

export const EMERGENCY_START_CLOCK = 'emergency_start';

const RESPONDERS = ['agent', 'senior_agent', 'supervisor'] as const;
const RESOLVERS = ['supervisor'] as const;

type SafetyDetails = Extract<KindDetails, { kind: 'safety' }>;

function safetyDetails(ctx: CaseContext): SafetyDetails {
  const d = ctx.view.details;
  if (d.kind !== 'safety') throw new Error(`not a safety incident: ${d.kind}`);
  return d;
}

function nonEmpty(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw commandRejected('invalid_payload', `${field} must be a non-empty string`);
}

function validIds(ids: unknown, field: string): void {
  if (ids === undefined) return;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id.trim() === '')) {
    throw commandRejected('invalid_payload', `${field} must be a list of non-empty ids`);
  }
}

function added(existing: readonly string[], more: readonly string[] | undefined): string[] {
  return [...new Set(more ?? [])].filter((id) => !existing.includes(id));
}

/** The emergency process starts within 2 hours of receipt; late, the platform is escalated to and on-call paged. */
const EMERGENCY_START = defineClock({
  name: EMERGENCY_START_CLOCK,
  owner: 'safety_owner',
  terms: (policy) => ({ limit: policy.safetyEmergencyStart, breachAction: 'escalate_to_platform' }),
  breach: async (ctx, clock) => {
    ctx.escalate('platform', 'emergency process not started within the limit', SYSTEM_ACTOR, clock.name);
    await ctx.effects.page('critical', 'emergency_start_breached', `Safety incident ${ctx.caseId}: the emergency process has not started within the limit.`);
  },
});

export const safetyPlaybook: Playbook = {
  steps: {
    [SAFETY.submitted]: async (ctx) => {
      const d = safetyDetails(ctx);
      if (!ctx.clocks.get(EMERGENCY_START_CLOCK)) {
        ctx.startClock(EMERGENCY_START, { countedFrom: ctx.input.receivedAt });
      }
      ctx.transition(SYSTEM_ACTOR, 'incident_opened', SAFETY.awaitingStart, {
        reason: d.hazard,
        evidence: ctx.input.evidence,
        data: { affectedOrderIds: d.affectedOrderIds, relatedCaseIds: d.relatedCaseIds },
      });
    },
    [SAFETY.awaitingStart]: async (ctx) => {
      await ctx.effects.page('critical', 'incident_opened', `Safety incident ${ctx.caseId}: ${safetyDetails(ctx).hazard}. Start the emergency process.`);
      await ctx.effects.notifyMerchant('safety_incident', `Safety incident ${ctx.caseId} concerns your order ${ctx.input.order?.orderId ?? ''}.`);
      await ctx.waitUntil(() => ctx.status !== SAFETY.awaitingStart);
    },
    [SAFETY.inProgress]: async (ctx) => {
      await ctx.waitUntil(() => ctx.status !== SAFETY.inProgress);
      if (ctx.view.outcome === 'resolved') await ctx.effects.notifyCustomer('incident_resolved', { caseId: ctx.caseId });
    },
  },
  commands: {
    [SAFETY.awaitingStart]: { start_emergency: RESPONDERS, link_affected: CASE_STAFF },
    [SAFETY.inProgress]: { link_affected: CASE_STAFF, resolve_incident: RESOLVERS },
  },
  checks: {
    start_emergency: (_ctx, p) => nonEmpty(p.plan, 'plan'),
    link_affected: (_ctx, p) => {
      validIds(p.orderIds, 'orderIds');
      validIds(p.caseIds, 'caseIds');
      if (!p.orderIds?.length && !p.caseIds?.length) throw commandRejected('invalid_payload', 'name at least one order or case to link');
    },
    resolve_incident: (_ctx, p) => nonEmpty(p.summary, 'summary'),
  },
  handlers: {
    start_emergency: (ctx, p) => {
      ctx.satisfyClock(EMERGENCY_START_CLOCK);
      ctx.setFact('emergencyPlan', p.plan);
      ctx.transition(p.actor, 'emergency_started', SAFETY.inProgress, { reason: p.reason, evidence: p.evidence, data: { plan: p.plan } });
    },
    link_affected: (ctx, p) => {
      const d = safetyDetails(ctx);
      const orderIds = added(d.affectedOrderIds, p.orderIds);
      const caseIds = added(d.relatedCaseIds, p.caseIds);
      // A new object: the input's details stay as the case was opened.
      ctx.view.details = { ...d, affectedOrderIds: [...d.affectedOrderIds, ...orderIds], relatedCaseIds: [...d.relatedCaseIds, ...caseIds] };
      ctx.record(p.actor, 'affected_linked', { reason: p.reason, evidence: p.evidence, data: { orderIds, caseIds } });
    },
    resolve_incident: (ctx, p) => {
      ctx.close(p.actor, 'incident_resolved', 'resolved', { reason: p.summary, evidence: p.evidence });
    },
  },
  clocks: [EMERGENCY_START],
};
