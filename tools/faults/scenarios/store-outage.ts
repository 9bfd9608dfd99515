/**
 * The case store down (every connection dropped, new ones refused) while traffic goes on: store reads must answer 503
 * problem+json, commands and creates (which need only Temporal) must keep working, and once the store is back the
 * projection must catch up and match every workflow (version and status of every case).
 */
import { returnInput } from '../../bench/deadlines/cases';
import { runPool } from '../../bench/pool';
import { caseWorkflow } from '../../../workflows';
import { ApiClient, sleep } from '../api-client';
import { readViews, refundsPerCase, stepCounts, waitForStore } from '../check';
import { KEYS, ReturnDriver } from '../returns';
import { seconds, type ScenarioRow } from '../row';
import type { ScenarioContext } from './context';

const STORE_READS = ['/cases?limit=20', '/supervisor/stuck-cases?limit=20', '/queues/cs_lead', '/supervisor/case-counts?by=kind'];

export async function storeOutage({ stack, params, say, run }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  const n = params.cases;
  // The cases in flight are opened directly (the input POST /cases builds); what the scenario exercises goes through the API.
  say(`store-outage: opening ${n} returns`);
  const ids = Array.from({ length: n }, (_, i) => `case-${run}-${String(i).padStart(5, '0')}`);
  const opened = await runPool(ids, params.concurrency, async (id) => {
    await stack.client.workflow.start(caseWorkflow, { workflowId: id, taskQueue: stack.taskQueue, args: [returnInput(id, Date.now() + 2 * 86_400_000)], workflowIdConflictPolicy: 'FAIL' });
  });
  const before = await waitForStore(stack.client, stack.store, ids, params.settleTimeoutS * 1000);
  const failures: string[] = [];
  if (opened.errors.length) failures.push(`${opened.errors.length} cases did not open (first: ${opened.errors[0]})`);
  if (before.mismatched.length) failures.push(`${before.mismatched.length} cases not in the store before the outage`);

  // During the outage: one client for the reads that need the store, one for the commands and creates that do not.
  const reads = new ApiClient(stack.apiUrl);
  const commands = new ApiClient(stack.apiUrl);
  const driver = new ReturnDriver(commands, run, began + params.settleTimeoutS * 1000);
  const downAt = Date.now();
  stack.storeGate.down();
  say(`  store down for ${params.storeOutageS} s; approving and shipping back every case, opening ${Math.ceil(n / 5)} more, reading lists`);
  const upAt = downAt + params.storeOutageS * 1000;
  const readLoop = (async () => {
    for (let k = 0; Date.now() < upAt - 1000; k++) {
      const path = STORE_READS[k % STORE_READS.length];
      await reads.call('GET', path, KEYS.supervisor).catch(() => undefined);
      await sleep(200);
    }
  })();
  const moved = await runPool(ids, params.concurrency, async (id) => {
    await driver.approve(id);
    await driver.shipBack(id);
  });
  const extra: string[] = [];
  const more = await runPool(Array.from({ length: Math.ceil(n / 5) }, (_, i) => n + i), params.concurrency, async (i) => extra.push(await driver.open(i)));
  const movedBy = Date.now();
  await readLoop;
  const readsDuring = reads.tally;
  const nonProblem503 = readsDuring.total() - readsDuring.of(503);
  await sleep(upAt - Date.now());
  stack.storeGate.up();
  const cameBack = Date.now();
  say(`  store back; waiting until it matches every workflow`);
  const all = [...ids, ...extra];
  const after = await waitForStore(stack.client, stack.store, all, params.settleTimeoutS * 1000);
  const readsAfter = new ApiClient(stack.apiUrl);
  for (const path of STORE_READS) await readsAfter.retrying('GET', path, KEYS.supervisor, undefined, {}, Date.now() + 60_000);

  const steps = stepCounts((await readViews(stack.client, ids)).values(), ['merchant_approved', 'shipped_back']);
  const refunds = refundsPerCase(stack.sandbox, all);
  if (steps.lost || steps.duplicated) failures.push(`steps: ${steps.detail.join(', ')}`);
  if (moved.errors.length) failures.push(`${moved.errors.length} cases not moved during the outage (first: ${moved.errors[0]})`);
  if (more.errors.length) failures.push(`${more.errors.length} creates failed during the outage (first: ${more.errors[0]})`);
  if (nonProblem503 || readsDuring.badAnswers.length) failures.push(`store reads during the outage: ${readsDuring.summary()} (${readsDuring.badAnswers[0] ?? 'every 503 problem+json?'})`);
  const commands503 = [...commands.tally.refusedByRoute.entries()].filter(([key]) => key.startsWith('503 POST')).reduce((sum, [, k]) => sum + k, 0);
  if (commands.tally.badAnswers.length || commands503) failures.push(`commands and creates sent from the outage's start: ${commands.tally.summary()} (503: ${commands.tally.routesOf(503)})`);
  if (after.mismatched.length) failures.push(`${after.mismatched.length} cases differ from their workflow in the store (e.g. ${after.mismatched.slice(0, 3).join(', ')})`);
  if (readsAfter.tally.total() !== readsAfter.tally.of(200)) failures.push(`store reads after the outage: ${readsAfter.tally.summary()}`);
  return {
    scenario: 'case store down',
    cases: all.length,
    fault: `store connections dropped and refused for ${params.storeOutageS} s while ${n} cases were approved and shipped back and ${extra.length} opened`,
    reached: `${n - moved.errors.length}/${n} shipped back and ${extra.length}/${Math.ceil(n / 5)} opened from the outage's start (done in ${seconds(movedBy - downAt)}, ${movedBy <= upAt ? 'within' : 'after'} the outage); store matches ${all.length - after.mismatched.length}/${all.length} workflows`,
    refunds: `${refunds.min}/${refunds.max}`,
    lostDuplicated: `${steps.lost}/${steps.duplicated}`,
    recovery: `store matched every workflow ${seconds(after.at - cameBack)} after it came back`,
    checks: `store reads during: ${readsDuring.summary()} (${readsDuring.of(503) - readsDuring.badAnswers.length} problem+json); commands, creates and case reads (from the outage's start): ${commands.tally.summary()} (503: ${commands.tally.routesOf(503)}); reads after: ${readsAfter.tally.summary()}`,
    failures,
    wallMs: Date.now() - began,
  };
}
