/**
 * 换货 (spec §Kinds 3): the goods come back as in a return (goods-return path), then the replacement is reshipped through
 * the ERP and the case closes as exchanged when the customer confirms or the confirmation window passes.
 * Before the reship, convert_to_refund (replacement out of stock, or the customer changes their mind) turns the case
 * into a refund once the goods are accepted; an ERP refusal of the reship order converts it the same way.
 * Wrong item (seed 003): the customer may instead keep the item and receive the price difference (propose_remedy
 * price_difference_refund + customer_decision) while the return has not been shipped back yet.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { SYSTEM_ACTOR, type Role } from '../../domain/parties';
import type { CaseContext } from '../context';
import { CASE_STAFF, commandRejected, type Playbook } from '../playbook';
import { refundAmountCents, refundClockActions } from '../refund-clock';
import { goodsReturnClockActions, goodsReturnCommands, goodsReturnHandlers, goodsReturnSteps, onReturnShipmentEvent, returnDetails, S } from './goods-return';
import { enterRefundDue, refundDueCommands, refundDueHandlers, refundDueSteps } from './refund-due';
import { agreedProposal, checkDecision, checkProposal, decideRemedy, proposeRemedy, remedyClockActions } from './remedy';

export const EX = {
  awaitingConfirmation: 'awaiting_customer_confirmation',
  unresolved: 'exchange_unresolved',
  settling: 'settling_price_difference',
} as const;

const CONFIRMATION_CLOCK = 'customer_confirmation';
const CONVERTIBLE = [S.merchantReview, S.platformReview, S.shipBack, S.inTransit, S.inspection] as const;
const SETTLEABLE = [S.merchantReview, S.platformReview, S.shipBack] as const;
const CONVERTERS: readonly Role[] = ['customer', 'merchant', ...CASE_STAFF];

/** The replacement: the requested sku (same quantity as ordered), else the ordered items again. */
export function replacementItems(ctx: CaseContext): Array<{ sku: string; quantity: number }> {
  const d = ctx.input.details;
  const items = ctx.requireOrder().items;
  if (d.kind === 'exchange' && d.replacementSku) return [{ sku: d.replacementSku, quantity: items[0]?.quantity ?? 1 }];
  return items.map((i) => ({ sku: i.sku, quantity: i.quantity }));
}

function isPartnerRefusal(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (cause.type === 'PartnerRejected' || cause.type === 'PartnerRefused');
}

async function shipReplacement(ctx: CaseContext): Promise<void> {
  if (ctx.view.facts.convertedToRefund === true) {
    enterRefundDue(ctx, SYSTEM_ACTOR, 'refund_conditions_met', refundAmountCents(ctx), 'exchange_converted_to_refund');
    return;
  }
  let erpOrderId: string | undefined;
  try {
    erpOrderId = (await ctx.reship(replacementItems(ctx), 'exchange_replacement')).erpOrderId;
  } catch (err) {
    if (!isPartnerRefusal(err)) throw err;
    // The ERP refuses the reship order (e.g. the replacement is out of stock): the exchange becomes a refund.
    ctx.setFact('convertedToRefund', true);
    ctx.record(SYSTEM_ACTOR, 'converted_to_refund', { reason: `replacement could not be reshipped: ${err instanceof Error ? err.message : String(err)}` });
    enterRefundDue(ctx, SYSTEM_ACTOR, 'refund_conditions_met', refundAmountCents(ctx), 'exchange_converted_to_refund');
    return;
  }
  ctx.startClock({ name: CONFIRMATION_CLOCK, limit: ctx.policy.customerConfirmationTimeout, breachAction: ctx.policy.customerConfirmationTimeoutAction, owner: 'customer' });
  ctx.transition(SYSTEM_ACTOR, 'replacement_reshipped', EX.awaitingConfirmation, { data: { erpOrderId } });
}

const settleCommands = { propose_remedy: ['merchant', ...CASE_STAFF], customer_decision: ['customer'] } as const;

