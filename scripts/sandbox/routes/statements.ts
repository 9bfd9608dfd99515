/** Monthly statements: the courier, the warehouse and each merchant receive theirs (seed 003 快递月结). */
import { z } from 'zod';
import { defineRoute, ok, type PartnerRoute } from '../partner-route';
import { newId } from '../state';
import { id } from './schemas';

const statement = z.object({
  statementId: id,
  partyId: id,
  period: z.string().regex(/^\d{4}-\d{2}$/),
  totalCents: z.int(),
  currency: id,
  lines: z.array(z.object({ key: id, caseId: id, amountCents: z.int(), reason: id })),
});

export const statementRoutes: PartnerRoute[] = (['courier', 'warehouse', 'merchant'] as const).map((party) =>
  defineRoute({
    path: `/${party}/statements`,
    schema: statement,
    handle(input, { state, idempotencyKey, now }) {
      const receiptId = newId('st');
      state.records.statements.push({ receiptId, party, ...input, idempotencyKey, createdAt: now });
      return ok({ receiptId });
    },
  }),
);
