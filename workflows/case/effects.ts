/**
 * What a case does to the world, each with its idempotency protocol: refunds and reships keep a record (and its key)
 * in the view before the partner is called, so a retry, a restarted worker or a continue-as-new reuses the key; messages
 * and pages run beside the case's progress once per case and key, one lane per recipient.
 */
import { ApplicationFailure, condition, log } from '@temporalio/workflow';
import type { RefundRecord, ReshipRecord } from '../domain/case';
import type { Actor, Party } from '../domain/parties';
import type { PaymentEvent } from '../messages';
import { SYSTEM_ACTOR } from '../domain/parties';
import { returnCourier } from '../domain/partner-companies';
import { notifications, partnerActions } from './activities';
import type { CaseContext } from './context';
import { errorMessage, partnerRefusal, refundRefusal } from './errors';
import { REFUND_REFUSAL_PATCH, RESHIP_REFUSAL_PATCH, SIDE_EFFECTS_BESIDE_PATCH } from './patches';
import { patchApplied } from './patch-baseline';

export class CaseEffects {
  private readonly doneEffects: Set<string>;
  /** Side effects running beside the case's progress, by effect name. */
  private readonly sideEffects = new Map<string, Promise<void>>();
  /** The last side effect started per recipient. */
  private readonly lanes = new Map<string, Promise<void>>();

  constructor(
    private readonly ctx: CaseContext,
    doneEffects: string[] = [],
  ) {
    this.doneEffects = new Set(doneEffects);
  }

  private get caseId(): string {
    return this.ctx.caseId;
  }

  /** The effects done so far, carried across continue-as-new. */
  done(): string[] {
    return [...this.doneEffects];
  }

  /** Runs a side effect once per case, even across continue-as-new. */
  async once(effect: string, run: () => Promise<void>): Promise<void> {
    if (this.doneEffects.has(effect)) return;
    await run();
    this.doneEffects.add(effect);
  }

  /**
   * Starts a side effect that must not hold up the case (a message), once per case, and returns at once; `run` records
   * its own failure. Effects in one lane (one recipient) run one after another, so a customer never gets the survey
   * before the message that came first. Without the patch marker (older histories) it is awaited in place, as it was:
   * not an async function, so that path keeps the old promise chain step for step.
   */
  private beside(effect: string, lane: string, run: () => Promise<void>): Promise<void> {
    if (!patchApplied(SIDE_EFFECTS_BESIDE_PATCH)) return this.once(effect, run);
    if (this.doneEffects.has(effect) || this.sideEffects.has(effect)) return Promise.resolve();
    const running = (this.lanes.get(lane) ?? Promise.resolve())
      .then(run)
      .catch((err) => log.warn('side effect failed', { caseId: this.caseId, effect, error: errorMessage(err) }))
      .finally(() => {
        this.doneEffects.add(effect);
        this.sideEffects.delete(effect);
      });
    this.sideEffects.set(effect, running);
    this.lanes.set(lane, running);
    return Promise.resolve();
  }

  /**
   * Asks a partner for something beside the case's progress, once per case and key (the courier's evidence in a
   * dispute): its clocks keep firing while the partner is slow or down. `run` records its answer and its failure.
   */
  alongside(effect: string, lane: string, run: () => Promise<void>): Promise<void> {
    return this.beside(effect, lane, run);
  }

  /** Resolves once every side effect started so far has finished (before continue-as-new and completion). */
  async settled(): Promise<void> {
    await condition(() => this.sideEffects.size === 0);
  }

