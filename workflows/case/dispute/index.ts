/**
 * Disputes (纠纷处理: 纠纷受理 → 纠纷调查 → 纠纷裁决 → 申诉处理; spec §Kinds 8), wrapped around the return, exchange and
 * refund-only playbooks (withDisputes):
 * - request_intervention: the customer after a merchant's review rejection, an inspection rejection or a rejected
 *   remedy; the merchant against the customer's claim while it owes the step; within policy.interventionWindow of the
 *   event, once per party per case. The case goes to `in_dispute` (a closed case is reopened), its own running clocks
 *   pause, and each party gets an evidence clock (policy.disputeEvidence);
 * - submit_evidence satisfies the party's clock; a party silent at its deadline loses on the point (recorded in the
 *   ruling); request_info asks a party for specific evidence, pausing its clock only under policy.disputeInfoPausesClock,
 *   or the courier through its adapter (one idempotency key per request; its answer is recorded as evidence);
 * - rule_dispute (supervisor, once the evidence is in): responsible party, remedy, reasons; executed at once through the
 *   case's effects (refund at most once, reship, a charge against the responsible party), both parties told the reasons;
 * - appeal_ruling within policy.appealWindow (each party's own clock, dispute_appeal_<party>), once per party; rule_appeal by a supervisor who has not ruled in this
 *   dispute; its ruling is executed on top of what was done (a refund paid is not paid again, a charge it overturns is
 *   reversed as its own entry);
 * - once final: a ruling of no remedy resumes the case where it was (its clocks resume) or closes it again as it was;
 *   return_and_refund sends the goods back through the return path; a refund or reship closes the case.
 */
import { log } from '@temporalio/workflow';
import type { CommandPayloads, CourierEvent } from '../../messages';
import type { AuditEntry, CaseStatus } from '../../domain/case';
import type { Actor } from '../../domain/parties';
import { SYSTEM_ACTOR } from '../../domain/parties';
import { returnCourier } from '../../domain/partner-companies';
import type { z } from 'zod';
import type { Dispute, DisputeRuling, DISPUTE_PARTIES } from '../../contract/dispute';
import { workflowNow } from '../../clock-source';
import { addDuration } from '../../sla/calendar';
import { defineClock, type ClockDefinition } from '../clock-definition';
import { partnerActions } from '../activities';
import { COURIER_EVIDENCE_CLOCK_PATCH, DISPUTE_APPEAL_CLOCK_PATCH } from '../patches';
import { patchApplied } from '../patch-baseline';
import { CLOSED, errorMessage, partnerRefusal, type CaseContext } from '../context';
import { commandRejected, PLATFORM, type Playbook } from '../playbook';
import { approve } from '../steps/goods-return';
import { itemsValueCents } from '../steps/liability';

export const IN_DISPUTE = 'in_dispute' satisfies CaseStatus;
type DisputeParty = (typeof DISPUTE_PARTIES)[number];
type DisputeRecord = z.infer<typeof Dispute>;
type Ruling = z.infer<typeof DisputeRuling>;

/** Events after which the customer may ask the platform to intervene. */
const CUSTOMER_TRIGGERS = ['merchant_rejected', 'inspection_rejected', 'remedy_rejected'];
/** Statuses in which the merchant owes a step on the customer's claim, and may dispute the claim instead. */
const MERCHANT_CLAIM_STATUSES = ['awaiting_merchant_review', 'awaiting_inspection', 'refund_due', 'awaiting_remedy', 'awaiting_remedy_agreement'];
/** Statuses (besides closed) where a customer's trigger can leave the case open: a remedy was rejected. */
const CUSTOMER_OPEN_STATUSES = ['awaiting_remedy', 'awaiting_remedy_agreement', 'awaiting_senior_review'];

const evidenceClockName = (party: DisputeParty) => `dispute_evidence_${party}`;

const evidenceClock = (party: DisputeParty) =>
  defineClock({
    name: evidenceClockName(party),
    owner: party,
    terms: (policy) => ({ limit: policy.disputeEvidence, breachAction: 'loses_on_point' }),
    breach: (ctx) => {
      const d = disputeOf(ctx);
      if (!d || d.phase !== 'evidence') return;
      if (!d.silentParties.includes(party)) d.silentParties.push(party);
      // The point is lost: nothing is owed any more on this clock (its open breach closes).
      ctx.satisfyClock(evidenceClockName(party));
      ctx.record(SYSTEM_ACTOR, 'evidence_deadline_missed', { reason: `the ${party} submitted no evidence by its deadline and loses on the point in question`, data: { party } });
      closeEvidence(ctx);
    },
  });

