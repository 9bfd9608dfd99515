/** Notification gateway: SMS and e-mail to customers by template, and messages to staff roles' queues. */
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
  defineRoute({
    path: '/notifications/staff',
    schema: z.object({ caseId: id, role: id, message: z.string().min(1).max(4000) }),
    handle(input, { state, idempotencyKey, now }) {
      const messageId = newId('msg');
      state.records.staffNotifications.push({ messageId, ...input, idempotencyKey, createdAt: now });
      return ok({ messageId });
    },
  }),
];
