/**
 * Item-level returns and exchanges (seed 000 三(四)3): which order lines a request is about, how the merchant inspected
 * each, and the refund they make: the accepted items' prices, plus the return postage where due, minus deductions.
 * Pure (bundled into the workflow, used by the API's create validation and the unit tests).
 */
import type { ClaimItem, ItemInspection, OrderSnapshot, RefundLine, ReturnReason } from './case';
import type { EvidenceRef } from './parties';

/** A refused field: `field` is the path in the request body (e.g. details.items.1.quantity). */
export interface ClaimIssue {
  field: string;
  code: 'unknown_sku' | 'duplicate_sku' | 'quantity_exceeds_order' | 'sku_not_claimed' | 'deduction_above_price';
  message: string;
}

function boughtBySku(order: OrderSnapshot): Map<string, { quantity: number; unitPriceCents: number }> {
  const bought = new Map<string, { quantity: number; unitPriceCents: number }>();
  for (const item of order.items) {
    const known = bought.get(item.sku);
    bought.set(item.sku, { quantity: (known?.quantity ?? 0) + item.quantity, unitPriceCents: known?.unitPriceCents ?? item.unitPriceCents });
  }
  return bought;
}

/** The request's items against its order: skus of the order, each once, no more than bought. Empty when they fit. */
export function claimIssues(order: OrderSnapshot, items: readonly ClaimItem[] | undefined, prefix = 'details.items'): ClaimIssue[] {
  if (!items) return [];
  const bought = boughtBySku(order);
  const seen = new Set<string>();
  const issues: ClaimIssue[] = [];
  items.forEach((item, i) => {
    const line = bought.get(item.sku);
    if (!line) issues.push({ field: `${prefix}.${i}.sku`, code: 'unknown_sku', message: `sku ${item.sku} is not in order ${order.orderId}` });
    else if (seen.has(item.sku)) issues.push({ field: `${prefix}.${i}.sku`, code: 'duplicate_sku', message: `sku ${item.sku} is listed twice; give it once with its total quantity` });
    else if (item.quantity > line.quantity) {
      issues.push({ field: `${prefix}.${i}.quantity`, code: 'quantity_exceeds_order', message: `${item.quantity} of sku ${item.sku} asked, ${line.quantity} bought` });
    }
    seen.add(item.sku);
  });
  return issues;
}

/** The lines a request is about: its items, else every item of the order with the request's reason (order-level). */
export function claimedLines(order: OrderSnapshot, details: { reason: ReturnReason; items?: ClaimItem[] }): ClaimItem[] {
  if (details.items?.length) return details.items.map((i) => ({ ...i }));
  return [...boughtBySku(order)].map(([sku, line]) => ({ sku, quantity: line.quantity, reason: details.reason }));
}

/**
 * What each claimed line cost: its unit price × quantity, scaled to what was paid when the order's items add up to
 * more or less (a discount); a request for the whole order gets exactly the amount paid.
 */
export function claimedPrices(order: OrderSnapshot, claimed: readonly ClaimItem[]): number[] {
  const bought = boughtBySku(order);
  const itemsTotal = [...bought.values()].reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
  const paid = order.paidAmountCents;
  const prices = claimed.map((c) => {
    const full = (bought.get(c.sku)?.unitPriceCents ?? 0) * c.quantity;
    if (itemsTotal === paid) return full;
    return itemsTotal === 0 ? 0 : Math.floor((full * paid) / itemsTotal);
  });
  const wholeOrder = [...bought].every(([sku, line]) => claimed.some((c) => c.sku === sku && c.quantity === line.quantity));
  if (wholeOrder && prices.length > 0) prices[prices.length - 1] += paid - prices.reduce((a, b) => a + b, 0);
  return prices;
}

export interface InspectPayload {
  result: 'accepted' | 'rejected';
  findings?: string;
  evidence?: EvidenceRef[];
  items?: Array<{ sku: string; result: 'accepted' | 'rejected'; deductionCents?: number; findings?: string; evidence?: EvidenceRef[] }>;
}