const EVIDENCE_CLOCKS = { customer: evidenceClock('customer'), merchant: evidenceClock('merchant') } satisfies Record<DisputeParty, ClockDefinition>;

/** The platform rules (or re-reviews an appeal) once the evidence is in; late → on-call is paged. */
const DISPUTE_RULING = defineClock({
  name: 'dispute_ruling',
  owner: 'platform',
  terms: (policy) => ({ limit: policy.disputeRuling, breachAction: 'page_on_call' }),
  breach: (ctx) => ctx.effects.page('high', `dispute_ruling_overdue_${disputeOf(ctx)?.rulings.length ?? 0}`, `Case ${ctx.caseId}: the dispute awaits the platform's ruling past its deadline.`),
});

const appealClockName = (party: DisputeParty) => `dispute_appeal_${party}`;

/**
 * A party's appeal window (policy.appealWindow) against the last ruling, owned by the party: it shows in the queues and
 * the stuck-case view like every deadline. The dispute's step ends it at its deadline (cancelled: letting the window
 * lapse is no one's lateness, so it is never breached); the breach below only runs if a wait ever arms its timer.
 */
const appealClock = (party: DisputeParty) =>
  defineClock({
    name: appealClockName(party),
    owner: party,
    terms: (policy) => ({ limit: policy.appealWindow, breachAction: 'ruling_final' }),
    breach: (ctx) => {
      ctx.satisfyClock(appealClockName(party));
    },
  });

const APPEAL_CLOCKS = { customer: appealClock('customer'), merchant: appealClock('merchant') } satisfies Record<DisputeParty, ClockDefinition>;

/**
 * The courier owes the answers to the platform's requests for evidence, counted from the oldest it has not answered
 * (COURIER_EVIDENCE_CLOCK_PATCH); late → the platform is told, and the request stays open to a late answer.
 */
const COURIER_EVIDENCE = defineClock({
  name: 'dispute_courier_evidence',
  owner: 'courier',
  terms: (policy) => ({ limit: policy.disputeCourierEvidence, breachAction: 'escalate_to_platform' }),
  breach: (ctx, clock) => ctx.escalate('platform', 'the courier has not answered the platform’s request for evidence by its deadline', SYSTEM_ACTOR, clock.name),
});

export const DISPUTE_CLOCKS: readonly ClockDefinition[] = [EVIDENCE_CLOCKS.customer, EVIDENCE_CLOCKS.merchant, DISPUTE_RULING, APPEAL_CLOCKS.customer, APPEAL_CLOCKS.merchant, COURIER_EVIDENCE];

/** Ends the appeal clocks still open (an appeal was made, or the window lapsed). */
function endAppealClocks(ctx: CaseContext): void {
  for (const party of ['customer', 'merchant'] as const) {
    const status = ctx.clocks.get(appealClockName(party))?.status;
    if (status === 'running' || status === 'paused') ctx.clocks.cancel(appealClockName(party));
  }
}

export function disputeOf(ctx: CaseContext): DisputeRecord | undefined {
  return ctx.view.dispute;
}

function requireDispute(ctx: CaseContext): DisputeRecord {
  const d = disputeOf(ctx);
  if (!d || ctx.status !== IN_DISPUTE) throw commandRejected('invalid_transition', 'the case has no open dispute');
  return d;
}

const partyOf = (actor: Actor): DisputeParty => actor.role as DisputeParty;

/** The event a party's intervention answers, or a refusal saying why there is none. */
function interventionTrigger(ctx: CaseContext, party: DisputeParty): AuditEntry {
  const audit = ctx.view.audit;
  if (party === 'customer') {
    const last = [...audit].reverse().find((a) => CUSTOMER_TRIGGERS.includes(a.action));
    const fits = last && (ctx.closed ? last.toStatus === CLOSED && ctx.view.closedAt === last.at : CUSTOMER_OPEN_STATUSES.includes(ctx.status) && last.action === 'remedy_rejected');
    if (!last || !fits) throw commandRejected('nothing_to_dispute', 'the customer may ask for intervention after a merchant or inspection rejection, or a rejected remedy');
    return last;
  }
  if (ctx.closed || !MERCHANT_CLAIM_STATUSES.includes(ctx.status)) {
    throw commandRejected('nothing_to_dispute', `the merchant may dispute the customer's claim while it owes the step (${MERCHANT_CLAIM_STATUSES.join(', ')})`);
  }
  const entered = [...audit].reverse().find((a) => a.toStatus === ctx.status && a.fromStatus !== a.toStatus);
  if (!entered) throw commandRejected('nothing_to_dispute', 'the claim has not reached the merchant');
  return entered;
}

