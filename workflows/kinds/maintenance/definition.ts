/** Maintenance (上门保养): a package bought with the order, a booked visit by the provider, its service record. */
import { z } from 'zod';
import { commandBase } from '../../contract/command-base';
import { epochMs, id, text } from '../../contract/common';
import { policyKey } from '../../policy/policy-key';
import { hours, LIMIT } from '../../policy/limits';
import { defineKind } from '../kind';

export const maintenanceKind = defineKind({
  kind: 'maintenance',
  details: z.strictObject({ kind: z.literal('maintenance'), packageSku: id.openapi({ description: 'The maintenance package bought with the order (an item of the order)' }), serviceAddress: text(500).optional() }),
  statuses: ['submitted', 'awaiting_booking', 'service_booked', 'closed'],
  facts: {
    serviceSlotAt: epochMs.optional().openapi({ description: 'Maintenance: the booked slot' }),
    serviceBookingId: z.string().optional(),
    serviceBookings: z.int().optional().openapi({ description: 'Maintenance: bookings made with the provider (each reschedule or rebooking is one)' }),
    serviceReschedules: z.int().optional().openapi({ description: 'Maintenance: reschedules and customer no-shows, against policy.maintenanceRescheduleLimit' }),
    serviceRecord: z.string().optional().openapi({ description: 'Maintenance: the service record of the completed visit' }),
  },
  commands: {
    book_service: z
      .strictObject({ ...commandBase, slotAt: epochMs.openapi({ description: 'The slot, in the future' }) })
      .openapi({ description: 'Maintenance: books the provider for a slot (a slot in the past is 422 slot_in_past)' }),
    reschedule_service: z
      .strictObject({ ...commandBase, slotAt: epochMs })
      .openapi({ description: 'Maintenance: moves the booking to another slot, up to policy.maintenanceRescheduleLimit times (then 422 reschedule_limit_reached)' }),
    record_service: z
      .union([
        z.strictObject({ ...commandBase, outcome: z.literal('completed'), serviceRecord: text(4000).openapi({ description: 'What was done, as the provider recorded it' }) }),
        z.strictObject({ ...commandBase, outcome: z.enum(['customer_no_show', 'provider_no_show']) }),
      ])
      .openapi({ description: 'Maintenance: the visit took place (with its service record), or one side did not show up' }),
  },
  policy: {
    maintenanceReminderBefore: policyKey(z.strictObject({ hours: z.number().nonnegative().optional(), minutes: z.number().nonnegative().optional() }), {
      description: 'Maintenance: the customer is reminded this long before the slot',
      default: { hours: 24 },
      whenAbsent: 'none',
    }),
    maintenanceNoShowGrace: policyKey(LIMIT, { description: 'Maintenance: how long after the slot the visit’s outcome may be recorded before the provider counts as absent', default: hours(24), whenAbsent: { value: hours(24) } }),
    maintenanceRescheduleLimit: policyKey(z.int().min(0).max(20), { description: 'Maintenance: reschedules (customer no-shows included) a booking allows', default: 2, whenAbsent: { value: 2 } }),
  },
  intake: {
    needsOrder: true,
    check: ({ order, details }) =>
      order && !order.items.some((i) => i.sku === details.packageSku)
        ? { code: 'unknown_sku', title: 'Package not in the order', detail: 'the maintenance package must be an item of the order', errors: [{ field: 'body.details.packageSku', message: 'not in the order' }] }
        : undefined,
  },
  reportReason: () => 'maintenance',
});
