/**
 * Workflow-side glue for SLA clocks: holds a case's clocks, reads workflow time, and
 * waits on durable timers until the case moves on, firing warnings and breaches as they
 * come due.
 */
import { condition } from '@temporalio/workflow';
import { workflowNow } from '../clock-source';
import type { BusinessCalendar, Limit } from './calendar';
import {
  cancelClock,
  extendClock,
  retimeClock,
  markBreached,
  markWarned,
  nextDue,
  pauseClock,
  resumeClock,
  satisfyClock,
  startClock,
  type ClockSpec,
  type ClockState,
} from './clock';
import { recordDeadlineLateness } from './deadline-lateness';

/** The serialisable form of a ClockSet, carried through continue-as-new. */
export type ClockSetState = Record<string, ClockState>;

export type ClockHandlers = {
  onWarn(clock: ClockState): Promise<void> | void;
  onBreach(clock: ClockState): Promise<void> | void;
};

export class ClockSet {
  private readonly clocks: ClockSetState;
  /** Bumped on every change so a waiting loop recomputes its timer. */
  private version = 0;

  constructor(
    private calendar: BusinessCalendar,
    previous?: ClockSetState,
  ) {
    this.clocks = { ...previous };
  }

  /** Counts with `calendar` from now on (a clock already running keeps its deadline until retimed). */
  useCalendar(calendar: BusinessCalendar): void {
    this.calendar = calendar;
  }

  /** Starts the named clock now; a clock already under that name is replaced. */
  start(spec: ClockSpec): ClockState {
    return this.put(startClock(spec, workflowNow(), this.calendar));
  }

  pause(name: string): ClockState | undefined {
    return this.apply(name, (s) => pauseClock(s, workflowNow()));
  }

  resume(name: string): ClockState | undefined {
    return this.apply(name, (s) => resumeClock(s, workflowNow()));
  }

  satisfy(name: string): ClockState | undefined {
    return this.apply(name, (s) => satisfyClock(s, workflowNow()));
  }

  extend(name: string, by: Limit): ClockState | undefined {
    return this.apply(name, (s) => extendClock(s, by, this.calendar));
  }

  retime(name: string, limit: Limit): ClockState | undefined {
    return this.apply(name, (s) => retimeClock(s, limit, this.calendar));
  }

  cancel(name: string): ClockState | undefined {
    return this.apply(name, (s) => cancelClock(s, workflowNow()));
  }

  get(name: string): ClockState | undefined {
    return this.clocks[name];
  }

  /** All clocks, for queries. */
  snapshot(): ClockState[] {
    return Object.values(this.clocks).map((s) => ({ ...s }));
  }

  /** The state to pass to the next run on continue-as-new. */
  state(): ClockSetState {
    return { ...this.clocks };
  }

  /** The earliest deadline among running clocks (for the NextDeadline search attribute). */
  nextDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const s of Object.values(this.clocks)) {
      if (s.status === 'running' && (earliest === undefined || s.deadline < earliest)) earliest = s.deadline;
    }
    return earliest;
  }

  /**
   * Waits until `predicate` returns a truthy value and returns it, meanwhile firing
   * `onWarn`/`onBreach` for clocks as they come due. A clock is marked before its handler
   * runs, so a handler fires at most once even if it throws. Signals and updates that
   * change the clocks while this waits take effect at once: the timer is recomputed.
   * `predicate` must be free of side effects; it is evaluated many times.
   */
  async waitFor<T>(predicate: () => T | undefined | false, handlers: ClockHandlers): Promise<T> {
    for (;;) {
      const result = predicate();
      if (result) return result;

      const now = workflowNow();
      const due = nextDue(Object.values(this.clocks), now);
      if (due !== undefined && due.at <= now) {
        recordDeadlineLateness(due, now);
        await this.fire(due.name, due.kind, now, handlers);
        continue;
      }

      const seen = this.version;
      const wake = () => Boolean(predicate()) || this.version !== seen;
      if (due === undefined) await condition(wake);
      else await condition(wake, due.at - now, { summary: `SLA ${due.name} ${due.kind}` });
    }
  }

  private async fire(name: string, kind: 'warn' | 'breach', now: number, handlers: ClockHandlers): Promise<void> {
    const clock = this.clocks[name];
    if (kind === 'warn') {
      await handlers.onWarn({ ...this.put(markWarned(clock)) });
    } else {
      await handlers.onBreach({ ...this.put(markBreached(clock, now)) });
    }
  }

  private apply(name: string, transition: (s: ClockState) => ClockState): ClockState | undefined {
    const current = this.clocks[name];
    return current === undefined ? undefined : this.put(transition(current));
  }

  private put(s: ClockState): ClockState {
    if (this.clocks[s.name] !== s) {
      this.clocks[s.name] = s;
      this.version++;
    }
    return s;
  }
}