function windowEnd(ctx: CaseContext, from: number): number {
  return addDuration(from, ctx.policy.interventionWindow, ctx.policy.calendar);
}

/**
 * Until when a closed case stays open to the customer's intervention (undefined when it cannot be asked): the run keeps
 * the case's workflow alive to then (DISPUTE_WINDOW_PATCH).
 */
export function interventionOpenUntil(ctx: CaseContext): number | undefined {
  if (!ctx.closed || ctx.view.dispute?.interventions.some((i) => i.party === 'customer')) return undefined;
  try {
    const end = windowEnd(ctx, interventionTrigger(ctx, 'customer').at);
    return end > workflowNow() ? end : undefined;
  } catch {
    return undefined;
  }
}

function checkIntervention(ctx: CaseContext, p: CommandPayloads['request_intervention']): void {
  const party = partyOf(p.actor);
  if (ctx.view.dispute?.interventions.some((i) => i.party === party)) throw commandRejected('already_requested', `the ${party} has already asked the platform to intervene on this case`);
  refuseWhileDisputeOpen(ctx);
  const trigger = interventionTrigger(ctx, party);
  const end = windowEnd(ctx, trigger.at);
  if (workflowNow() > end) {
    throw commandRejected('intervention_window_passed', `intervention had to be asked by ${new Date(end).toISOString()} (policy interventionWindow after ${trigger.action})`);
  }
}

/** While a dispute is open the platform is already intervening, whoever asked: a second request is already_requested. */
function refuseWhileDisputeOpen(ctx: CaseContext): void {
  const d = disputeOf(ctx);
  if (!d || ctx.status !== IN_DISPUTE) return;
  const askedBy = d.interventions[d.interventions.length - 1]?.party ?? d.openedBy.role;
  throw commandRejected('already_requested', `the platform is already intervening in this case (asked by the ${askedBy}); send evidence with submit_evidence`);
}

/** An appeal once the dispute has left in_dispute: the window of its last ruling has closed (or the party appealed). */
function refuseLateAppeal(ctx: CaseContext, p: CommandPayloads['appeal_ruling']): void {
  const d = disputeOf(ctx);
  if (!d || d.rulings.length === 0 || ctx.status === IN_DISPUTE) return;
  const party = partyOf(p.actor);
  if (d.appeals.some((a) => a.party === party)) throw commandRejected('already_appealed', `the ${party} has already appealed in this dispute`);
  const until = d.appealDeadline === undefined ? '' : `: the appeal had to be made by ${new Date(d.appealDeadline).toISOString()}`;
  throw commandRejected('appeal_window_closed', `the ruling is final${until}`);
}

async function openDispute(ctx: CaseContext, p: CommandPayloads['request_intervention']): Promise<void> {
  const party = partyOf(p.actor);
  const trigger = interventionTrigger(ctx, party);
  const now = workflowNow();
  const wasClosed = ctx.closed;
  const priorOutcome = ctx.view.outcome;
  const d: DisputeRecord = {
    openedAt: now,
    openedBy: p.actor,
    trigger: trigger.action,
    reason: p.reason,
    phase: 'evidence',
    ...(wasClosed ? { priorOutcome } : { resumeStatus: ctx.status }),
    pausedClocks: [],
    interventions: [...(ctx.view.dispute?.interventions ?? []), { party, at: now }],
    submissions: [],
    silentParties: [],
    infoRequests: [],
    appeals: [],
    rulings: [],
  };
  ctx.view.dispute = d;
  if (wasClosed) ctx.reopen();
  for (const clock of ctx.clocks.snapshot()) {
    if (clock.status === 'running' && ctx.pauseClock(clock.name, 'the platform is intervening', SYSTEM_ACTOR)) d.pausedClocks.push(clock.name);
  }
  ctx.startClock(EVIDENCE_CLOCKS.customer);
  ctx.startClock(EVIDENCE_CLOCKS.merchant);
  ctx.transition(p.actor, 'intervention_requested', IN_DISPUTE, { reason: p.reason, evidence: p.evidence, data: { party, trigger: trigger.action, reopened: wasClosed } });
  ctx.escalate('platform', `the ${party} asked the platform to intervene after ${trigger.action}`, p.actor);
  const deadline = ctx.clocks.get(evidenceClockName('customer'))?.deadline ?? now;
  const n = d.interventions.length;
  await ctx.effects.notifyCustomer('dispute_opened', { requestedBy: party, evidenceDeadline: deadline }, `dispute_opened:${n}`);
  await ctx.effects.notifyMerchant(`dispute_opened_${n}`, `Case ${ctx.caseId}: the ${party} asked the platform to intervene. Submit your evidence by ${new Date(deadline).toISOString()}.`);
}