/** An inspect command's items against the claimed lines; fields are paths in the command's body. */
export function inspectionIssues(order: OrderSnapshot, claimed: readonly ClaimItem[], payload: InspectPayload): ClaimIssue[] {
  const issues: ClaimIssue[] = [];
  const prices = claimedPrices(order, claimed);
  const seen = new Set<string>();
  payload.items?.forEach((item, i) => {
    const at = claimed.findIndex((c) => c.sku === item.sku);
    if (at < 0) issues.push({ field: `items.${i}.sku`, code: 'sku_not_claimed', message: `sku ${item.sku} is not one of the items the request is about` });
    else if (seen.has(item.sku)) issues.push({ field: `items.${i}.sku`, code: 'duplicate_sku', message: `sku ${item.sku} is inspected twice` });
    else if (item.deductionCents !== undefined && item.deductionCents > prices[at]) {
      issues.push({ field: `items.${i}.deductionCents`, code: 'deduction_above_price', message: `deduction ${item.deductionCents} is above the item's price ${prices[at]}` });
    }
    seen.add(item.sku);
  });
  return issues;
}

/** Each claimed line's inspection: its own entry, else the parcel's result. */
export function inspectItems(claimed: readonly ClaimItem[], payload: InspectPayload): ItemInspection[] {
  return claimed.map((c) => {
    const own = payload.items?.find((i) => i.sku === c.sku);
    if (!own) return { sku: c.sku, quantity: c.quantity, result: payload.result };
    return {
      sku: c.sku,
      quantity: c.quantity,
      result: own.result,
      ...(own.deductionCents !== undefined && { deductionCents: own.deductionCents }),
      ...(own.findings !== undefined && { findings: own.findings }),
      ...(own.evidence?.length && { evidence: own.evidence }),
    };
  });
}

/** Every claimed line accepted (goods deemed accepted, or an inspection of the whole parcel). */
export function allAccepted(claimed: readonly ClaimItem[]): ItemInspection[] {
  return claimed.map((c) => ({ sku: c.sku, quantity: c.quantity, result: 'accepted' as const }));
}

export interface ItemRefund {
  lines: RefundLine[];
  /** What the merchant refunds: accepted items less deductions (the least start_refund may ask). */
  dueCents: number;
  /** The accepted items without deductions (the most start_refund may ask). */
  maxCents: number;
  /** Every line: due plus the postage refunded apart. */
  totalCents: number;
}

/** The refund of the accepted items, their deductions and the return postage refunded (0 when the customer bears it). */
export function computeItemRefund(order: OrderSnapshot, claimed: readonly ClaimItem[], inspections: readonly ItemInspection[], postageCents = 0): ItemRefund {
  const prices = claimedPrices(order, claimed);
  const lines: RefundLine[] = [];
  let items = 0;
  let deductions = 0;
  claimed.forEach((c, i) => {
    const inspection = inspections.find((x) => x.sku === c.sku);
    if (inspection?.result !== 'accepted') return;
    lines.push({ kind: 'item', sku: c.sku, quantity: c.quantity, amountCents: prices[i], reason: c.reason });
    items += prices[i];
    const deduction = Math.min(inspection.deductionCents ?? 0, prices[i]);
    if (deduction > 0) {
      lines.push({ kind: 'deduction', sku: c.sku, amountCents: -deduction, ...(inspection.findings && { reason: inspection.findings }), ...(inspection.evidence && { evidence: inspection.evidence }) });
      deductions += deduction;
    }
  });
  if (postageCents > 0) lines.push({ kind: 'postage', amountCents: postageCents, reason: 'return_postage_refund' });
  return { lines, dueCents: items - deductions, maxCents: items, totalCents: items - deductions + Math.max(postageCents, 0) };
}

/** The accepted lines to reship in an exchange: each accepted item again, or the requested replacement sku. */
export function exchangedItems(inspections: readonly ItemInspection[], replacementSku?: string): Array<{ sku: string; quantity: number }> {
  return inspections.filter((i) => i.result === 'accepted').map((i) => ({ sku: replacementSku ?? i.sku, quantity: i.quantity }));
}
