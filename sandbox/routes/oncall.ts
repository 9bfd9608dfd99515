/** On-call paging (e.g. the safety owner when a safety incident's 2-hour clock runs out). */
import { z } from 'zod';
import { defineRoute, ok, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { id, text } from './schemas';

export const oncallRoutes: PartnerRoute[] = [
  defineRoute({
    path: '/oncall/pages',
    schema: z.object({ caseId: id, severity: z.enum(['critical', 'high', 'medium', 'low']), message: text }),
    handle(input, { state, idempotencyKey, now }) {
      const pageId = newId('pg');
      state.records.pages.push({ pageId, ...input, idempotencyKey, createdAt: now });
      return ok({ pageId });
    },
  }),
];
