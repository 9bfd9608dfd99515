/** A return from open to refund through the API, as the walk-through in README.md drives it, each call a real HTTP request. */
import { returnCaseBody } from '../fixtures';

const KEYS = { agent: 'dev-agent-key', merchant: 'dev-merchant-a-key', customer: 'dev-customer-key', courier: 'dev-courier-key' } as const;

export function returnPath(apiUrl: string) {
  const call = async (method: string, route: string, key: string, expected: number[], body?: object, headers: Record<string, string> = {}) => {
    const response = await fetch(`${apiUrl}${route}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body && { 'Content-Type': 'application/json' }), ...headers },
      ...(body && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!expected.includes(response.status)) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 200)}`);
    return text ? (JSON.parse(text) as { caseId: string; status: string }) : undefined;
  };
  const waitForStatus = async (caseId: string, status: string) => {
    for (let i = 0; i < 480; i++) {
      if ((await call('GET', `/cases/${caseId}`, KEYS.agent, [200]))?.status === status) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`case ${caseId} never reached ${status}`);
  };
  return {
    /** POST /cases: a return awaiting the merchant's review. */
    open: async (key: string) => (await call('POST', '/cases', KEYS.customer, [201], returnCaseBody(`order-${key}`), { 'Idempotency-Key': key }))!.caseId,
    /** Approve, ship back, delivered, inspected and accepted, refund started: until the case is closed refunded. */
    driveToRefund: async (caseId: string) => {
      const tracking = `SF${caseId.slice(-10)}`;
      await call('POST', `/cases/${caseId}/commands/merchant-review`, KEYS.merchant, [200], { decision: 'approve', returnAddress: 'Returns desk, 8 Harbour Rd' });
      await call('POST', `/cases/${caseId}/commands/ship-back`, KEYS.customer, [200], { trackingNumber: tracking, carrier: 'SF Express' });
      await call('POST', '/callbacks/courier', KEYS.courier, [202], { caseId, dedupKey: `${tracking}-delivered`, trackingNumber: tracking, event: 'delivered', at: Date.now() });
      await waitForStatus(caseId, 'awaiting_inspection');
      await call('POST', `/cases/${caseId}/commands/inspect`, KEYS.merchant, [200], { result: 'accepted', findings: 'leak confirmed at the base seal' });
      await waitForStatus(caseId, 'refund_due');
      await call('POST', `/cases/${caseId}/commands/start-refund`, KEYS.merchant, [200], {});
      await waitForStatus(caseId, 'closed');
    },
  };
}
