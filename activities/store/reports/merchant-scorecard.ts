import type { ReportFacts } from './report-facts';
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
  /** Cases where the customer contested a decision (report-facts.ts DISPUTE_ACTIONS), per case opened. */
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

function onTime(cases: readonly ReportFacts[], clockName: string): OnTime {
  let met = 0;
  let breached = 0;
  for (const f of cases) {
    for (const c of f.clocks) {
      if (c.name !== clockName) continue;
      if (c.outcome === 'met') met += 1;
      if (c.outcome === 'breached') breached += 1;
    }
  }
  return { met, breached, percentage: percent(met, met + breached) };
}

export function merchantScorecard(cases: readonly ReportFacts[]): MerchantScore[] {
  return byKey(groupBy(cases, (f) => f.merchantId)).map(([merchantId, list]) => {
    const refunded = list.filter((f) => f.refunded).length;
    const disputed = list.filter((f) => f.disputed).length;
    return {
      merchantId,
      cases: list.length,
      closed: list.filter((f) => f.closedAt !== undefined).length,
      refunded,
      refundRate: percent(refunded, list.length),
      disputed,
      disputeRate: percent(disputed, list.length),
      reviewOnTime: onTime(list, 'merchant_review'),
      refundOnTime: onTime(list, 'refund_start'),
      breaches: list.reduce((n, f) => n + f.clocks.filter((c) => c.outcome === 'breached' && c.owner === 'merchant').length, 0),
      charges: {
        count: list.reduce((n, f) => n + (f.merchantCharges?.count ?? 0), 0),
        amountCents: list.reduce((n, f) => n + (f.merchantCharges?.amountCents ?? 0), 0),
      },
    };
  });
}