function commandsFor(status: string): Playbook['commands'][string] {
  return {
    ...goodsReturnCommands[status],
    ...((CONVERTIBLE as readonly string[]).includes(status) && { convert_to_refund: CONVERTERS }),
    ...((SETTLEABLE as readonly string[]).includes(status) && settleCommands),
  };
}

export const exchangePlaybook: Playbook = {
  steps: {
    ...goodsReturnSteps,
    ...refundDueSteps,
    [S.accepted]: shipReplacement,
    [EX.awaitingConfirmation]: async (ctx) => {
      await ctx.notifyCustomer('replacement_shipped', { erpOrderId: ctx.view.reships[0]?.erpOrderId ?? '' });
      await ctx.waitUntil(() => ctx.status !== EX.awaitingConfirmation);
    },
    [EX.unresolved]: async (ctx) => {
      await ctx.waitUntil(() => ctx.status !== EX.unresolved);
    },
    [EX.settling]: async (ctx) => {
      const amountCents = agreedProposal(ctx)?.amountCents ?? 0;
      const refund = await ctx.refund(amountCents, 'wrong_item_price_difference');
      ctx.close(SYSTEM_ACTOR, 'price_difference_refunded', 'kept_with_price_difference', { data: { amountCents: refund.amountCents } });
      await ctx.notifyCustomer('refund_issued', { amountCents: refund.amountCents });
    },
  },
  commands: {
    ...Object.fromEntries(Object.values(S).map((status) => [status, commandsFor(status)])),
    ...refundDueCommands,
    [EX.awaitingConfirmation]: { confirm_resolution: ['customer', ...CASE_STAFF] },
    [EX.unresolved]: { confirm_resolution: ['customer', ...CASE_STAFF] },
  },
  checks: {
    convert_to_refund: (ctx) => {
      if (ctx.view.facts.convertedToRefund === true) throw commandRejected('already_converted', 'the exchange is already converted to a refund');
    },
    propose_remedy: (ctx, p) => {
      if (returnDetails(ctx).reason !== 'wrong_item') throw commandRejected('remedy_not_allowed', 'keeping the goods against a price difference is offered for a wrong item only');
      checkProposal(ctx, p, ['price_difference_refund']);
    },
    customer_decision: (ctx) => checkDecision(ctx),
  },
  handlers: {
    ...goodsReturnHandlers,
    ...refundDueHandlers,
    convert_to_refund: (ctx, p) => {
      ctx.setFact('convertedToRefund', true);
      ctx.record(p.actor, 'converted_to_refund', { reason: p.reason, evidence: p.evidence });
    },
    propose_remedy: (ctx, p) => proposeRemedy(ctx, p),
    customer_decision: (ctx, p) => {
      const agreed = decideRemedy(ctx, p);
      if (agreed) ctx.transition(p.actor, 'keeps_goods', EX.settling, { data: { amountCents: agreed.amountCents } });
    },
    confirm_resolution: (ctx, p) => {
      ctx.satisfyClock(CONFIRMATION_CLOCK);
      if (p.resolved) {
        ctx.close(p.actor, 'exchange_confirmed', 'exchanged', { reason: p.reason });
      } else if (ctx.status === EX.awaitingConfirmation) {
        ctx.escalate('senior_agent', p.reason ?? 'the customer reports the exchange did not resolve the problem', p.actor);
        ctx.transition(p.actor, 'exchange_disputed', EX.unresolved, { reason: p.reason });
      } else {
        ctx.record(p.actor, 'exchange_still_unresolved', { reason: p.reason });
      }
    },
  },
  clockActions: {
    ...goodsReturnClockActions,
    ...refundClockActions,
    ...remedyClockActions(() => undefined),
    [CONFIRMATION_CLOCK]: {
      breach: (ctx) => {
        if (ctx.status === EX.awaitingConfirmation) ctx.close(SYSTEM_ACTOR, 'closed_without_confirmation', 'exchanged', { reason: 'the customer did not confirm within the limit' });
      },
    },
  },
  onCourierEvent: onReturnShipmentEvent,
};
