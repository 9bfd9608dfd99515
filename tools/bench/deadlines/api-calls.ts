/** The API calls of the store and stuck-cases figures, over real HTTP; each fails on an unexpected status. */
import { DEV_API_KEYS } from '../../../config/api-keys';
import { AGENT_KEY, MERCHANT_KEY, returnCaseBody } from '../fixtures';

const SUPERVISOR_KEY = DEV_API_KEYS.find((k) => k.role === 'supervisor')?.key ?? 'dev-supervisor-key';

async function call(baseUrl: string, method: string, path: string, key: string, expected: number, body?: object, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body && { 'Content-Type': 'application/json' }), ...headers },
    ...(body && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path.split('?')[0]}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export function caseApi(baseUrl: string) {
  return {
    /** POST /cases (agent key): the new case's id and the version of the view it answered with. */
    async openReturn(idempotencyKey: string): Promise<{ caseId: string; version: number }> {
      const view = await call(baseUrl, 'POST', '/cases', AGENT_KEY, 201, returnCaseBody(`order-${idempotencyKey}`), { 'Idempotency-Key': idempotencyKey });
      return { caseId: String(view.caseId), version: Number(view.version) };
    },
    /** POST /cases/:id/commands/merchant-review approve (merchant key): the version of the view it answered with. */
    async approve(caseId: string): Promise<number> {
      const view = await call(baseUrl, 'POST', `/cases/${caseId}/commands/merchant-review`, MERCHANT_KEY, 200, { decision: 'approve' });
      return Number(view.version);
    },
    /** GET /supervisor/stuck-cases?<query> (supervisor key): the page. */
    stuckCases(query: string): Promise<{ items?: unknown[]; nextCursor?: string }> {
      return call(baseUrl, 'GET', `/supervisor/stuck-cases${query ? `?${query}` : ''}`, SUPERVISOR_KEY, 200);
    },
  };
}

export type CaseApi = ReturnType<typeof caseApi>;
