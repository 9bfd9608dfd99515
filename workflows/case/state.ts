/**
 * The state of one case and every way it changes: status transitions with their audit entry, clocks, escalations,
 * charges, facts and the dedup keys of signals seen. Pure bookkeeping: it calls no activity. Each change is published
 * to `onPublish` (the projector keeps search attributes and the store current).
 */
import { workflowInfo } from '@temporalio/workflow';
import { workflowNow } from '../clock-source';
import type { AuditEntry, CaseFacts, CaseInput, CaseStatus, CaseView, ChargeRecord, CompletedCaseInput } from '../domain/case';
import { summarizeCase, type CaseSummary } from '../domain/case-summary';
import type { Actor, EvidenceRef, Party } from '../domain/parties';
import { SYSTEM_ACTOR } from '../domain/parties';
import { caseCompany, type CompanyKind } from '../domain/partner-companies';
import type { BusinessCalendar, Limit } from '../sla/calendar';
import type { ClockSpec } from '../sla/clock';
import { ClockSet, type ClockSetState } from '../sla/clock-set';
import { completePolicy, type CasePolicy } from '../policy';
import { matchPolicy, type MatchedPolicy } from '../policy-rules';

export const CLOSED = 'closed' satisfies CaseStatus;

export interface TransitionOptions {
  reason?: string;
  evidence?: EvidenceRef[];
  data?: Record<string, unknown>;
}

/** The part of a case's state that survives continue-as-new. */
export interface StateCarried {
  view: Omit<CaseView, 'clocks'>;
  clocks: ClockSetState;
  seenSignalKeys: string[];
  /** The calendar applied since the case opened (apply_calendar), in place of its policy's. */
  calendar?: BusinessCalendar;
}

/** Completes the policy once, as the case reads its input: cases opened before a key existed get its fallback. */
function completeInput({ policy, policyRules, ...input }: CaseInput): CompletedCaseInput {
  return { ...input, policy: completePolicy(policy), ...(policyRules && { policyRules: { ...policyRules, base: completePolicy(policyRules.base) } }) };
}

export class CaseState {
  readonly input: CompletedCaseInput;
  readonly view: Omit<CaseView, 'clocks'>;
  readonly clocks: ClockSet;
  private readonly seenSignalKeys: Set<string>;
  /** A calendar applied since the case opened, in force in place of its policy's. */
  protected appliedCalendar: BusinessCalendar | undefined;
  /** Told after every change, with who owes what now. */
  onPublish: (summary: CaseSummary) => void = () => undefined;

  constructor(input: CaseInput, carried?: StateCarried) {
    this.input = completeInput(input);
    this.appliedCalendar = carried?.calendar;
    this.clocks = new ClockSet(carried?.calendar ?? input.policy.calendar, carried?.clocks);
    this.seenSignalKeys = new Set(carried?.seenSignalKeys);
    this.view = carried?.view ?? initialView(input);
  }

  get caseId(): string {
    return this.input.caseId;
  }

  get status(): CaseStatus {
    return this.view.status;
  }

  /**
   * The policy in force: the one the case opened under, or, once its priority changed, the opening version's rules
   * matched again for the new priority (when the version has overrides); with the calendar applied since, if any.
   */
  get policy(): CasePolicy {
    const { input } = this;
    const policy = !input.policyRules || this.view.priority === input.priority ? input.policy : this.matched().policy;
    return this.appliedCalendar ? { ...policy, calendar: this.appliedCalendar } : policy;
  }

  /** The opening version's rules matched for the case as it is now. */
  protected matched(): MatchedPolicy<CasePolicy> {
    const { input } = this;
    if (!input.policyRules) return { policy: input.policy, ...(input.policyOverride && { override: input.policyOverride }) };
    return matchPolicy(input.policyRules, { kind: input.kind, priority: this.view.priority, category: input.order?.category, merchantTier: input.order?.merchantTier });
  }

  get closed(): boolean {
    return this.view.status === CLOSED;
  }

  snapshot(): CaseView {
    const clocks = this.clocks.snapshot();
    return structuredCopy({ ...this.view, clocks });
  }

  protected carryState(): StateCarried {
    return { view: structuredCopy(this.view), clocks: this.clocks.state(), seenSignalKeys: [...this.seenSignalKeys], ...(this.appliedCalendar && { calendar: this.appliedCalendar }) };
  }

  /** Moves the case to `toStatus` (or records an action in place when equal) and appends the audit entry. */
  transition(actor: Actor, action: string, toStatus: CaseStatus, options: TransitionOptions = {}): void {
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

  protected startClockSpec(spec: ClockSpec): void {
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

  /** Records an escalation to `to` and returns its number (1 for the case's first). */
  protected recordEscalation(to: Party, reason: string, actor: Actor, clock?: string): number {
    this.view.escalated = true;
    this.view.escalations.push({ at: workflowNow(), to, reason, ...(clock && { clock }) });
    this.record(actor, 'escalated', { reason, data: { to, ...(clock && { clock }) } });
    return this.view.escalations.length;
  }

  /** Records a liability against a party once per party and reason (its key); `companyId` names a company other than the order's. */
  charge(party: ChargeRecord['party'], amountCents: number, reason: string, companyId?: string): void {
    const key = `${this.caseId}:charge:${party}:${reason}`;
    if (this.view.charges.some((c) => c.key === key)) return;
    this.view.charges.push({ party, amountCents, reason, key, ...(companyId && { companyId }) });
    this.record(SYSTEM_ACTOR, 'charge_recorded', { reason, data: { party, amountCents, ...(companyId && { companyId }) } });
  }

  setFact<K extends keyof CaseFacts>(name: K, value: NonNullable<CaseFacts[K]>): void {
    this.view.facts[name] = value;
  }

  /** True the first time a signal's dedup key is seen. */
  firstSighting(dedupKey: string): boolean {
    if (this.seenSignalKeys.has(dedupKey)) return false;
    this.seenSignalKeys.add(dedupKey);
    return true;
  }

  requireOrder() {
    if (!this.input.order) throw new Error(`case ${this.caseId} has no order`);
    return this.input.order;
  }

  /** The company of `kind` the case's order names (the kind's default company when it names none). */
  company(kind: CompanyKind): string {
    return caseCompany(this.input.order, kind);
  }

  /** Bumps the version, recomputes who owes what, and tells onPublish; effects call it when they add a record. */
  publish(): void {
    this.view.version += 1;
    const summary = summarizeCase({ ...this.view, clocks: this.clocks.snapshot() });
    this.view.nextDeadline = summary.nextDeadline;
    this.view.nextDeadlineClock = summary.nextDeadlineClock;
    this.view.owingParty = summary.owingParty;
    this.view.waitingOn = summary.waitingOn;
    this.view.openBreaches = summary.openBreaches;
    this.view.escalatedTo = summary.escalatedTo;
    this.onPublish(summary);
  }
}

function initialView(input: CaseInput): Omit<CaseView, 'clocks'> {
  return {
    caseId: input.caseId,
    kind: input.kind,
    status: 'submitted',
    version: 0,
    policyVersion: input.policy.version,
    ...(input.policyOverride && { policyOverride: input.policyOverride }),
    ...(input.priority && { priority: input.priority }),
    openedAt: input.receivedAt,
    lastTransitionAt: workflowInfo().startTime.getTime(),
    channel: input.channel,
    customer: input.customer,
    ...(input.order && { order: input.order }),
    description: input.description,
    details: input.details,
    openedBy: input.openedBy,
    ...(input.aboutCaseId && { aboutCaseId: input.aboutCaseId }),
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

function structuredCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
