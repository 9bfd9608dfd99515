/**
 * Fault injector: rules queued per route, applied to the next `times` requests on that route, in
 * the order they were added (so "fail twice, then time out once" is two rules).
 *  - fail:    answer `status` (default 503) without processing the request
 *  - delay:   wait `delayMs` (default 1000), then process normally
 *  - timeout: process the request (the side effect happens), then hold the response for `delayMs`
 *             (default: the sandbox's hold, 30 s) so the client times out without learning the result
 *  - refuse:  answer 422 with the route's business-refusal code without processing
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
}

export interface FaultRule {
  id: number;
  route: string;
  mode: FaultMode;
  remaining: number;
  status?: number;
  delayMs?: number;
  reason?: string;
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

  add(spec: FaultSpec): FaultRule {
    const rule: FaultRule = {
      id: this.nextId++,
      route: spec.route,
      mode: spec.mode,
      remaining: spec.times ?? 1,
      ...(spec.status !== undefined && { status: spec.status }),
      ...(spec.delayMs !== undefined && { delayMs: spec.delayMs }),
      ...(spec.reason !== undefined && { reason: spec.reason }),
    };
    this.rules.push(rule);
    return { ...rule };
  }

  /** Consumes one application of the first rule queued for the route, if any. */
  take(route: string): AppliedFault | undefined {
    const rule = this.rules.find((r) => r.route === route && r.remaining > 0);
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules = this.rules.filter((r) => r !== rule);
    const { id, mode, status, delayMs, reason } = rule;
    return { ruleId: id, mode, status, delayMs, reason };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }
}
