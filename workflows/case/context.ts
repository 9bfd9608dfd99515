/**
 * One case as its playbook sees it: the state (pure bookkeeping, ./state.ts), its effects on the world (./effects.ts)
 * and its projector (./projector.ts), plus the two things that need all three: waiting with the clocks' warn and breach
 * actions running, and escalations (recorded, then the target role alerted). Playbooks describe *what* happens; these
 * say *how* it is recorded, done and shown.
 */
import { condition } from '@temporalio/workflow';
import { workflowNow } from '../clock-source';
import type { CaseInput } from '../domain/case';
import type { Actor, Party } from '../domain/parties';
import { SYSTEM_ACTOR } from '../domain/parties';
import type { PriorityLevel } from '../policy-rules';
import type { CalendarYear, ClockRetimed } from '../messages';
import { addDuration, withYears, type Limit } from '../sla/calendar';
import type { ClockState } from '../sla/clock';
import { clockSpec, type ClockDefinition, type ClockStart } from './clock-definition';
import { CaseEffects } from './effects';
import { ESCALATION_ALERT_PATCH } from './patches';
import { patchApplied } from './patch-baseline';
import { CaseProjector } from './projector';
import type { Playbook } from './playbook';
import { CaseState, type StateCarried } from './state';

export { CLOSED, type TransitionOptions } from './state';
export { errorMessage, partnerRefusal, refundRefusal } from './errors';

/** What a case carries into its next run on continue-as-new. */
export interface CarriedState extends StateCarried {
  doneEffects: string[];
  /** The create request has had its answer (a repeat is a replay); absent in runs carried before it existed. */
  openAnswered?: boolean;
}

export class CaseContext extends CaseState {
  readonly projector: CaseProjector;
  readonly effects: CaseEffects;
  /** The playbook of the case's kind: its clocks' definitions and hooks. */
  playbook: Pick<Playbook, 'clocks' | 'onRemedyLapse'> = { clocks: [] };
  /** The open_case update has answered once: later ones replay the create. Cases opened without it answered already. */
  openAnswered: boolean;

  constructor(input: CaseInput, carried?: CarriedState) {
    super(input, carried);
    this.projector = new CaseProjector(this, carried === undefined);
    this.effects = new CaseEffects(this, carried?.doneEffects);
    this.openAnswered = carried?.openAnswered ?? (carried !== undefined || input.requestHash === undefined);
  }

  carry(): CarriedState {
    return { ...this.carryState(), doneEffects: this.effects.done(), openAnswered: this.openAnswered };
  }

  /** Starts a clock on its definition's terms under the policy in force (counted from an earlier instant if given). */
  startClock(clock: ClockDefinition, start?: ClockStart): void {
    this.startClockSpec(clockSpec(clock, this.policy, start));
  }

  /** Waits until `predicate` holds, meanwhile running the warn and breach actions of clocks as they come due. */
  waitUntil(predicate: () => boolean): Promise<boolean> {
    return this.clocks.waitFor(predicate, {
      onWarn: async (clock) => {
        this.record(SYSTEM_ACTOR, 'sla_warning', { data: { clock: clock.name, deadline: clock.deadline } });
        await this.definitionOf(clock.name)?.warn?.(this, clock);
      },
      onBreach: async (clock) => {
        this.view.breached = true;
        this.record(SYSTEM_ACTOR, 'sla_breached', { data: { clock: clock.name, action: clock.breachAction } });
        await this.definitionOf(clock.name)?.breach(this, clock);
      },
    });
  }

  /** Waits until `predicate` holds or workflow time reaches `at`; true when the predicate held. */
  async waitUntilOrAt(predicate: () => boolean, at: number): Promise<boolean> {
    const remaining = at - workflowNow();
    return remaining <= 0 ? predicate() : condition(predicate, remaining);
  }

  private definitionOf(name: string): ClockDefinition | undefined {
    return this.playbook.clocks.find((clock) => clock.name === name);
  }

  /**
   * Sets the case's priority. Under a policy version with overrides, the rules are matched again and every running
   * clock whose limit changes takes the new one, counted from where it counted from (audited: each clock's deadline
   * before and after); a clock whose limit stays keeps its deadline, extensions included.
   */
  setPriority(priority: PriorityLevel, actor: Actor): void {
    const before = this.policy;
    this.view.priority = priority;
    if (!this.input.policyRules) return;
    const { policy, override } = this.matched();
    const retimed = this.retimeRunningClocks((definition) => {
      const limit = definition.terms(policy).limit;
      return JSON.stringify(limit) === JSON.stringify(definition.terms(before).limit) ? undefined : limit;
    });
    if (override !== undefined) this.view.policyOverride = override;
    else delete this.view.policyOverride;
    if (retimed.length) this.record(actor, 'clocks_retimed', { reason: `priority ${priority}`, data: { priority, policyOverride: override, clocks: retimed } });
  }

  /**
   * Counts with a year's holidays and make-up working days in place of those the case's calendar had for it. Each running
   * working-day clock whose deadline the year moves is re-timed as a priority change re-times it (its limit counted
   * from where it counted from); one it does not move keeps its deadline, extensions included. Audited
   * ('calendar_applied', each clock's deadline before and after).
   */
  applyCalendarYear(year: CalendarYear, actor: Actor, reason: string): ClockRetimed[] {
    const before = this.policy.calendar;
    const calendar = withYears(before, [year]);
    this.appliedCalendar = calendar;
    this.clocks.useCalendar(calendar);
    const policy = this.policy;
    const retimed = this.retimeRunningClocks((definition, clock) => {
      const limit = definition.terms(policy).limit;
      if (!('workingDays' in limit)) return undefined;
      const from = clock.countedFrom ?? clock.startedAt;
      return addDuration(from, limit, before) === addDuration(from, limit, calendar) ? undefined : limit;
    });
    this.record(actor, 'calendar_applied', { reason, data: { year: year.year, holidays: year.holidays, extraWorkingDays: year.extraWorkingDays, clocks: retimed } });
    return retimed;
  }

  /** Re-times each running clock of a definition for which `limitFor` gives a new limit; the deadlines before and after. */
  private retimeRunningClocks(limitFor: (definition: ClockDefinition, clock: ClockState) => Limit | undefined): ClockRetimed[] {
    const retimed: ClockRetimed[] = [];
    for (const clock of this.clocks.snapshot()) {
      const definition = this.definitionOf(clock.name);
      if (clock.status !== 'running' || !definition) continue;
      const limit = limitFor(definition, clock);
      if (!limit) continue;
      const after = this.clocks.retime(clock.name, limit);
      if (after) retimed.push({ clock: clock.name, from: clock.deadline, to: after.deadline });
    }
    return retimed;
  }

  /** Escalates to a role: recorded, shown in the role's queue, and the role alerted beside the case. */
  escalate(to: Party, reason: string, actor: Actor = SYSTEM_ACTOR, clock?: string): void {
    const n = this.recordEscalation(to, reason, actor, clock);
    if (patchApplied(ESCALATION_ALERT_PATCH)) void this.effects.alertEscalation(n, to, reason);
  }
}
