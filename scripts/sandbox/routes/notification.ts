/** Customer notification gateway: SMS and e-mail by template. */
import { z } from 'zod';
import { defineRoute, ok, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { id } from './schemas';

export const notificationRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/notifications/customer',
    schema: z.object({
      caseId: id,
      channel: z.enum(['sms', 'email']),
      template: id,
      to: id.optional(),
      variables: z.record(z.string(), z.unknown()).optional(),
    }),
    handle(input, { state, idempotencyKey, now }) {
      const messageId = newId('msg');
      state.records.customerNotifications.push({ messageId, ...input, idempotencyKey, createdAt: now });
      return ok({ messageId });
    },
  }),
];
