/** Repair provider: repair orders (dispatch of goods to repair) and instructions on them (proceed after a quote, return unrepaired). */
import { z } from 'zod';
import { defineRoute, ok, refuse, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { id, text } from './schemas';

export const repairRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/repair/orders',
    refusalCode: 'repair_refused',
    schema: z.object({ caseId: id, orderId: id, sku: id, fault: text, chargeable: z.boolean(), inboundTrackingNumber: id.optional() }),
    handle(input, { state, idempotencyKey, now }) {
      const repairOrderId = newId('rep');
      state.records.repairOrders.push({ repairOrderId, ...input, idempotencyKey, createdAt: now });
      return ok({ repairOrderId, status: 'accepted' });
    },
  }),
  defineRoute({
    path: '/repair/instructions',
    refusalCode: 'repair_refused',
    schema: z.object({ caseId: id, repairOrderId: id, instruction: z.enum(['proceed', 'return_unrepaired']) }),
    handle(input, { state, idempotencyKey, now }) {
      if (!state.records.repairOrders.some((o) => o.repairOrderId === input.repairOrderId)) return refuse('unknown_repair_order', `no repair order ${input.repairOrderId}`);
      const instructionId = newId('ins');
      state.records.repairInstructions.push({ instructionId, ...input, idempotencyKey, createdAt: now });
      return ok({ instructionId });
    },
  }),
];
