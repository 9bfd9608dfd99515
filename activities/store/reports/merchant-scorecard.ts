import type { CaseView } from '../../../workflows/domain/case';
import { clockOutcome, merchantOf, wasDisputed, wasRefunded } from './case-facts';
import { byKey, groupBy, percent } from './stats';

export interface OnTime {
  met: number;
  breached: number;
  percentage: number | null;
}

export interface MerchantScore {
  merchantId: string;
  cases: number;
  closed: number;
  refunded: number;
  /** Cases with a refund paid or settled, per case opened. */
  refundRate: number | null;
  disputed: number;
  /** Cases where the customer contested a decision (case-facts.ts DISPUTE_ACTIONS), per case opened. */
  disputeRate: number | null;
  /** The merchant_review clock: reviews decided before their deadline. */
  reviewOnTime: OnTime;
  /** The refund_start clock: refunds started before their deadline. */
  refundOnTime: OnTime;
  /** Every breached deadline the merchant owed. */
  breaches: number;
  /** Charges recorded against the merchant (e.g. a refund the platform paid on its behalf). */
  charges: { count: number; amountCents: number };
}

function onTime(views: readonly CaseView[], clockName: string): OnTime {
  let met = 0;
  let breached = 0;
  for (const v of views) {
    for (const c of v.clocks ?? []) {
      if (c.name !== clockName) continue;
      const outcome = clockOutcome(c.status);
      if (outcome === 'met') met += 1;
      if (outcome === 'breached') breached += 1;
    }
  }
  return { met, breached, percentage: percent(met, met + breached) };
}

export function merchantScorecard(views: readonly CaseView[]): MerchantScore[] {
  return byKey(groupBy(views, merchantOf)).map(([merchantId, list]) => {
    const refunded = list.filter(wasRefunded).length;
    const disputed = list.filter(wasDisputed).length;
    const charges = list.flatMap((v) => (v.charges ?? []).filter((c) => c.party === 'merchant'));
    return {
      merchantId,
      cases: list.length,
      closed: list.filter((v) => v.closedAt !== undefined).length,
      refunded,
      refundRate: percent(refunded, list.length),
      disputed,
      disputeRate: percent(disputed, list.length),
      reviewOnTime: onTime(list, 'merchant_review'),
      refundOnTime: onTime(list, 'refund_start'),
      breaches: list.reduce((n, v) => n + (v.clocks ?? []).filter((c) => c.status === 'breached' && c.owner === 'merchant').length, 0),
      charges: { count: charges.length, amountCents: charges.reduce((sum, c) => sum + c.amountCents, 0) },
    };
  });
}
