/**
 * The API process stopped (SIGTERM: it closes its listener and every connection) and started again while clients open
 * cases. Clients retry refused connections and 503s with the same Idempotency-Key, as the API asks them to. Expected:
 * no 5xx but 503, and every accepted create exists exactly once (one workflow per key, the same case on every answer).
 */
import { runPool } from '../../bench/pool';
import { returnCaseBody } from '../../bench/fixtures';
import { ApiClient, sleep } from '../api-client';
import { refundsPerCase } from '../check';
import { KEYS } from '../returns';
import { seconds, type ScenarioRow } from '../row';
import type { ScenarioContext } from './context';

export async function apiRestart({ stack, params, say, run }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  const n = params.cases;
  const api = new ApiClient(stack.apiUrl, undefined, 30_000);
  const countQuery = `TaskQueue = "${stack.taskQueue}"`;
  const workflowsBefore = (await stack.client.workflow.count(countQuery)).count;
  const caseOf = new Map<number, Set<string>>();
  let accepted = 0;
  let restart: { at: number; backAfterMs: number } | undefined;
  const restarter = (async () => {
    while (accepted < n / 3) await sleep(50);
    const at = Date.now();
    say(`  API restarting with ${accepted}/${n} creates accepted`);
    await stack.restartApi();
    restart = { at, backAfterMs: Date.now() - at };
    say(`  API back ${seconds(restart.backAfterMs)} after SIGTERM`);
  })();
  say(`api-restart: ${n} creates, ${params.concurrency} at once, each read back once; the API restarts after a third`);
  const creates = await runPool(Array.from({ length: n }, (_, i) => i), params.concurrency, async (i) => {
    const headers = { 'Idempotency-Key': `${run}-open-${i}` };
    // One body per key (it carries timestamps): the same key with another body is refused, as it should be.
    const body = returnCaseBody(`order-${run}-${i}`);
    const answer = await api.retrying('POST', '/cases', KEYS.agent, body, headers);
    if (answer.status !== 201 && answer.status !== 200) throw new Error(`create ${i}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    const caseId = answer.body.caseId as string;
    caseOf.set(i, new Set([caseId]));
    accepted++;
    // The client asks again with the same key (a retry after a lost answer looks like this): the same case, 200.
    const again = await api.retrying('POST', '/cases', KEYS.agent, body, headers);
    if (again.status !== 200) throw new Error(`create ${i} again: ${again.status} ${JSON.stringify(again.body).slice(0, 200)}`);
    caseOf.get(i)!.add(again.body.caseId as string);
    const read = await api.retrying('GET', `/cases/${caseId}`, KEYS.agent);
    if (read.status !== 200) throw new Error(`read ${caseId}: ${read.status}`);
  });
  await restarter;
  const ids = [...caseOf.values()].flatMap((s) => [...s]);
  const distinct = new Set(ids);
  const until = Date.now() + 30_000;
  // Visibility is eventually consistent: wait until it counts every case (or the wait ends).
  let workflowsAfter = (await stack.client.workflow.count(countQuery)).count;
  while (workflowsAfter - workflowsBefore < distinct.size && Date.now() < until) {
    await sleep(500);
    workflowsAfter = (await stack.client.workflow.count(countQuery)).count;
  }
  const missing: string[] = [];
  await runPool([...distinct], params.concurrency, async (id) => {
    await stack.client.workflow.getHandle(id).describe().catch(() => missing.push(id));
  });
  const refunds = refundsPerCase(stack.sandbox, [...distinct]);
  const splitKeys = [...caseOf.values()].filter((s) => s.size > 1).length;

  const failures: string[] = [];
  if (creates.errors.length) failures.push(`${creates.errors.length} creates not accepted (first: ${creates.errors[0]})`);
  if (!restart) failures.push('the API was not restarted');
  if (api.tally.badAnswers.length) failures.push(`${api.tally.badAnswers.length} 5xx answers other than 503 problem+json (first: ${api.tally.badAnswers[0]})`);
  if (splitKeys) failures.push(`${splitKeys} keys answered with more than one case`);
  if (missing.length) failures.push(`${missing.length} accepted cases do not exist`);
  if (workflowsAfter - workflowsBefore !== distinct.size) failures.push(`${workflowsAfter - workflowsBefore} workflows started for ${distinct.size} accepted keys`);
  return {
    scenario: 'API restarted under load',
    cases: distinct.size,
    fault: `API process SIGTERMed and started again after ${Math.ceil(n / 3)} of ${n} creates (${params.concurrency} clients, each create sent twice with its key, then read)`,
    reached: `${caseOf.size}/${n} creates accepted; ${distinct.size} cases, ${workflowsAfter - workflowsBefore} new workflows, ${missing.length} missing`,
    refunds: `${refunds.min}/${refunds.max}`,
    lostDuplicated: `${missing.length}/${Math.max(0, workflowsAfter - workflowsBefore - distinct.size) + splitKeys}`,
    recovery: restart ? `API answering again ${seconds(restart.backAfterMs)} after SIGTERM` : '-',
    checks: `API ${api.tally.summary()}; 5xx other than 503: ${api.tally.badAnswers.length}`,
    failures,
    wallMs: Date.now() - began,
  };
}