  /**
   * Issues a refund to the original payment method. The record (and its idempotency key) is written before the
   * call, so every retry, worker restart or continue-as-new reuses the same key: the refund happens at most once.
   *
   * When the payment partner refuses it (a business refusal, e.g. more than is refundable on the order) the case does
   * not fail: the record is marked failed, the refusal is audited ('refund_refused'), the case is escalated to the
   * platform, flagged and on-call paged, and the refund waits (SLA clocks still firing) for the platform's decision
   * (resolve_blocked_refund). A retry is a new record with a new key (the refused key would only replay the refusal);
   * a refund settled offline closes the refused record with the transfer's reference and calls no partner. Either way
   * this returns as after a refund issued at once, so every caller carries on unchanged.
   */
  async refund(amountCents: number, reason: string, onBehalfOfMerchant = false): Promise<RefundRecord> {
    let record = this.currentRefund(reason);
    if (!record) {
      record = { idempotencyKey: `${this.caseId}:refund:${this.ctx.view.refunds.length + 1}`, amountCents, reason, status: 'pending', onBehalfOfMerchant };
      this.ctx.view.refunds.push(record);
      this.ctx.publish();
    }
    for (;;) {
      if (record.status === 'succeeded') return record;
      if (record.status === 'settled_offline') {
        if (onBehalfOfMerchant) this.ctx.charge('merchant', record.amountCents, 'refund_paid_on_behalf_of_merchant');
        return record;
      }
      const order = this.ctx.requireOrder();
      let result: Awaited<ReturnType<typeof partnerActions.issueRefund>>;
      try {
        result = await partnerActions.issueRefund({
          idempotencyKey: record.idempotencyKey,
          caseId: this.caseId,
          orderId: order.orderId,
          amountCents: record.amountCents,
          currency: order.currency,
        });
      } catch (err) {
        const refusal = refundRefusal(err);
        if (!refusal || !patchApplied(REFUND_REFUSAL_PATCH)) throw err;
        record = await this.awaitRefundDecision(record, refusal);
        continue;
      }
      record.refundId = result.refundId;
      record.status = 'succeeded';
      this.ctx.record(SYSTEM_ACTOR, 'refund_issued', { reason, data: { amountCents: record.amountCents, refundId: result.refundId, onBehalfOfMerchant } });
      if (onBehalfOfMerchant) this.ctx.charge('merchant', record.amountCents, 'refund_paid_on_behalf_of_merchant');
      return record;
    }
  }

  /** The payment partner's later report on a refund it took (POST /callbacks/payment). */
  refundReported(event: PaymentEvent): void {
    const refund = this.ctx.view.refunds.find((r) => r.refundId === event.refundId);
    if (refund && refund.status !== event.status) {
      refund.status = event.status;
      this.ctx.record({ id: 'payment', role: 'payment' }, `refund_${event.status}`, { data: { refundId: event.refundId } });
    }
  }

  /** The refund record for `reason` still in play: the latest one, past any the payment partner refused. */
  private currentRefund(reason: string): RefundRecord | undefined {
    return this.ctx.view.refunds.filter((r) => r.reason === reason && !(r.status === 'failed' && r.failure !== undefined)).pop();
  }

  /** The refused refund waiting for a platform decision, if any. */
  get blockedRefund(): RefundRecord | undefined {
    if (this.ctx.view.facts.refundBlocked !== true) return undefined;
    return this.ctx.view.refunds.find((r) => r.idempotencyKey === this.ctx.view.facts.blockedRefundKey);
  }

  /**
   * The payment partner refused `record`: marks it failed, records and escalates the refusal, flags the case and pages
   * on-call, then waits for the platform's decision (resolveBlockedRefund) and returns the record to go on with.
   */
  private async awaitRefundDecision(record: RefundRecord, refusal: ApplicationFailure): Promise<RefundRecord> {
    const attempt = this.ctx.view.refunds.indexOf(record) + 1;
    record.status = 'failed';
    record.failure = refusal.message;
    this.ctx.setFact('refundBlocked', true);
    this.ctx.setFact('blockedRefundKey', record.idempotencyKey);
    this.ctx.record(SYSTEM_ACTOR, 'refund_refused', {
      reason: `the payment partner refused the refund: ${refusal.message}`,
      data: { refund: record.reason, idempotencyKey: record.idempotencyKey, amountCents: record.amountCents, onBehalfOfMerchant: record.onBehalfOfMerchant, failureType: refusal.type },
    });
    this.ctx.escalate('platform', `the payment partner refused a refund of ${record.amountCents} cents; retry it or settle it offline: ${refusal.message}`);
    await this.page(
      'high',
      `refund_refused_${attempt}`,
      `Case ${this.caseId}: the payment partner refused refund ${record.idempotencyKey} of ${record.amountCents} cents (${refusal.message}). The case waits for resolve_blocked_refund (retry or settled_offline).`,
    );
    await this.ctx.waitUntil(() => this.ctx.view.facts.refundBlocked !== true);
    const next = this.currentRefund(record.reason);
    if (!next) throw ApplicationFailure.nonRetryable(`no refund to go on with for ${record.reason}`, 'PlaybookError');
    return next;
  }