/** Both evidence clocks are done (submitted or missed): the platform's ruling clock starts. */
function closeEvidence(ctx: CaseContext): void {
  const d = disputeOf(ctx)!;
  if (d.phase !== 'evidence') return;
  const open = (['customer', 'merchant'] as const).filter((party) => {
    const status = ctx.clocks.get(evidenceClockName(party))?.status;
    return status === 'running' || status === 'paused';
  });
  if (open.length > 0) return;
  d.phase = 'awaiting_ruling';
  ctx.startClock(DISPUTE_RULING);
  ctx.record(SYSTEM_ACTOR, 'dispute_evidence_closed', { data: { silentParties: d.silentParties, submissions: d.submissions.length } });
}

function checkRuling(ctx: CaseContext, p: CommandPayloads['rule_dispute']): void {
  const paid = ctx.requireOrder().paidAmountCents;
  if (p.remedy === 'partial_refund' && (p.amountCents === undefined || p.amountCents > paid)) {
    throw commandRejected('invalid_amount', `a partial refund needs amountCents from 1 to the ${paid} paid`);
  }
  if (p.remedy === 'return_and_refund' && ctx.input.kind !== 'return') throw commandRejected('remedy_not_allowed', 'return_and_refund is for return cases; rule a refund instead');
  const skus = new Set(ctx.requireOrder().items.map((i) => i.sku));
  if (p.items?.some((i) => !skus.has(i.sku))) throw commandRejected('invalid_items', 'items must be skus of the order');
}

function addRuling(ctx: CaseContext, p: CommandPayloads['rule_dispute'], stage: Ruling['stage']): void {
  const d = disputeOf(ctx)!;
  const ruling: Ruling = {
    stage,
    by: p.actor,
    at: workflowNow(),
    responsibleParty: p.responsibleParty,
    remedy: p.remedy,
    ...(p.amountCents !== undefined && { amountCents: p.amountCents }),
    ...(p.items && { items: p.items }),
    reasons: p.reasons,
    silentParties: [...d.silentParties],
    executed: false,
  };
  d.rulings.push(ruling);
  ctx.satisfyClock(DISPUTE_RULING.name);
  ctx.record(p.actor, stage === 'ruling' ? 'dispute_ruled' : 'appeal_ruled', { reason: p.reasons, evidence: p.evidence, data: { ...ruling } });
}

const pendingRuling = (d: DisputeRecord | undefined) => d?.rulings.find((r) => !r.executed);
type InfoRequest = DisputeRecord['infoRequests'][number];
const COURIER: Actor = { id: 'courier', role: 'courier' };

/**
 * Asks the courier through its adapter for the evidence the platform requested (retried through its faults under one
 * key per request), beside the dispute's progress: its evidence clocks keep running while the courier is slow or down.
 * The answer goes into the request and the audit trail as evidence; a refusal (or any other failure) is recorded. A
 * courier that takes the request to answer later names it (evidenceRequestId) and answers by its callback.
 */
async function askCourier(ctx: CaseContext, req: InfoRequest, n: number): Promise<void> {
  try {
    const answer = await partnerActions.requestCourierEvidence({
      idempotencyKey: `${ctx.caseId}:courier-evidence:${n}`,
      caseId: ctx.caseId,
      orderId: ctx.requireOrder().orderId,
      trackingNumber: req.trackingNumber!,
      request: req.request,
      companyId: req.trackingNumber === ctx.view.returnTrackingNumber ? returnCourier(ctx.view) : ctx.company('courier'),
    });
    if ('status' in answer) {
      req.evidenceRequestId = answer.evidenceRequestId;
      ctx.record(COURIER, 'courier_evidence_pending', { reason: req.request, data: { request: n, evidenceRequestId: answer.evidenceRequestId, trackingNumber: req.trackingNumber } });
      return;
    }
    recordCourierAnswer(ctx, req, answer, { request: n });
  } catch (err) {
    const message = partnerRefusal(err)?.message ?? errorMessage(err);
    req.refused = message;
    settleCourierClock(ctx);
    ctx.record(SYSTEM_ACTOR, 'courier_evidence_refused', { reason: message, data: { request: n, trackingNumber: req.trackingNumber } });
  }
}

