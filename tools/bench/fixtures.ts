/** What the bench sends: an eligible return on merchant-a's order, and the dev keys and actor it acts with. */
import { DEV_API_KEYS } from '../../config/api-keys';
import type { Actor } from '../../workflows/domain/parties';

const keyOf = (id: string) => {
  const entry = DEV_API_KEYS.find((k) => k.id === id);
  if (!entry) throw new Error(`no development API key for ${id}`);
  return entry;
};

export const AGENT_KEY = keyOf('agent-dev').key;
const merchant = keyOf('merchant-a-user');
export const MERCHANT_KEY = merchant.key;
/** The actor the API records for MERCHANT_KEY; the direct side sends the same one. */
export const MERCHANT_ACTOR: Actor = { id: merchant.id, role: merchant.role, merchantId: merchant.merchantId };

/** POST /cases body: a kettle bought five days ago, delivered two days ago, returned for a quality defect. */
export function returnCaseBody(orderId: string) {
  const now = Date.now();
  const day = 86_400_000;
  return {
    channel: 'online',
    customer: { name: 'Li Wei', phone: '+86 138 0013 8000', email: 'li.wei@example.com' },
    order: {
      orderId,
      merchantId: 'merchant-a',
      customerId: 'customer-1',
      paidAmountCents: 25900,
      currency: 'CNY',
      purchasedAt: now - 5 * day,
      shippedAt: now - 4 * day,
      deliveredAt: now - 2 * day,
      category: 'kitchen',
      items: [{ sku: 'kettle-1', name: 'Kettle', quantity: 1, unitPriceCents: 25900 }],
    },
    description: 'The kettle leaks from the base.',
    evidence: [{ kind: 'photo', uri: 'https://files.example/p/123.jpg' }],
    details: { kind: 'return', reason: 'quality_defect' },
  };
}
