/**
 * A burst of creates, each sent once (no retry) by many clients at once: every answer must be 201, 200 (a replay) or
 * 202 (accepted by Temporal, first view late), never 503 for a case that exists; afterwards every key is one case,
 * one workflow. FAULTS_FLOOD_CREATES creates (1,000) from FAULTS_CONCURRENCY clients (32).
 */
import { returnCaseBody } from '../../bench/fixtures';
import { runPool } from '../../bench/pool';
import { ApiClient, sleep } from '../api-client';
import { KEYS } from '../returns';
import { type ScenarioRow } from '../row';
import type { ScenarioContext } from './context';

export async function createFlood({ stack, params, say, run }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  const n = params.floodCreates;
  const api = new ApiClient(stack.apiUrl, undefined, 60_000);
  const countQuery = `TaskQueue = "${stack.taskQueue}"`;
  const workflowsBefore = (await stack.client.workflow.count(countQuery)).count;
  const caseOf = new Map<number, string>();
  const latencies: number[] = [];
  say(`create-flood: ${n} creates, ${params.concurrency} clients, each sent once`);
  const creates = await runPool(Array.from({ length: n }, (_, i) => i), params.concurrency, async (i) => {
    const sent = Date.now();
    const answer = await api.call('POST', '/cases', KEYS.agent, returnCaseBody(`order-${run}-${i}`), { 'Idempotency-Key': `${run}-open-${i}` });
    latencies.push(Date.now() - sent);
    if (typeof answer.body.caseId === 'string' && answer.status < 300) caseOf.set(i, answer.body.caseId);
  });
  const createdIn = Date.now() - began;
  const distinct = new Set(caseOf.values());
  const until = Date.now() + 60_000;
  let workflowsAfter = (await stack.client.workflow.count(countQuery)).count;
  while (workflowsAfter - workflowsBefore < distinct.size && Date.now() < until) {
    await sleep(500);
    workflowsAfter = (await stack.client.workflow.count(countQuery)).count;
  }
  const missing: string[] = [];
  await runPool([...distinct], params.concurrency, async (id) => {
    await stack.client.workflow.getHandle(id).describe().catch(() => missing.push(id));
  });
  const others = [...api.tally.byStatus.entries()].filter(([status]) => ![200, 201, 202].includes(status));
  const sorted = [...latencies].sort((a, b) => a - b);
  const p = (q: number) => `${((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) / 1000).toFixed(1)} s`;

  const failures: string[] = [];
  if (others.length || api.tally.transportErrors) failures.push(`answers other than 201, 200, 202: ${others.map(([s, k]) => `${s}×${k}`).join(' ')}${api.tally.transportErrors ? ` conn×${api.tally.transportErrors}` : ''}`);
  if (creates.errors.length) failures.push(`${creates.errors.length} creates got no answer (first: ${creates.errors[0]})`);
  if (missing.length) failures.push(`${missing.length} answered cases do not exist`);
  if (workflowsAfter - workflowsBefore !== n) failures.push(`${workflowsAfter - workflowsBefore} workflows started for ${n} keys`);
  return {
    scenario: 'creates flood',
    cases: distinct.size,
    fault: `${n} POST /cases from ${params.concurrency} clients at once, each sent once (no retry)`,
    reached: `${caseOf.size}/${n} answered with a case; ${workflowsAfter - workflowsBefore} workflows for ${n} keys, ${missing.length} missing`,
    refunds: '-',
    lostDuplicated: `${missing.length}/${Math.max(0, workflowsAfter - workflowsBefore - n)}`,
    recovery: `all answered in ${(createdIn / 1000).toFixed(1)} s; answer time p50 ${p(0.5)}, p99 ${p(0.99)}, max ${p(1)}`,
    checks: `API ${api.tally.summary()}`,
    failures,
    wallMs: Date.now() - began,
  };
}
