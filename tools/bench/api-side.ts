/** The API side of each measurement: real HTTP requests to the API, failing on any unexpected answer. */
import { AGENT_KEY, MERCHANT_KEY, returnCaseBody } from './fixtures';

export interface ApiSide {
  /** POST /cases with an Idempotency-Key (agent key); resolves to the new case id. */
  openCase(idempotencyKey: string): Promise<string>;
  /** GET /cases/:id (agent key); resolves to the case status. */
  getCase(caseId: string): Promise<string>;
  /** POST /cases/:id/commands/merchant-review {decision: approve} (merchant key). */
  approve(caseId: string): Promise<void>;
}

export function apiSide(baseUrl: string): ApiSide {
  const call = async (method: string, path: string, key: string, expected: number, body?: object, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body && { 'Content-Type': 'application/json' }), ...headers },
      ...(body && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as { caseId: string; status: string };
  };
  return {
    openCase: async (idempotencyKey) =>
      (await call('POST', '/cases', AGENT_KEY, 201, returnCaseBody(`order-${idempotencyKey}`), { 'Idempotency-Key': idempotencyKey })).caseId,
    getCase: async (caseId) => (await call('GET', `/cases/${caseId}`, AGENT_KEY, 200)).status,
    approve: async (caseId) => {
      await call('POST', `/cases/${caseId}/commands/merchant-review`, MERCHANT_KEY, 200, { decision: 'approve' });
    },
  };
}
