/** Repair intake (seed 000 三(二), 001 维修处理): is the item still under the warranty its category gets in the policy? Pure. */
import type { CasePolicy } from '../policy';
import { addDuration } from '../sla/calendar';
import type { OrderSnapshot } from './case';

export type WarrantyCheck = { known: false; reason: string } | { known: true; inWarranty: boolean; endsAt: number };

/** The warranty runs from delivery (else purchase) for the category's period; a category without one has no warranty information. */
export function checkWarranty(order: OrderSnapshot, policy: Pick<CasePolicy, 'version' | 'calendar' | 'warrantyByCategory'>, now: number): WarrantyCheck {
  const period = policy.warrantyByCategory?.[order.category];
  if (!period) return { known: false, reason: `no warranty period for category "${order.category}" in policy ${policy.version}` };
  const endsAt = addDuration(order.deliveredAt ?? order.purchasedAt, period, policy.calendar);
  return { known: true, inWarranty: now <= endsAt, endsAt };
}