type CourierAnswer = Pick<NonNullable<InfoRequest['answer']>, 'evidenceId' | 'kind' | 'uri' | 'events'> & { trackingNumber: string };

function recordCourierAnswer(ctx: CaseContext, req: InfoRequest, answer: CourierAnswer, data: Record<string, unknown>): void {
  req.answer = { at: workflowNow(), evidenceId: answer.evidenceId, kind: answer.kind, uri: answer.uri, events: answer.events };
  settleCourierClock(ctx);
  ctx.record(COURIER, 'courier_evidence_received', {
    reason: req.request,
    evidence: [{ kind: 'tracking', uri: answer.uri, note: `${answer.kind} of ${answer.trackingNumber}` }],
    data: { ...data, evidenceId: answer.evidenceId, trackingNumber: answer.trackingNumber, kind: answer.kind, events: answer.events },
  });
}

/** The courier's requests of the case it has neither answered nor refused, oldest first. */
const openCourierRequests = (ctx: CaseContext) => (disputeOf(ctx)?.infoRequests ?? []).filter((r) => r.party === 'courier' && !r.answer && r.refused === undefined);

/** A courier request was made: the courier's clock runs unless it already runs for an older one. */
function startCourierClock(ctx: CaseContext): void {
  if (ctx.clocks.get(COURIER_EVIDENCE.name)?.status !== 'running') ctx.startClock(COURIER_EVIDENCE);
}

/**
 * A courier request was answered or refused: with none left open the clock is satisfied (a breached one records when),
 * else a running clock counts again from the oldest still open. A case without the clock (before the patch) has none.
 * Called before the audit entry of the answer, which publishes it (a breached clock satisfied late does not).
 */
function settleCourierClock(ctx: CaseContext): void {
  const status = ctx.clocks.get(COURIER_EVIDENCE.name)?.status;
  if (status !== 'running' && status !== 'breached') return;
  const [oldest] = openCourierRequests(ctx);
  if (!oldest) ctx.satisfyClock(COURIER_EVIDENCE.name);
  else if (status === 'running') ctx.startClock(COURIER_EVIDENCE, { countedFrom: oldest.at });
}

/** The courier's later answer (courier event `evidence`) to a request it took to answer later. */
function receiveCourierEvidence(ctx: CaseContext, event: Extract<CourierEvent, { event: 'evidence' }>): void {
  if (!patchApplied(COURIER_EVIDENCE_CLOCK_PATCH)) return;
  const req = openCourierRequests(ctx).find((r) => r.evidenceRequestId === event.evidenceRequestId);
  if (!req) {
    log.warn('courier evidence for no open request dropped', { caseId: ctx.caseId, evidenceRequestId: event.evidenceRequestId });
    return;
  }
  recordCourierAnswer(ctx, req, event, { evidenceRequestId: event.evidenceRequestId, via: 'callback' });
}

/** The total a ruling refunds through the dispute (return_and_refund refunds through the return path). */
function refundTarget(ctx: CaseContext, r: Ruling): number {
  if (r.remedy === 'full_refund') return ctx.requireOrder().paidAmountCents;
  if (r.remedy === 'partial_refund') return r.amountCents ?? 0;
  return 0;
}

/**
 * What the responsible party is charged: the reship, or the refund the ruling orders as far as the dispute paid it
 * (a platform decision on a refused refund may pay less); a return's refund is settled by the return path.
 */
function costOf(ctx: CaseContext, r: Ruling): number {
  if (r.remedy === 'reship') return itemsValueCents(ctx, reshipItems(ctx, r));
  const paid = ctx.view.refunds.filter((x) => x.reason.startsWith('dispute_') && (x.status === 'succeeded' || x.status === 'settled_offline')).reduce((sum, x) => sum + x.amountCents, 0);
  return Math.min(refundTarget(ctx, r), paid);
}

const reshipItems = (ctx: CaseContext, r: Ruling) => r.items ?? ctx.requireOrder().items.map((i) => ({ sku: i.sku, quantity: i.quantity }));

const isDisputeCharge = (reason: string) => reason === 'dispute_ruling' || reason === 'dispute_appeal';

