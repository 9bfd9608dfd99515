/** Maintenance (上门保养): a package bought with the order, a booked visit by the provider, its service record. */
import { z } from 'zod';
import { commandBase } from '../../contract/command-base';
import { epochMs, id, text } from '../../contract/common';
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
  intake: {
    needsOrder: true,
    check: ({ order, details }) =>
      order && !order.items.some((i) => i.sku === details.packageSku)
        ? { code: 'unknown_sku', title: 'Package not in the order', detail: 'the maintenance package must be an item of the order', errors: [{ field: 'body.details.packageSku', message: 'not in the order' }] }
        : undefined,
  },
  reportReason: () => 'maintenance',
});
