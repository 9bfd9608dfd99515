/**
 * A kind that exists only in the tests, to show that a kind is its definition, its playbook and one registration each:
 * 价格保护, the customer asks for the difference after the price dropped; the merchant answers within its deadline,
 * and silence approves. Contract-level only (no workflow machinery), so it can be registered before the contract is built.
 */
import { z } from 'zod';
import { commandBase } from '../../../workflows/contract/command-base';
import { cents, text } from '../../../workflows/contract/common';
import { defineKind } from '../../../workflows/kinds/kind';

export const PRICE_PROTECTION_STATUSES = ['submitted', 'awaiting_price_protection_answer', 'closed'] as const;

export const priceProtectionKind = defineKind({
  kind: 'price_protection',
  details: z.strictObject({
    kind: z.literal('price_protection'),
    sku: text(100),
    newPriceCents: cents.openapi({ description: 'The price the item sells for now' }),
  }),
  statuses: PRICE_PROTECTION_STATUSES,
  facts: {
    priceDifferenceCents: z.int().optional().openapi({ description: 'Price protection: the difference the merchant owes' }),
  },
  commands: {
    answer_price_protection: z.strictObject({ ...commandBase, decision: z.enum(['approve', 'reject']) }),
  },
  policy: {},
  intake: {
    needsOrder: true,
    check: ({ order, details }) => {
      const item = order?.items.find((i) => i.sku === details.sku);
      if (!item) return { code: 'unknown_sku', title: 'Item not in the order', detail: `sku ${details.sku} is not in the order`, errors: [{ field: 'body.details.sku', message: 'not in the order' }] };
      if (details.newPriceCents >= item.unitPriceCents) {
        return { code: 'no_price_drop', title: 'No price drop', detail: 'the new price is not lower than the price paid', errors: [{ field: 'body.details.newPriceCents', message: 'not lower than the price paid' }] };
      }
      return undefined;
    },
  },
  reportReason: () => 'price_drop',
});

/** A kind with a definition and no playbook yet: the API refuses to open it. */
export const unplayedKind = defineKind({
  kind: 'unplayed',
  details: z.strictObject({ kind: z.literal('unplayed') }),
  statuses: ['submitted', 'closed'],
  facts: {},
  commands: {},
  policy: {},
  intake: { needsOrder: false },
  reportReason: () => 'unplayed',
});
