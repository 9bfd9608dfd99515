/**
 * Fault injector: rules queued per route, applied to the next `times` requests on that route, in
 * the order they were added (so "fail twice, then time out once" is two rules).
 *  - fail:    answer `status` (default 503) without processing the request
 *  - delay:   wait `delayMs` (default 1000), then process normally
 *  - timeout: process the request (the side effect happens), then hold the response for `delayMs`
 *             (default: the sandbox's hold, 30 s) so the client times out without learning the result
 *  - refuse:  answer 422 with the route's business-refusal code without processing
 * A rule with a `probability` applies to each request on its route with that chance (a request it passes over goes on
 * to the next rule), so "fail 30 % of calls" is one rule with a large `times`.
 */

export const FAULT_MODES = ['fail', 'delay', 'timeout', 'refuse'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSpec {
  route: string;
  mode: FaultMode;
  times?: number;
  status?: number;
  delayMs?: number;
  reason?: string;
  /** Chance (0 < p <= 1) that the rule applies to a request; 1 when absent. */
  probability?: number;
}

export interface FaultRule {
  id: number;
  route: string;
  mode: FaultMode;
  remaining: number;
  status?: number;
  delayMs?: number;
  reason?: string;
  probability?: number;
}

/** What a single request gets from a rule. */
export interface AppliedFault {
  ruleId: number;
  mode: FaultMode;
  status?: number;
  delayMs?: number;
  reason?: string;
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private nextId = 1;
  /** Called after every change of the rules (added, applied, removed, cleared), e.g. to journal them. */
  onChange?: () => void;

  /** The rules and the next rule id, as the journal keeps them. */
  snapshot(): { rules: FaultRule[]; nextId: number } {
    return { rules: this.list(), nextId: this.nextId };
  }

  restore(snapshot: { rules: FaultRule[]; nextId: number }): void {
    this.rules = snapshot.rules.map((r) => ({ ...r }));
    this.nextId = snapshot.nextId;
  }

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = {
      id: this.nextId++,
      route: spec.route,
      mode: spec.mode,
      remaining: spec.times ?? 1,
      ...(spec.status !== undefined && { status: spec.status }),
      ...(spec.delayMs !== undefined && { delayMs: spec.delayMs }),
      ...(spec.reason !== undefined && { reason: spec.reason }),
      ...(spec.probability !== undefined && { probability: spec.probability }),
    };
    this.rules.push(rule);
    this.onChange?.();
    return { ...rule };
  }

  /** Consumes one application of the first rule queued for the route, if any. */
  take(route: string, random: () => number = Math.random): AppliedFault | undefined {
    const rule = this.rules.find((r) => r.route === route && r.remaining > 0 && (r.probability === undefined || random() < r.probability));
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    this.onChange?.();
    const { id, mode, status, delayMs, reason } = rule;
    return { ruleId: id, mode, status, delayMs, reason };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Drops one rule (e.g. a partner outage that is over). */
  remove(id: number): void {
    this.rules = this.rules.filter((r) => r.id !== id);
    this.onChange?.();
  }

  clear(): void {
    this.rules = [];
    this.onChange?.();
  }
}