/** Executes a ruling on top of what the dispute already did; nothing that cannot be undone is undone. */
async function executeRuling(ctx: CaseContext, r: Ruling): Promise<void> {
  const n = disputeOf(ctx)!.rulings.indexOf(r) + 1;
  const refunded = ctx.view.refunds.filter((x) => x.reason.startsWith('dispute_') && x.status !== 'failed').reduce((sum, x) => sum + x.amountCents, 0);
  const target = refundTarget(ctx, r);
  if (target > refunded) {
    await ctx.effects.refund(target - refunded, `dispute_refund_${n}`);
  } else if (target < refunded) {
    ctx.record(SYSTEM_ACTOR, 'refund_not_reversed', { reason: 'a refund already paid is not taken back', data: { refundedCents: refunded, rulingCents: target } });
  }
  if (r.remedy === 'reship' && !ctx.view.reships.some((x) => x.reason.startsWith('dispute_') && x.status === 'succeeded')) {
    try {
      await ctx.effects.reship(reshipItems(ctx, r), `dispute_reship_${n}`);
    } catch (err) {
      const refusal = partnerRefusal(err);
      if (!refusal) throw err;
      ctx.escalate('platform', `the ERP refused the reship the ruling ordered: ${refusal.message}`);
    }
  }
  // Charges: the responsible party (never the customer) bears the remedy's cost; an overturned charge is reversed as its own entry.
  const cost = costOf(ctx, r);
  const chargeable = r.responsibleParty !== 'customer' && cost > 0;
  const live = ctx.view.charges.filter((c) => isDisputeCharge(c.reason) && !ctx.view.charges.some((x) => x.key === `${c.key}:reversed`));
  let kept = false;
  for (const c of live) {
    if (chargeable && c.party === r.responsibleParty && c.amountCents === cost) {
      kept = true;
      continue;
    }
    ctx.view.charges.push({ party: c.party, amountCents: -c.amountCents, reason: `${c.reason}_reversed`, key: `${c.key}:reversed`, ...(c.companyId && { companyId: c.companyId }) });
    ctx.record(SYSTEM_ACTOR, 'charge_reversed', { reason: 'the ruling was overturned on appeal', data: { party: c.party, amountCents: -c.amountCents, reverses: c.key } });
  }
  // A courier ruled responsible once the goods went back with a courier of their own is that courier (its return leg).
  const legCourier = r.responsibleParty === 'courier' && ctx.view.returnTrackingNumber ? ctx.view.returnCourierId : undefined;
  if (chargeable && !kept) ctx.charge(r.responsibleParty as Exclude<Ruling['responsibleParty'], 'customer'>, cost, r.stage === 'ruling' ? 'dispute_ruling' : 'dispute_appeal', legCourier);
  r.executed = true;
  ctx.record(SYSTEM_ACTOR, 'ruling_executed', { reason: r.reasons, data: { stage: r.stage, remedy: r.remedy, responsibleParty: r.responsibleParty } });
  const vars = { stage: r.stage, remedy: r.remedy, responsibleParty: r.responsibleParty, reasons: r.reasons, silentParties: r.silentParties.join(',') };
  await ctx.effects.notifyCustomer('dispute_ruled', vars, `dispute_ruled:${n}`);
  await ctx.effects.notifyMerchant(`dispute_ruled_${n}`, `Case ${ctx.caseId}: the platform ruled (${r.stage}): ${r.remedy}, responsible ${r.responsibleParty}. Reasons: ${r.reasons}`);
  const d = disputeOf(ctx)!;
  const canAppeal = (['customer', 'merchant'] as const).some((party) => !d.appeals.some((a) => a.party === party));
  if (canAppeal) {
    d.phase = 'appeal_window';
    d.appealDeadline = addDuration(workflowNow(), ctx.policy.appealWindow, ctx.policy.calendar);
    if (patchApplied(DISPUTE_APPEAL_CLOCK_PATCH)) {
      for (const party of ['customer', 'merchant'] as const) {
        if (d.appeals.some((a) => a.party === party)) continue;
        ctx.startClock(APPEAL_CLOCKS[party]);
        d.appealDeadline = ctx.clocks.get(appealClockName(party))!.deadline;
      }
    }
  } else {
    d.phase = 'final';
  }
  ctx.publish();
}

