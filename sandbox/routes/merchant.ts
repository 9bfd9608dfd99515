/** Merchant system: notifications about a case concerning one of the merchant's orders. */
import { z } from 'zod';
import { defineRoute, ok, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { id, text } from './schemas';

export const merchantRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/merchant/notifications',
    schema: z.object({ caseId: id, merchantId: id, event: id, message: text }),
    handle(input, { state, idempotencyKey, now }) {
      const notificationId = newId('mn');
      state.records.merchantNotifications.push({ notificationId, ...input, idempotencyKey, createdAt: now });
      return ok({ notificationId });
    },
  }),
];
