/** Monthly statements: each courier company, warehouse and merchant receives its own (seed 003 快递月结). */
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

const statementRoute = (party: 'courier' | 'warehouse' | 'merchant', path: string) =>
  defineRoute({
    path,
    schema: statement,
    handle(input, { state, idempotencyKey, now, params }) {
      const receiptId = newId('st');
      state.records.statements.push({ receiptId, party, ...input, ...(params.companyId && { companyId: params.companyId }), idempotencyKey, createdAt: now });
      return ok({ receiptId });
    },
  });

/** The sandbox plays several courier and warehouse companies: each has its own endpoint under /companies/<companyId>. */
export const statementRoutes: PartnerRoute[] = [
  ...(['courier', 'warehouse', 'merchant'] as const).map((party) => statementRoute(party, `/${party}/statements`)),
  ...(['courier', 'warehouse'] as const).map((party) => statementRoute(party, `/companies/:companyId/${party}/statements`)),
];