  /**
   * The platform's decision on the blocked refund (the resolve_blocked_refund command, checked by its validator):
   * a retry appends a new pending record with a new idempotency key; settled offline closes the refused record with
   * the transfer's reference. The waiting refund() then carries on.
   */
  resolveBlockedRefund(p: { actor: Actor; resolution: 'retry' | 'settled_offline'; amountCents?: number; reference?: string; reason?: string }): void {
    const blocked = this.blockedRefund;
    if (!blocked) throw ApplicationFailure.nonRetryable('no refund is blocked', 'PlaybookError');
    delete this.ctx.view.facts.refundBlocked;
    delete this.ctx.view.facts.blockedRefundKey;
    const amountCents = p.amountCents ?? blocked.amountCents;
    if (p.resolution === 'retry') {
      const retry: RefundRecord = {
        idempotencyKey: `${this.caseId}:refund:${this.ctx.view.refunds.length + 1}`,
        amountCents,
        reason: blocked.reason,
        status: 'pending',
        onBehalfOfMerchant: blocked.onBehalfOfMerchant,
      };
      this.ctx.view.refunds.push(retry);
      this.ctx.record(p.actor, 'refund_retry_ordered', {
        reason: p.reason,
        data: { refund: blocked.reason, refusedKey: blocked.idempotencyKey, idempotencyKey: retry.idempotencyKey, amountCents, refusedAmountCents: blocked.amountCents },
      });
      return;
    }
    const refusedAmountCents = blocked.amountCents;
    blocked.status = 'settled_offline';
    blocked.offlineReference = p.reference;
    blocked.amountCents = amountCents;
    this.ctx.record(p.actor, 'refund_settled_offline', {
      reason: p.reason,
      data: { refund: blocked.reason, idempotencyKey: blocked.idempotencyKey, amountCents, refusedAmountCents, reference: p.reference },
    });
  }

  /**
   * Creates a reship order in the ERP, at most once per reason. As with refunds, the record (and its idempotency key)
   * is written before the call, so every retry of the same order reuses its key. When the ERP refuses the order (a
   * partner's business refusal, see partnerRefusal) the record is marked failed and the refusal goes into the audit
   * trail, then the failure is rethrown for the playbook to decide what the case does instead. A failed record is
   * never reused: a later attempt for the same reason is a new order with a new key.
   */
  async reship(items: ReshipRecord['items'], reason: string): Promise<ReshipRecord> {
    let record = this.ctx.view.reships.find((r) => r.reason === reason && r.status !== 'failed');
    if (!record) {
      record = { idempotencyKey: `${this.caseId}:reship:${this.ctx.view.reships.length + 1}`, items, reason, status: 'pending' };
      this.ctx.view.reships.push(record);
      this.ctx.publish();
    }
    if (record.erpOrderId) return record;
    let erpOrderId: string;
    try {
      ({ erpOrderId } = await partnerActions.createReshipOrder({
        idempotencyKey: record.idempotencyKey,
        caseId: this.caseId,
        orderId: this.ctx.requireOrder().orderId,
        items: record.items,
      }));
    } catch (err) {
      const refusal = partnerRefusal(err);
      if (refusal) {
        record.status = 'failed';
        record.failure = refusal.message;
        if (patchApplied(RESHIP_REFUSAL_PATCH)) {
          this.ctx.record(SYSTEM_ACTOR, 'reship_refused', {
            reason: `the ERP refused the reship order: ${refusal.message}`,
            data: { reship: reason, idempotencyKey: record.idempotencyKey, items: record.items, failureType: refusal.type },
          });
        }
      }
      throw err;
    }
    record.erpOrderId = erpOrderId;
    record.status = 'succeeded';
    this.ctx.record(SYSTEM_ACTOR, 'reship_ordered', { reason, data: { erpOrderId, items: record.items } });
    return record;
  }

