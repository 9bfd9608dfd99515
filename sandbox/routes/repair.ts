/** Repair provider: repair orders (dispatch of goods to repair), instructions on them (proceed after a quote, return unrepaired), maintenance service bookings. */
import { z } from 'zod';
import { defineRoute, ok, refuse, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { companyId, id, text } from './schemas';

export const repairRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/repair/orders',
    refusalCode: 'repair_refused',
    schema: z.object({ caseId: id, companyId, orderId: id, sku: id, fault: text, chargeable: z.boolean(), inboundTrackingNumber: id.optional() }),
    handle(input, { state, idempotencyKey, now }) {
      const repairOrderId = newId('rep');
      state.records.repairOrders.push({ repairOrderId, ...input, idempotencyKey, createdAt: now });
      return ok({ repairOrderId, status: 'accepted' });
    },
  }),
  defineRoute({
    path: '/repair/instructions',
    refusalCode: 'repair_refused',
    schema: z.object({ caseId: id, companyId, repairOrderId: id, instruction: z.enum(['proceed', 'return_unrepaired']) }),
    handle(input, { state, idempotencyKey, now }) {
      if (!state.records.repairOrders.some((o) => o.repairOrderId === input.repairOrderId)) return refuse('unknown_repair_order', `no repair order ${input.repairOrderId}`);
      const instructionId = newId('ins');
      state.records.repairInstructions.push({ instructionId, ...input, idempotencyKey, createdAt: now });
      return ok({ instructionId });
    },
  }),
  defineRoute({
    path: '/repair/service-bookings',
    refusalCode: 'booking_refused',
    schema: z.object({ caseId: id, companyId, orderId: id, packageSku: id, slotAt: z.number().int().nonnegative() }),
    handle(input, { state, idempotencyKey, now }) {
      const bookingId = newId('bk');
      state.records.serviceBookings.push({ bookingId, ...input, idempotencyKey, createdAt: now });
      return ok({ bookingId });
    },
  }),
];