/** The ruling is final: the case resumes where it was, closes, or goes into the return path. */
function conclude(ctx: CaseContext): void {
  const d = disputeOf(ctx)!;
  const r = d.rulings[d.rulings.length - 1];
  const data = { remedy: r.remedy, responsibleParty: r.responsibleParty, rulings: d.rulings.length };
  // The ruling is final: the courier's evidence is owed no more (an answer still coming is recorded).
  ctx.clocks.cancel(COURIER_EVIDENCE.name);
  if (r.remedy === 'none' && d.resumeStatus) {
    for (const name of d.pausedClocks) ctx.resumeClock(name, 'the dispute is over');
    ctx.transition(SYSTEM_ACTOR, 'dispute_concluded', d.resumeStatus as CaseStatus, { reason: r.reasons, data });
    return;
  }
  for (const name of d.pausedClocks) if (ctx.clocks.get(name)?.status === 'paused') ctx.clocks.cancel(name);
  if (r.remedy === 'return_and_refund') {
    approve(ctx, SYSTEM_ACTOR, undefined, 'dispute_concluded');
    return;
  }
  const outcomes: Record<Ruling['remedy'], string> = { full_refund: 'refunded', partial_refund: 'partially_refunded', reship: 'reshipped', return_and_refund: 'refunded', none: d.priorOutcome ?? 'dispute_rejected' };
  ctx.close(SYSTEM_ACTOR, 'dispute_concluded', outcomes[r.remedy], { reason: r.reasons, data });
}

async function disputeStep(ctx: CaseContext): Promise<void> {
  const d = disputeOf(ctx)!;
  await ctx.waitUntil(() => ctx.status !== IN_DISPUTE || pendingRuling(d) !== undefined || d.phase === 'appeal_window' || d.phase === 'final');
  if (ctx.status !== IN_DISPUTE) return;
  const ruling = pendingRuling(d);
  if (ruling) return executeRuling(ctx, ruling);
  if (d.phase === 'appeal_window') {
    const appealed = await ctx.waitUntilOrAt(() => d.phase !== 'appeal_window', d.appealDeadline!);
    if (!appealed) {
      d.phase = 'final';
      endAppealClocks(ctx);
      ctx.record(SYSTEM_ACTOR, 'appeal_window_lapsed', { reason: 'no appeal within the appeal window: the ruling is final' });
    }
    return;
  }
  conclude(ctx);
}

const PARTIES_ROLES = ['customer', 'merchant'] as const;

