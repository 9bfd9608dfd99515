/** Payment: refunds to the original payment method. The refund ledger is what "exactly once" is proven on. */
import { z } from 'zod';
import { defineRoute, ok, refuse, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { id } from './schemas';

export const paymentRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/payment/refunds',
    refusalCode: 'refund_refused',
    schema: z.object({
      caseId: id,
      orderId: id,
      amountCents: z.number().int(),
      currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code, e.g. CNY'),
      method: z.literal('original'),
    }),
    handle(input, { state, idempotencyKey, now }) {
      if (input.amountCents <= 0) return refuse('amount_not_positive', 'refund amount must be positive');
      const cap = state.refundCaps.get(input.orderId);
      const alreadyRefunded = state.refunds.filter((r) => r.orderId === input.orderId).reduce((sum, r) => sum + r.amountCents, 0);
      if (cap !== undefined && alreadyRefunded + input.amountCents > cap) {
        return refuse(
          'exceeds_refundable_amount',
          `refund of ${input.amountCents} would bring order ${input.orderId} to ${alreadyRefunded + input.amountCents}, above its cap ${cap}`,
        );
      }
      const refundId = newId('rf');
      state.refunds.push({ refundId, ...input, status: 'succeeded', idempotencyKey, createdAt: now });
      return ok({ refundId, status: 'succeeded' });
    },
  }),
];
