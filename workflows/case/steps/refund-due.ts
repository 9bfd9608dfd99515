/**
 * The refund path shared by exchanges converted to a refund and refund-only cases: once the refund's conditions are
 * met the refund clock runs (spec §Deadlines), the merchant (or staff) starts the refund, or the platform refunds on
 * the merchant's behalf at the limit. Amount and reason are kept as facts, so the step resumes after continue-as-new.
 */
import type { Actor } from '../../domain/parties';
import { SYSTEM_ACTOR } from '../../domain/parties';
import type { CaseContext } from '../context';
import { CASE_STAFF, type CommandHandlers, type Playbook } from '../playbook';
import { startRefundClock } from '../refund-clock';

export const REFUND_DUE = 'refund_due';

/** Starts the refund clock and moves the case to REFUND_DUE; `refundReason` keys the refund's idempotency record. */
export function enterRefundDue(ctx: CaseContext, actor: Actor, action: string, amountCents: number, refundReason: string, reason?: string, maxCents?: number): void {
  ctx.setFact('refundAmountCents', amountCents);
  if (maxCents !== undefined) ctx.setFact('refundMaxCents', maxCents);
  ctx.setFact('refundReason', refundReason);
  startRefundClock(ctx);
  ctx.transition(actor, action, REFUND_DUE, { ...(reason !== undefined && { reason }), data: { amountCents } });
}

/** Refunds at once (nothing to wait for: e.g. goods not shipped), closing the case as refunded. */
export async function refundNow(ctx: CaseContext, amountCents: number, refundReason: string, outcome = 'refunded'): Promise<void> {
  startRefundClock(ctx);
  const refund = await ctx.effects.refund(amountCents, refundReason);
  ctx.satisfyClock('refund_start');
  ctx.close(SYSTEM_ACTOR, 'refunded', outcome, { data: { amountCents: refund.amountCents, onBehalfOfMerchant: false } });
  await ctx.effects.notifyCustomer('refund_issued', { amountCents: refund.amountCents });
}

export const refundDueSteps: Playbook['steps'] = {
  [REFUND_DUE]: async (ctx) => {
    await ctx.effects.notifyMerchant('refund_due', `Case ${ctx.caseId}: the refund is due, please start it.`);
    await ctx.waitUntil(() => ctx.view.facts.refundRequested === true || ctx.view.facts.refundOnBehalfOfMerchant === true);
    const onBehalf = ctx.view.facts.refundRequested !== true;
    const refund = await ctx.effects.refund(ctx.view.facts.refundRequestedAmountCents ?? Number(ctx.view.facts.refundAmountCents), String(ctx.view.facts.refundReason), onBehalf);
    ctx.satisfyClock('refund_start');
    ctx.close(SYSTEM_ACTOR, 'refunded', 'refunded', { data: { amountCents: refund.amountCents, onBehalfOfMerchant: onBehalf } });
    await ctx.effects.notifyCustomer('refund_issued', { amountCents: refund.amountCents });
  },
};

export const refundDueCommands: Playbook['commands'] = {
  [REFUND_DUE]: { start_refund: ['merchant', ...CASE_STAFF] },
};

export const refundDueHandlers: CommandHandlers = {
  start_refund: (ctx, p) => {
    ctx.setFact('refundRequested', true);
    if (p.amountCents !== undefined) ctx.setFact('refundRequestedAmountCents', p.amountCents);
    ctx.record(p.actor, 'refund_requested', { reason: p.reason, ...(p.amountCents !== undefined && { data: { amountCents: p.amountCents } }) });
  },
};
