/** An exchange (换货): the goods come back as for a return, and a replacement goes out. */
import { z } from 'zod';
import { commandBase, commandReason } from '../../contract/command-base';
import { id } from '../../contract/common';
import { defineKind } from '../kind';
import { checkClaimedItems, claimItems, GOODS_RETURN_STATUSES, returnReason } from '../return/definition';

export const exchangeKind = defineKind({
  kind: 'exchange',
  details: z.strictObject({ kind: z.literal('exchange'), reason: returnReason, goodsIntact: z.boolean().optional(), replacementSku: id.optional(), items: claimItems }),
  statuses: [...GOODS_RETURN_STATUSES, 'awaiting_customer_confirmation', 'exchange_unresolved', 'settling_price_difference', 'refund_due', 'in_dispute', 'closed'],
  facts: {
    convertedToRefund: z.boolean().optional().openapi({ description: 'The exchange became a refund' }),
  },
  commands: {
    convert_to_refund: z.strictObject({ ...commandBase, reason: commandReason }),
  },
  policy: {},
  intake: { needsOrder: true, check: ({ order, details }) => checkClaimedItems(order, details.items) },
  reportReason: (details) => details.reason,
});
