/**
 * A remedy proposed to the customer (propose_remedy) and the customer's answer (customer_decision), shared by the
 * playbooks that settle without (or before) a return: partial refunds, price differences, reships of a part.
 * The pending and the agreed proposal are kept as facts; the customer's answer runs on the 'customer_decision' clock.
 */
import type { CommandPayloads } from '../../messages';
import { SYSTEM_ACTOR } from '../../domain/parties';
import { defineClock } from '../clock-definition';
import type { CaseContext } from '../context';
import { commandRejected } from '../playbook';

export type Remedy = CommandPayloads['propose_remedy']['remedy'];
export type RemedyItems = NonNullable<CommandPayloads['propose_remedy']['items']>;
export interface Proposal {
  remedy: Remedy;
  amountCents?: number;
  description: string;
  items?: RemedyItems;
}

const DECISION_CLOCK = 'customer_decision';
/** Remedies that pay the customer money and so need an amount, at most what was paid. */
const REFUNDS: readonly Remedy[] = ['partial_refund', 'price_difference_refund'];
/** Remedies where the customer owes money (keeping a dearer wrong item): an amount is needed, not bounded by what was paid. */
const CUSTOMER_OWES: readonly Remedy[] = ['price_difference_charge'];

export function pendingProposal(ctx: CaseContext): Proposal | undefined {
  return readProposal(ctx, 'pending');
}

export function agreedProposal(ctx: CaseContext): Proposal | undefined {
  return readProposal(ctx, 'agreed');
}

function readProposal(ctx: CaseContext, which: 'pending' | 'agreed'): Proposal | undefined {
  const raw = ctx.view.facts[`${which}Remedy`];
  return typeof raw === 'string' ? (JSON.parse(raw) as Proposal) : undefined;
}

/** The validator's part: the remedy is one this path allows, with a sensible amount, and nothing else is pending. */
export function checkProposal(ctx: CaseContext, p: CommandPayloads['propose_remedy'], allowed: readonly Remedy[]): void {
  if (!allowed.includes(p.remedy)) throw commandRejected('remedy_not_allowed', `remedy ${p.remedy} is not offered here; choose one of ${allowed.join(', ')}`);
  if (pendingProposal(ctx)) throw commandRejected('proposal_pending', 'a remedy is already awaiting the customer’s decision');
  const paid = ctx.requireOrder().paidAmountCents;
  if ((REFUNDS.includes(p.remedy) || CUSTOMER_OWES.includes(p.remedy)) && p.amountCents === undefined) throw commandRejected('amount_required', `${p.remedy} needs amountCents`);
  if (p.amountCents !== undefined && (!Number.isInteger(p.amountCents) || p.amountCents <= 0)) throw commandRejected('invalid_amount', 'amountCents must be a positive whole number');
  if (p.amountCents !== undefined && !CUSTOMER_OWES.includes(p.remedy) && p.amountCents > paid) {
    throw commandRejected('invalid_amount', `amountCents must be a whole number from 1 to the ${paid} paid`);
  }
  const skus = new Set(ctx.requireOrder().items.map((i) => i.sku));
  if (p.items?.some((i) => !skus.has(i.sku) || !Number.isInteger(i.quantity) || i.quantity <= 0)) {
    throw commandRejected('invalid_items', 'items must be skus of the order with positive quantities');
  }
}

export function checkDecision(ctx: CaseContext): void {
  if (!pendingProposal(ctx)) throw commandRejected('no_pending_proposal', 'there is no remedy awaiting the customer’s decision');
}

/** Records the proposal, starts the customer's decision clock and tells the customer (each proposal anew). */
export async function proposeRemedy(ctx: CaseContext, p: CommandPayloads['propose_remedy']): Promise<void> {
  const proposal: Proposal = { remedy: p.remedy, description: p.description, ...(p.amountCents !== undefined && { amountCents: p.amountCents }), ...(p.items && { items: p.items }) };
  ctx.setFact('pendingRemedy', JSON.stringify(proposal));
  ctx.startClock(CUSTOMER_DECISION);
  ctx.record(p.actor, 'remedy_proposed', { reason: p.reason ?? p.description, evidence: p.evidence, data: { ...proposal } });
  const nth = ctx.view.audit.filter((a) => a.action === 'remedy_proposed').length;
  await ctx.effects.notifyCustomer('remedy_proposed', { remedy: p.remedy, description: p.description, amountCents: p.amountCents ?? 0 }, `remedy_proposed:${nth}`);
}

/** Applies the customer's answer; returns the agreed proposal, or undefined when it was rejected. */
export function decideRemedy(ctx: CaseContext, p: CommandPayloads['customer_decision']): Proposal | undefined {
  const proposal = pendingProposal(ctx)!;
  delete ctx.view.facts.pendingRemedy;
  ctx.satisfyClock(DECISION_CLOCK);
  if (!p.accept) {
    ctx.record(p.actor, 'remedy_rejected', { reason: p.reason, data: { remedy: proposal.remedy } });
    return undefined;
  }
  ctx.setFact('agreedRemedy', JSON.stringify(proposal));
  ctx.record(p.actor, 'remedy_accepted', { reason: p.reason, data: { ...proposal } });
  return proposal;
}

/** The customer did not answer in time: the proposal lapses, then `onLapse` (e.g. close, or let the case go on). */
/** The customer answers a proposed remedy; when it lapses, the playbook says what follows (onRemedyLapse). */
export const CUSTOMER_DECISION = defineClock({
  name: DECISION_CLOCK,
  owner: 'customer',
  terms: (policy) => ({ limit: policy.customerConfirmationTimeout, breachAction: policy.customerConfirmationTimeoutAction }),
  breach: (ctx) => {
    if (!pendingProposal(ctx)) return;
    delete ctx.view.facts.pendingRemedy;
    ctx.record(SYSTEM_ACTOR, 'remedy_lapsed', { reason: 'the customer did not answer the proposed remedy in time' });
    ctx.playbook.onRemedyLapse?.(ctx);
  },
});