  /**
   * Books the courier to collect the returned goods, once per case (the key is the case's): the booking's tracking
   * number becomes the return's, so the courier's scans move the case. A courier that refuses the booking is audited
   * and escalated to the platform, which arranges the return another way.
   */
  /** Books the courier's pickup once per case and `key` (a repair's return of the goods is a second pickup: its own key). */
  async bookPickup(address: string, key = 'pickup'): Promise<void> {
    if (this.ctx.view.facts.pickupId !== undefined) return;
    try {
      const booking = await partnerActions.requestCourierPickup({ idempotencyKey: `${this.caseId}:${key}`, caseId: this.caseId, orderId: this.ctx.requireOrder().orderId, address, companyId: returnCourier(this.ctx.view) });
      this.ctx.setFact('pickupId', booking.pickupId);
      this.ctx.view.returnTrackingNumber = booking.trackingNumber;
      this.ctx.record(SYSTEM_ACTOR, 'pickup_booked', { data: { pickupId: booking.pickupId, trackingNumber: booking.trackingNumber } });
    } catch (err) {
      const refusal = partnerRefusal(err);
      if (!refusal) throw err;
      this.ctx.setFact('pickupId', '');
      this.ctx.record(SYSTEM_ACTOR, 'pickup_refused', { reason: `the courier refused the pickup: ${refusal.message}` });
      this.ctx.escalate('platform', `the courier refused to collect the goods; arrange the return: ${refusal.message}`);
    }
  }

  /**
   * Sends the customer a message once per case and `key` (by default the template): a template sent more than once
   * in a case (e.g. each new remedy proposal) needs a key of its own per sending.
   */
  async notifyCustomer(template: string, variables: Record<string, string | number | boolean> = {}, key = template): Promise<void> {
    await this.beside(`notify-customer:${key}`, 'customer', async () => {
      const channel = this.ctx.view.customer.phone ? 'sms' : 'email';
      try {
        await notifications().notifyCustomer({ idempotencyKey: `${this.caseId}:customer:${key}`, caseId: this.caseId, channel, template, variables });
      } catch (err) {
        this.ctx.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to: 'customer', template } });
      }
    });
  }

  async notifyMerchant(event: string, message: string): Promise<void> {
    const merchantId = this.ctx.input.order?.merchantId;
    if (!merchantId) return;
    await this.beside(`notify-merchant:${event}`, 'merchant', async () => {
      try {
        await notifications().notifyMerchant({ idempotencyKey: `${this.caseId}:merchant:${event}`, caseId: this.caseId, merchantId, event, message });
      } catch (err) {
        this.ctx.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to: 'merchant', event } });
      }
    });
  }

  async page(severity: 'high' | 'critical', event: string, message: string): Promise<void> {
    await this.beside(`page:${event}`, 'on_call', async () => {
      try {
        await notifications().pageOnCall({ idempotencyKey: `${this.caseId}:page:${event}`, caseId: this.caseId, severity, message });
        this.ctx.record(SYSTEM_ACTOR, 'paged', { reason: message, data: { severity, event } });
      } catch (err) {
        this.ctx.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to: 'on_call', event } });
      }
    });
  }

  /** Tells the escalation's target role, beside the case: pages for the safety owner and the CS lead. */
  alertEscalation(n: number, to: Party, reason: string): Promise<void> {
    const message = `Case ${this.caseId} (${this.ctx.input.kind}, ${this.ctx.view.status}) is escalated to ${to}: ${reason}`;
    if (to === 'safety_owner' || to === 'cs_lead') return this.page(to === 'safety_owner' ? 'critical' : 'high', `escalation_${n}`, message);
    if (to === 'merchant') return this.notifyMerchant(`escalation_${n}`, message);
    if (to === 'customer') return this.notifyCustomer('case_escalated', { reason }, `escalation_${n}`);
    return this.beside(`escalation:${n}`, `staff:${to}`, async () => {
      try {
        const { messageId } = await notifications().notifyStaff({ idempotencyKey: `${this.caseId}:escalation:${n}`, caseId: this.caseId, role: to, message });
        this.ctx.record(SYSTEM_ACTOR, 'escalation_notified', { data: { to, escalation: n, messageId } });
      } catch (err) {
        this.ctx.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to, escalation: n } });
      }
    });
  }

}