/** A playbook with disputes: request_intervention where it can be asked, and the in_dispute status. */
export function withDisputes(base: Playbook): Playbook {
  const used = new Set([...Object.keys(base.steps), ...Object.keys(base.commands)]);
  const commands: Playbook['commands'] = { ...base.commands };
  for (const status of [CLOSED, ...CUSTOMER_OPEN_STATUSES, ...MERCHANT_CLAIM_STATUSES]) {
    if (status !== CLOSED && !used.has(status)) continue;
    const roles = [...(status === CLOSED || CUSTOMER_OPEN_STATUSES.includes(status) ? ['customer' as const] : []), ...(MERCHANT_CLAIM_STATUSES.includes(status) ? ['merchant' as const] : [])];
    commands[status as CaseStatus] = { ...base.commands[status as CaseStatus], request_intervention: roles };
  }
  commands[IN_DISPUTE] = { submit_evidence: PARTIES_ROLES, request_info: PLATFORM, rule_dispute: PLATFORM, appeal_ruling: PARTIES_ROLES, rule_appeal: PLATFORM };
  return {
    ...base,
    steps: { ...base.steps, [IN_DISPUTE]: disputeStep },
    commands,
    explainRefusal: {
      ...base.explainRefusal,
      request_intervention: refuseWhileDisputeOpen,
      appeal_ruling: refuseLateAppeal,
    },
    checks: {
      ...base.checks,
      request_intervention: checkIntervention,
      submit_evidence: (ctx) => {
        const d = requireDispute(ctx);
        if (d.phase !== 'evidence' && d.phase !== 'awaiting_ruling') throw commandRejected('evidence_closed', 'the dispute has been ruled; appeal the ruling instead');
      },
      request_info: (ctx, p) => {
        const d = requireDispute(ctx);
        if (d.phase !== 'evidence' && d.phase !== 'awaiting_ruling') throw commandRejected('evidence_closed', 'the dispute has been ruled');
        if (p.party === 'courier' && !(p.trackingNumber ?? ctx.view.returnTrackingNumber)) {
          throw commandRejected('tracking_number_required', 'the case has no parcel of its own: name the trackingNumber the courier is asked about', 'trackingNumber');
        }
      },
      rule_dispute: (ctx, p) => {
        const d = requireDispute(ctx);
        if (d.rulings.length > 0) throw commandRejected('already_ruled', 'the dispute has been ruled; a change goes through an appeal');
        if (d.phase !== 'awaiting_ruling') throw commandRejected('evidence_open', 'the parties’ evidence deadlines have not all passed or been met');
        checkRuling(ctx, p);
      },
      appeal_ruling: (ctx, p) => {
        const d = requireDispute(ctx);
        const party = partyOf(p.actor);
        if (d.appeals.some((a) => a.party === party)) throw commandRejected('already_appealed', `the ${party} has already appealed in this dispute`);
        if (d.phase !== 'appeal_window') throw commandRejected('appeal_window_closed', 'there is no ruling open to appeal');
        if (workflowNow() > d.appealDeadline!) throw commandRejected('appeal_window_closed', `the appeal had to be made by ${new Date(d.appealDeadline!).toISOString()}`);
      },
      rule_appeal: (ctx, p) => {
        const d = requireDispute(ctx);
        if (d.phase !== 'appeal_review' || pendingRuling(d)) throw commandRejected('invalid_transition', 'no appeal awaits a re-review');
        if (d.rulings.some((r) => r.by.id === p.actor.id)) throw commandRejected('same_reviewer', 'the re-review must be done by a supervisor who has not ruled in this dispute');
        checkRuling(ctx, p);
      },
    },
    handlers: {
      ...base.handlers,
      request_intervention: (ctx, p) => openDispute(ctx, p),
      submit_evidence: (ctx, p) => {
        const d = disputeOf(ctx)!;
        const party = partyOf(p.actor);
        d.submissions.push({ party, at: workflowNow(), actor: p.actor, note: p.note, ...(p.evidence && { evidence: p.evidence }) });
        ctx.satisfyClock(evidenceClockName(party));
        ctx.record(p.actor, 'evidence_submitted', { reason: p.note, evidence: p.evidence, data: { party } });
        closeEvidence(ctx);
      },
      request_info: async (ctx, p) => {
        const d = disputeOf(ctx)!;
        if (p.party === 'courier') {
          // The courier is asked beside the case (askCourier): the command answers at once.
          const trackingNumber = (p.trackingNumber ?? ctx.view.returnTrackingNumber)!;
          const req: InfoRequest = { party: 'courier', at: workflowNow(), request: p.request, pausedClock: false, trackingNumber };
          d.infoRequests.push(req);
          if (patchApplied(COURIER_EVIDENCE_CLOCK_PATCH)) startCourierClock(ctx);
          ctx.record(p.actor, 'info_requested', { reason: p.request, data: { party: 'courier', trackingNumber, pausedClock: false } });
          // Numbered across the case (a later dispute on it has its own requests): one effect and one key per request.
          const n = ctx.view.audit.filter((a) => a.action === 'info_requested' && a.data?.party === 'courier').length;
          return ctx.effects.alongside(`courier-evidence:${n}`, 'courier', () => askCourier(ctx, req, n));
        }
        const party = p.party;
        const paused = ctx.policy.disputeInfoPausesClock && ctx.pauseClock(evidenceClockName(party), `waiting for the ${party}'s answer to the platform's request`, p.actor);
        d.infoRequests.push({ party, at: workflowNow(), request: p.request, pausedClock: paused });
        ctx.record(p.actor, 'info_requested', { reason: p.request, data: { party, pausedClock: paused } });
        const n = d.infoRequests.length;
        if (party === 'customer') await ctx.effects.notifyCustomer('dispute_info_requested', { request: p.request }, `dispute_info:${n}`);
        else await ctx.effects.notifyMerchant(`dispute_info_${n}`, `Case ${ctx.caseId}: the platform asks for evidence: ${p.request}`);
      },
      rule_dispute: (ctx, p) => addRuling(ctx, p, 'ruling'),
      appeal_ruling: (ctx, p) => {
        const d = disputeOf(ctx)!;
        const party = partyOf(p.actor);
        d.appeals.push({ party, at: workflowNow(), reason: p.reason });
        d.phase = 'appeal_review';
        ctx.satisfyClock(appealClockName(party));
        endAppealClocks(ctx);
        ctx.startClock(DISPUTE_RULING);
        ctx.record(p.actor, 'ruling_appealed', { reason: p.reason, evidence: p.evidence, data: { party } });
      },
      rule_appeal: (ctx, p) => addRuling(ctx, p, 'appeal'),
    },
    onPartnerEvent: { ...base.onPartnerEvent, courier: (ctx, event) => (event.event === 'evidence' ? receiveCourierEvidence(ctx, event) : base.onPartnerEvent?.courier?.(ctx, event)) },
    clocks: [...base.clocks, ...DISPUTE_CLOCKS],
  };
}
