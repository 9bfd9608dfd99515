/**
 * A return driven through the API as its parties would drive it, each request retried on 503 and on transport errors
 * with the same Idempotency-Key (commands too: the API turns the key into the update id, so a retry cannot act twice).
 * A step is done once the case has moved past the status it starts from; the checker verifies afterwards, from the
 * workflow itself, that each step happened exactly once.
 */
import { returnCaseBody } from '../bench/fixtures';
import { sleep, type ApiClient, type Answer } from './api-client';

export const KEYS = {
  agent: 'dev-agent-key',
  merchant: 'dev-merchant-a-key',
  courier: 'dev-courier-key',
  supervisor: 'dev-supervisor-key',
} as const;

/** The statuses a return passes through on the happy path, in order. */
export const RETURN_PATH = [
  'submitted',
  'awaiting_merchant_review',
  'awaiting_return_shipment',
  'return_in_transit',
  'awaiting_inspection',
  'goods_accepted',
  'refund_due',
  'closed',
] as const;

/** The audit actions of that path that must each appear exactly once in a refunded return. */
export const RETURN_STEPS = ['merchant_approved', 'shipped_back', 'return_delivered_to_merchant', 'inspection_accepted', 'refund_requested', 'refund_issued', 'refunded'] as const;

/** How many cases wait at each step now, e.g. "inspect×3 start-refund×2". */
export function stepSummary(steps: Map<string, string>): string {
  const counts = new Map<string, number>();
  for (const step of steps.values()) counts.set(step, (counts.get(step) ?? 0) + 1);
  return [...counts.entries()].map(([step, k]) => `${step}×${k}`).join(' ') || 'none';
}

const rank = (status: unknown) => RETURN_PATH.indexOf(status as (typeof RETURN_PATH)[number]);

export class ReturnDriver {
  /** The step each case being driven is at (removed once driven). */
  readonly steps = new Map<string, string>();

  constructor(
    private readonly api: ApiClient,
    /** Prefix of every Idempotency-Key, unique per run and scenario. */
    private readonly run: string,
    /** Epoch ms after which a step gives up (a stalled case fails its lane instead of holding the run). */
    private readonly deadline: number,
  ) {}

  /** Opens the return for case number `i`; answers its case id. */
  async open(i: number): Promise<string> {
    const key = `${this.run}-open-${i}`;
    const answer = await this.api.retrying('POST', '/cases', KEYS.agent, returnCaseBody(`order-${this.run}-${i}`), { 'Idempotency-Key': key });
    // 202: accepted, its first view late (overload); the case exists and the next step finds it.
    if (answer.status !== 201 && answer.status !== 200 && answer.status !== 202) throw new Error(`open ${i}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body.caseId as string;
  }

  async status(caseId: string): Promise<string> {
    const answer = await this.api.retrying('GET', `/cases/${caseId}`, KEYS.agent);
    if (answer.status !== 200) throw new Error(`read ${caseId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body.status as string;
  }

  approve(caseId: string) {
    return this.command(caseId, 'awaiting_merchant_review', 'merchant-review', KEYS.merchant, { decision: 'approve', returnAddress: 'Returns desk, 8 Harbour Rd' });
  }

  shipBack(caseId: string) {
    return this.command(caseId, 'awaiting_return_shipment', 'ship-back', KEYS.agent, { trackingNumber: trackingOf(caseId), carrier: 'SF' });
  }

  /** The courier's delivery scan (a signal, 202), sent again with the same dedup key until the case moves on. */
  async delivered(caseId: string): Promise<void> {
    const scan = { caseId, dedupKey: `${caseId}-delivered`, trackingNumber: trackingOf(caseId), event: 'delivered', at: new Date().toISOString() };
    await this.until(caseId, 'return_in_transit', () => this.api.call('POST', '/callbacks/courier', KEYS.courier, scan), 1000);
  }

  inspect(caseId: string) {
    return this.command(caseId, 'awaiting_inspection', 'inspect', KEYS.merchant, { result: 'accepted', findings: 'leak confirmed at the base seal' });
  }

  /** start-refund leaves the case in refund_due until the payment partner has paid: done once the command is taken. */
  startRefund(caseId: string): Promise<void> {
    const key = { 'Idempotency-Key': `${this.run}-${caseId}-start-refund` };
    // Refused (409) while the case is still at goods_accepted on its way to refund_due: sent again once it is there.
    return this.until(caseId, 'refund_due', () => this.api.call('POST', `/cases/${caseId}/commands/start-refund`, KEYS.merchant, {}, key), 0, 'goods_accepted');
  }

  /** Every step from merchant review to the refund request. */
  driveToRefund(caseId: string): Promise<void> {
    return this.drive(caseId, [
      ['approve', (id) => this.approve(id)],
      ['ship-back', (id) => this.shipBack(id)],
      ['delivered', (id) => this.delivered(id)],
      ['inspect', (id) => this.inspect(id)],
      ['start-refund', (id) => this.startRefund(id)],
    ]);
  }

  /** Merchant review and ship-back: the goods on their way back. */
  driveToShipBack(caseId: string): Promise<void> {
    return this.drive(caseId, [
      ['approve', (id) => this.approve(id)],
      ['ship-back', (id) => this.shipBack(id)],
    ]);
  }

  private async drive(caseId: string, steps: Array<[string, (id: string) => Promise<void>]>): Promise<void> {
    for (const [name, step] of steps) {
      this.steps.set(caseId, name);
      await step(caseId);
    }
    this.steps.delete(caseId);
  }

  private command(caseId: string, from: string, name: string, key: string, body: object): Promise<void> {
    const idempotencyKey = `${this.run}-${caseId}-${name}`;
    return this.until(caseId, from, () => this.api.call('POST', `/cases/${caseId}/commands/${name}`, key, body, { 'Idempotency-Key': idempotencyKey }), 0);
  }

  /**
   * Sends `act` first without looking (the common case: the case is where the driver left it); then, until the case is
   * past `from`, reads its status and sends again while it is at `from` (or at `alsoFrom`), waiting while a stale read
   * shows it earlier. A 2xx ends it, unless `settleMs` asks to read the status again that long after.
   */
  private async until(caseId: string, from: string, act: () => Promise<Answer | undefined>, settleMs: number, alsoFrom?: string): Promise<void> {
    for (let round = 0; ; round++) {
      if (Date.now() > this.deadline) throw new Error(`${caseId}: still at or before ${from} when the scenario's time ran out`);
      if (round > 0) {
        const at = rank(await this.status(caseId));
        if (at > rank(from)) return;
        if (at < rank(from) && (alsoFrom === undefined || at !== rank(alsoFrom))) {
          await sleep(500);
          continue;
        }
      }
      const answer = await act().catch(() => undefined);
      if (answer && answer.status < 300 && settleMs === 0) return;
      await sleep(answer && answer.status < 300 ? settleMs : Math.min(2000, 250 * (round + 1)));
    }
  }
}

const trackingOf = (caseId: string) => `SF${caseId.slice(-12)}`;
