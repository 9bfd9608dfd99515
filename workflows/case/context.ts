/**
 * The state of one case and every way it changes: transitions with their audit entry, clocks, escalations,
 * charges, refunds and reships with their idempotency keys, search attributes and the store projection.
 * Playbooks describe *what* happens; this is *how* it is recorded.
 */
import { ActivityFailure, ApplicationFailure, condition, log, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { workflowNow } from '../clock-source';
import type { AuditEntry, CaseInput, CaseView, ChargeRecord, RefundRecord, ReshipRecord } from '../domain/case';
import type { Actor, EvidenceRef, Party } from '../domain/parties';
import { SYSTEM_ACTOR } from '../domain/parties';
import { CaseKindAttr, CaseStatusAttr, EscalatedAttr, MerchantIdAttr, NextDeadlineAttr } from '../search-attributes';
import { summarizeCase } from '../domain/case-summary';
import { ClockSet, type ClockSetState } from '../sla/clock-set';
import type { Limit } from '../sla/calendar';
import type { ClockSpec, ClockState } from '../sla/clock';
import { notifications, partnerActions, store } from './activities';
import { ESCALATION_ALERT_PATCH, REFUND_REFUSAL_PATCH, RESHIP_REFUSAL_PATCH, SIDE_EFFECTS_BESIDE_PATCH } from './patches';

export const CLOSED = 'closed';


/** Facts set while a refused refund waits for the platform: the flag, and the key of the refused record. */
export const REFUND_BLOCKED_FACT = 'refundBlocked';
export const BLOCKED_REFUND_KEY_FACT = 'blockedRefundKey';

/** What a case carries into its next run on continue-as-new. */
export interface CarriedState {
  view: Omit<CaseView, 'clocks'>;
  clocks: ClockSetState;
  seenSignalKeys: string[];
  doneEffects: string[];
  /** The create request has had its answer (a repeat is a replay); absent in runs carried before it existed. */
  openAnswered?: boolean;
}

/** What happens when a named clock warns or breaches. */
export type ClockActions = Record<string, { warn?: (ctx: CaseContext, clock: ClockState) => Promise<void> | void; breach: (ctx: CaseContext, clock: ClockState) => Promise<void> | void }>;

export interface TransitionOptions {
  reason?: string;
  evidence?: EvidenceRef[];
  data?: Record<string, unknown>;
}

export class CaseContext {
  readonly view: Omit<CaseView, 'clocks'>;
  readonly clocks: ClockSet;
  private readonly seenSignalKeys: Set<string>;
  private readonly doneEffects: Set<string>;
  /** Side effects running beside the case's progress, by effect name. */
  private readonly sideEffects = new Map<string, Promise<void>>();
  /** The last side effect started per recipient. */
  private readonly lanes = new Map<string, Promise<void>>();
  private projectedVersion = 0;
  clockActions: ClockActions = {};
  /** The open_case update has answered once: later ones replay the create. Cases opened without it answered already. */
  openAnswered: boolean;

  constructor(
    readonly input: CaseInput,
    carried?: CarriedState,
  ) {
    this.clocks = new ClockSet(input.policy.calendar, carried?.clocks);
    this.seenSignalKeys = new Set(carried?.seenSignalKeys);
    this.doneEffects = new Set(carried?.doneEffects);
    this.view = carried?.view ?? this.initialView();
    this.projectedVersion = carried ? this.view.version : 0;
    this.openAnswered = carried?.openAnswered ?? (carried !== undefined || input.requestHash === undefined);
  }

  get caseId(): string {
    return this.input.caseId;
  }

  get status(): string {
    return this.view.status;
  }

  get policy() {
    return this.input.policy;
  }

  get closed(): boolean {
    return this.view.status === CLOSED;
  }

  snapshot(): CaseView {
    const clocks = this.clocks.snapshot();
    return structuredCopy({ ...this.view, clocks });
  }

  carry(): CarriedState {
    return {
      view: structuredCopy(this.view),
      clocks: this.clocks.state(),
      seenSignalKeys: [...this.seenSignalKeys],
      doneEffects: [...this.doneEffects],
      openAnswered: this.openAnswered,
    };
  }

  /** Moves the case to `toStatus` (or records an action in place when equal) and appends the audit entry. */
  transition(actor: Actor, action: string, toStatus: string, options: TransitionOptions = {}): void {
    const fromStatus = this.view.status;
    const now = workflowNow();
    const entry: AuditEntry = {
      seq: this.view.audit.length + 1,
      at: now,
      actor,
      action,
      fromStatus,
      toStatus,
      ...(options.reason !== undefined && { reason: options.reason }),
      ...(options.evidence?.length && { evidence: options.evidence }),
      ...(options.data && { data: options.data }),
    };
    this.view.audit.push(entry);
    this.view.status = toStatus;
    this.view.lastTransitionAt = now;
    if (toStatus === CLOSED && fromStatus !== CLOSED) {
      this.view.closedAt = now;
      for (const clock of this.clocks.snapshot()) {
        if (clock.status === 'running' || clock.status === 'paused') this.clocks.cancel(clock.name);
      }
    }
    this.publish();
  }

  /** Records an action that does not change the status. */
  record(actor: Actor, action: string, options: TransitionOptions = {}): void {
    this.transition(actor, action, this.view.status, options);
  }

  close(actor: Actor, action: string, outcome: string, options: TransitionOptions = {}): void {
    this.view.outcome = outcome;
    this.transition(actor, action, CLOSED, { ...options, data: { outcome, ...options.data } });
  }

  startClock(spec: ClockSpec): void {
    this.clocks.start(spec);
    this.publish();
  }

  /**
   * Marks the step a clock waits for as done. A breached clock records when it was done at last (its open breach
   * closes) without publishing: the transition that follows publishes it, and an extra search-attribute upsert here
   * would not replay older histories.
   */
  satisfyClock(name: string): void {
    const clock = this.clocks.get(name);
    if (clock?.status === 'breached' && clock.satisfiedAt === undefined) this.clocks.satisfy(name);
    if (clock?.status === 'running' || clock?.status === 'paused') {
      this.clocks.satisfy(name);
      this.publish();
    }
  }

  /** Stops a running clock while the party it waits on cannot act (e.g. a proposal awaits the customer); true when it paused. */
  pauseClock(name: string, reason: string, actor: Actor = SYSTEM_ACTOR): boolean {
    if (this.clocks.get(name)?.status !== 'running') return false;
    this.clocks.pause(name);
    this.record(actor, 'sla_paused', { reason, data: { clock: name } });
    return true;
  }

  /** Gives a running or paused clock more time (a supervisor's extension); the audit entry names the new deadline. */
  extendClock(name: string, by: Limit, actor: Actor, reason: string): void {
    const before = this.clocks.get(name);
    const after = this.clocks.extend(name, by);
    this.record(actor, 'sla_extended', { reason, data: { clock: name, by, from: before?.deadline ?? before?.remainingMs, to: after?.deadline ?? after?.remainingMs, status: after?.status } });
  }

  /** Restarts a paused clock with the time it had left. */
  resumeClock(name: string, reason: string, actor: Actor = SYSTEM_ACTOR): void {
    if (this.clocks.get(name)?.status !== 'paused') return;
    this.clocks.resume(name);
    this.record(actor, 'sla_resumed', { reason, data: { clock: name, deadline: this.clocks.get(name)?.deadline } });
  }

  /** Clears a closed case's outcome so its next transition takes it back into the playbook (the platform reopened it). */
  reopen(): void {
    delete this.view.closedAt;
    delete this.view.outcome;
  }

  /** Waits until `predicate` holds, meanwhile running the warn and breach actions of clocks as they come due. */
  waitUntil(predicate: () => boolean): Promise<boolean> {
    return this.clocks.waitFor(predicate, {
      onWarn: async (clock) => {
        this.record(SYSTEM_ACTOR, 'sla_warning', { data: { clock: clock.name, deadline: clock.deadline } });
        await this.clockActions[clock.name]?.warn?.(this, clock);
      },
      onBreach: async (clock) => {
        this.view.breached = true;
        this.record(SYSTEM_ACTOR, 'sla_breached', { data: { clock: clock.name, action: clock.breachAction } });
        await this.clockActions[clock.name]?.breach(this, clock);
      },
    });
  }

  /** Waits until `predicate` holds or workflow time reaches `at`; true when the predicate held. */
  async waitUntilOrAt(predicate: () => boolean, at: number): Promise<boolean> {
    const remaining = at - workflowNow();
    return remaining <= 0 ? predicate() : condition(predicate, remaining);
  }

  escalate(to: Party, reason: string, actor: Actor = SYSTEM_ACTOR, clock?: string): void {
    this.view.escalated = true;
    this.view.escalations.push({ at: workflowNow(), to, reason, ...(clock && { clock }) });
    this.record(actor, 'escalated', { reason, data: { to, ...(clock && { clock }) } });
    if (patched(ESCALATION_ALERT_PATCH)) void this.alertEscalation(this.view.escalations.length, to, reason);
  }

  /** Tells the escalation's target role, beside the case: pages for the safety owner and the CS lead. */
  private alertEscalation(n: number, to: Party, reason: string): Promise<void> {
    const message = `Case ${this.caseId} (${this.input.kind}, ${this.view.status}) is escalated to ${to}: ${reason}`;
    if (to === 'safety_owner' || to === 'cs_lead') return this.page(to === 'safety_owner' ? 'critical' : 'high', `escalation_${n}`, message);
    if (to === 'merchant') return this.notifyMerchant(`escalation_${n}`, message);
    if (to === 'customer') return this.notifyCustomer('case_escalated', { reason }, `escalation_${n}`);
    return this.beside(`escalation:${n}`, `staff:${to}`, async () => {
      try {
        const { messageId } = await notifications().notifyStaff({ idempotencyKey: `${this.caseId}:escalation:${n}`, caseId: this.caseId, role: to, message });
        this.record(SYSTEM_ACTOR, 'escalation_notified', { data: { to, escalation: n, messageId } });
      } catch (err) {
        this.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to, escalation: n } });
      }
    });
  }

  charge(party: ChargeRecord['party'], amountCents: number, reason: string): void {
    const key = `${this.caseId}:charge:${party}:${reason}`;
    if (this.view.charges.some((c) => c.key === key)) return;
    this.view.charges.push({ party, amountCents, reason, key });
    this.record(SYSTEM_ACTOR, 'charge_recorded', { reason, data: { party, amountCents } });
  }

  setFact(name: string, value: string | number | boolean): void {
    this.view.facts[name] = value;
  }

  /** True the first time a signal's dedup key is seen. */
  firstSighting(dedupKey: string): boolean {
    if (this.seenSignalKeys.has(dedupKey)) return false;
    this.seenSignalKeys.add(dedupKey);
    return true;
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
    if (!patched(SIDE_EFFECTS_BESIDE_PATCH)) return this.once(effect, run);
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

  /** Resolves once every side effect started so far has finished (before continue-as-new and completion). */
  async sideEffectsSettled(): Promise<void> {
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
      record = { idempotencyKey: `${this.caseId}:refund:${this.view.refunds.length + 1}`, amountCents, reason, status: 'pending', onBehalfOfMerchant };
      this.view.refunds.push(record);
      this.publish();
    }
    for (;;) {
      if (record.status === 'succeeded') return record;
      if (record.status === 'settled_offline') {
        if (onBehalfOfMerchant) this.charge('merchant', record.amountCents, 'refund_paid_on_behalf_of_merchant');
        return record;
      }
      const order = this.requireOrder();
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
        if (!refusal || !patched(REFUND_REFUSAL_PATCH)) throw err;
        record = await this.awaitRefundDecision(record, refusal);
        continue;
      }
      record.refundId = result.refundId;
      record.status = 'succeeded';
      this.record(SYSTEM_ACTOR, 'refund_issued', { reason, data: { amountCents: record.amountCents, refundId: result.refundId, onBehalfOfMerchant } });
      if (onBehalfOfMerchant) this.charge('merchant', record.amountCents, 'refund_paid_on_behalf_of_merchant');
      return record;
    }
  }

  /** The refund record for `reason` still in play: the latest one, past any the payment partner refused. */
  private currentRefund(reason: string): RefundRecord | undefined {
    return this.view.refunds.filter((r) => r.reason === reason && !(r.status === 'failed' && r.failure !== undefined)).pop();
  }

  /** The refused refund waiting for a platform decision, if any. */
  get blockedRefund(): RefundRecord | undefined {
    if (this.view.facts[REFUND_BLOCKED_FACT] !== true) return undefined;
    return this.view.refunds.find((r) => r.idempotencyKey === this.view.facts[BLOCKED_REFUND_KEY_FACT]);
  }

  /**
   * The payment partner refused `record`: marks it failed, records and escalates the refusal, flags the case and pages
   * on-call, then waits for the platform's decision (resolveBlockedRefund) and returns the record to go on with.
   */
  private async awaitRefundDecision(record: RefundRecord, refusal: ApplicationFailure): Promise<RefundRecord> {
    const attempt = this.view.refunds.indexOf(record) + 1;
    record.status = 'failed';
    record.failure = refusal.message;
    this.setFact(REFUND_BLOCKED_FACT, true);
    this.setFact(BLOCKED_REFUND_KEY_FACT, record.idempotencyKey);
    this.record(SYSTEM_ACTOR, 'refund_refused', {
      reason: `the payment partner refused the refund: ${refusal.message}`,
      data: { refund: record.reason, idempotencyKey: record.idempotencyKey, amountCents: record.amountCents, onBehalfOfMerchant: record.onBehalfOfMerchant, failureType: refusal.type },
    });
    this.escalate('platform', `the payment partner refused a refund of ${record.amountCents} cents; retry it or settle it offline: ${refusal.message}`);
    await this.page(
      'high',
      `refund_refused_${attempt}`,
      `Case ${this.caseId}: the payment partner refused refund ${record.idempotencyKey} of ${record.amountCents} cents (${refusal.message}). The case waits for resolve_blocked_refund (retry or settled_offline).`,
    );
    await this.waitUntil(() => this.view.facts[REFUND_BLOCKED_FACT] !== true);
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
    delete this.view.facts[REFUND_BLOCKED_FACT];
    delete this.view.facts[BLOCKED_REFUND_KEY_FACT];
    const amountCents = p.amountCents ?? blocked.amountCents;
    if (p.resolution === 'retry') {
      const retry: RefundRecord = {
        idempotencyKey: `${this.caseId}:refund:${this.view.refunds.length + 1}`,
        amountCents,
        reason: blocked.reason,
        status: 'pending',
        onBehalfOfMerchant: blocked.onBehalfOfMerchant,
      };
      this.view.refunds.push(retry);
      this.record(p.actor, 'refund_retry_ordered', {
        reason: p.reason,
        data: { refund: blocked.reason, refusedKey: blocked.idempotencyKey, idempotencyKey: retry.idempotencyKey, amountCents, refusedAmountCents: blocked.amountCents },
      });
      return;
    }
    const refusedAmountCents = blocked.amountCents;
    blocked.status = 'settled_offline';
    blocked.offlineReference = p.reference;
    blocked.amountCents = amountCents;
    this.record(p.actor, 'refund_settled_offline', {
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
    let record = this.view.reships.find((r) => r.reason === reason && r.status !== 'failed');
    if (!record) {
      record = { idempotencyKey: `${this.caseId}:reship:${this.view.reships.length + 1}`, items, reason, status: 'pending' };
      this.view.reships.push(record);
      this.publish();
    }
    if (record.erpOrderId) return record;
    let erpOrderId: string;
    try {
      ({ erpOrderId } = await partnerActions.createReshipOrder({
        idempotencyKey: record.idempotencyKey,
        caseId: this.caseId,
        orderId: this.requireOrder().orderId,
        items: record.items,
      }));
    } catch (err) {
      const refusal = partnerRefusal(err);
      if (refusal) {
        record.status = 'failed';
        record.failure = refusal.message;
        if (patched(RESHIP_REFUSAL_PATCH)) {
          this.record(SYSTEM_ACTOR, 'reship_refused', {
            reason: `the ERP refused the reship order: ${refusal.message}`,
            data: { reship: reason, idempotencyKey: record.idempotencyKey, items: record.items, failureType: refusal.type },
          });
        }
      }
      throw err;
    }
    record.erpOrderId = erpOrderId;
    record.status = 'succeeded';
    this.record(SYSTEM_ACTOR, 'reship_ordered', { reason, data: { erpOrderId, items: record.items } });
    return record;
  }

  /**
   * Sends the customer a message once per case and `key` (by default the template): a template sent more than once
   * in a case (e.g. each new remedy proposal) needs a key of its own per sending.
   */
  async notifyCustomer(template: string, variables: Record<string, string | number | boolean> = {}, key = template): Promise<void> {
    await this.beside(`notify-customer:${key}`, 'customer', async () => {
      const channel = this.view.customer.phone ? 'sms' : 'email';
      try {
        await notifications().notifyCustomer({ idempotencyKey: `${this.caseId}:customer:${key}`, caseId: this.caseId, channel, template, variables });
      } catch (err) {
        this.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to: 'customer', template } });
      }
    });
  }

  async notifyMerchant(event: string, message: string): Promise<void> {
    const merchantId = this.input.order?.merchantId;
    if (!merchantId) return;
    await this.beside(`notify-merchant:${event}`, 'merchant', async () => {
      try {
        await notifications().notifyMerchant({ idempotencyKey: `${this.caseId}:merchant:${event}`, caseId: this.caseId, merchantId, event, message });
      } catch (err) {
        this.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to: 'merchant', event } });
      }
    });
  }

  async page(severity: 'high' | 'critical', event: string, message: string): Promise<void> {
    await this.beside(`page:${event}`, 'on_call', async () => {
      try {
        await notifications().pageOnCall({ idempotencyKey: `${this.caseId}:page:${event}`, caseId: this.caseId, severity, message });
        this.record(SYSTEM_ACTOR, 'paged', { reason: message, data: { severity, event } });
      } catch (err) {
        this.record(SYSTEM_ACTOR, 'notification_failed', { reason: errorMessage(err), data: { to: 'on_call', event } });
      }
    });
  }

  requireOrder() {
    if (!this.input.order) throw new Error(`case ${this.caseId} has no order`);
    return this.input.order;
  }

  /** Keeps the store projection current; runs beside the playbook for the life of the run. */
  async runProjector(): Promise<never> {
    for (;;) {
      await condition(() => this.view.version > this.projectedVersion);
      const view = this.snapshot();
      try {
        await store().projectCase(view);
      } catch (err) {
        log.warn('case projection failed', { caseId: this.caseId, error: errorMessage(err) });
      }
      this.projectedVersion = Math.max(this.projectedVersion, view.version);
    }
  }

  /** Resolves once the latest version has reached the store. */
  async projected(): Promise<void> {
    await condition(() => this.projectedVersion >= this.view.version);
  }

  /** Bumps the version, recomputes who owes what, and updates the search attributes. */
  private publish(): void {
    this.view.version += 1;
    const summary = summarizeCase({ ...this.view, clocks: this.clocks.snapshot() });
    this.view.nextDeadline = summary.nextDeadline;
    this.view.nextDeadlineClock = summary.nextDeadlineClock;
    this.view.owingParty = summary.owingParty;
    this.view.waitingOn = summary.waitingOn;
    this.view.openBreaches = summary.openBreaches;
    this.view.escalatedTo = summary.escalatedTo;
    upsertSearchAttributes([
      { key: CaseStatusAttr, value: this.view.status },
      { key: EscalatedAttr, value: this.view.escalated },
      { key: NextDeadlineAttr, value: summary.nextDeadline !== undefined ? new Date(summary.nextDeadline) : null },
    ]);
  }

  private initialView(): Omit<CaseView, 'clocks'> {
    const { input } = this;
    upsertSearchAttributes([
      { key: CaseKindAttr, value: input.kind },
      ...(input.order ? [{ key: MerchantIdAttr, value: input.order.merchantId }] : []),
    ]);
    return {
      caseId: input.caseId,
      kind: input.kind,
      status: 'submitted',
      version: 0,
      policyVersion: input.policy.version,
      openedAt: input.receivedAt,
      lastTransitionAt: workflowInfo().startTime.getTime(),
      channel: input.channel,
      customer: input.customer,
      ...(input.order && { order: input.order }),
      description: input.description,
      details: input.details,
      openedBy: input.openedBy,
      refunds: [],
      reships: [],
      charges: [],
      escalated: false,
      escalations: [],
      breached: false,
      audit: [],
      facts: {},
    };
  }
}

function structuredCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The payment partner's refusal of a refund behind an activity failure: 'RefundRefused' (e.g. more than is refundable on
 * the order), or any other business refusal of the call (partnerRefusal), which a person has to look at just the same.
 */
export function refundRefusal(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === 'RefundRefused') return cause;
  return partnerRefusal(err);
}

/** The partner's business refusal (the call was understood and declined) behind an activity failure, if that is what it is. */
export function partnerRefusal(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && (cause.type === 'PartnerRejected' || cause.type === 'PartnerRefused') ? cause : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
