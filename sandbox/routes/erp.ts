/** ERP: reship orders (exchange, missing or damaged items). */
import { z } from 'zod';
import { defineRoute, ok, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { id } from './schemas';

export const erpRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/erp/reship-orders',
    schema: z.object({
      caseId: id,
      orderId: id,
      items: z.array(z.object({ sku: id, quantity: z.number().int().positive(), name: z.string().optional() })).min(1),
    }),
    handle(input, { state, idempotencyKey, now }) {
      const erpOrderId = newId('erp');
      state.records.reshipOrders.push({ erpOrderId, ...input, idempotencyKey, createdAt: now });
      return ok({ erpOrderId });
    },
  }),
];
