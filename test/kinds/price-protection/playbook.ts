/**
 *   submitted ──▶ awaiting_price_protection_answer ──answer_price_protection(approve | reject)──▶ closed
 *
 * The merchant answers within the merchant review's limit (the policy in force); silence approves.
 */
import type { CaseStatus } from '../../../workflows/domain/case';
import { SYSTEM_ACTOR } from '../../../workflows/domain/parties';
import { defineClock } from '../../../workflows/case/clock-definition';
import type { CaseContext } from '../../../workflows/case/context';
import type { CommandHandlers, Playbook } from '../../../workflows/case/playbook';

const AWAITING_ANSWER = 'awaiting_price_protection_answer' as CaseStatus;
const ANSWER_CLOCK = 'price_protection_answer';

type Answer = { decision: 'approve' | 'reject'; reason?: string; actor: Parameters<CaseContext['close']>[0] };

function priceDifference(ctx: CaseContext): number {
  const details = ctx.view.details as unknown as { sku: string; newPriceCents: number };
  const item = ctx.input.order?.items.find((i) => i.sku === details.sku);
  return item ? (item.unitPriceCents - details.newPriceCents) * item.quantity : 0;
}

const ANSWER = defineClock({
  name: ANSWER_CLOCK,
  owner: 'merchant',
  terms: (policy) => ({ limit: policy.merchantReviewTimeout, breachAction: 'approve' }),
  breach: (ctx) => ctx.close(SYSTEM_ACTOR, 'price_protection_approved_by_default', 'approved_by_default'),
});

export const priceProtectionPlaybook: Playbook = {
  steps: {
    submitted: async (ctx: CaseContext) => {
      ctx.setFact('priceDifferenceCents' as never, priceDifference(ctx) as never);
      ctx.startClock(ANSWER);
      ctx.transition(SYSTEM_ACTOR, 'price_protection_requested', AWAITING_ANSWER);
    },
    [AWAITING_ANSWER]: async (ctx: CaseContext) => {
      await ctx.waitUntil(() => ctx.status !== AWAITING_ANSWER);
    },
  },
  commands: { [AWAITING_ANSWER]: { ['answer_price_protection' as never]: ['merchant'] } },
  handlers: {
    answer_price_protection: (ctx: CaseContext, p: Answer) => {
      ctx.satisfyClock(ANSWER_CLOCK);
      ctx.close(p.actor, `price_protection_${p.decision === 'approve' ? 'approved' : 'rejected'}`, p.decision === 'approve' ? 'approved' : 'rejected', { reason: p.reason });
    },
  } as unknown as CommandHandlers,
  clocks: [ANSWER],
};
