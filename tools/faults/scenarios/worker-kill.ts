/**
 * The worker SIGKILLed twice while every case moves through review, ship-back, delivery, inspection and refund, with
 * the payment partner failing a share of refund calls (503) and timing out on another (it takes the refund, then holds
 * its answer past the adapter's timeout). Expected: every case closed as refunded, each step once, one refund each.
 */
import { runPool } from '../../bench/pool';
import { ApiClient, sleep } from '../api-client';
import { diagnose, readViews, refundsPerCase, stepCounts, waitForAll } from '../check';
import { RETURN_STEPS, ReturnDriver, stepSummary } from '../returns';
import { seconds, type ScenarioRow } from '../row';
import type { FaultParams } from '../params';
import type { FaultStack } from '../stack';
import type { ScenarioContext } from './context';

export async function workerKill({ stack, params, say, run }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  const n = params.cases;
  const { paymentFailRate: fail, paymentTimeoutRate: timeout } = params;
  const paymentFaults = failPayments(stack, params);
  const api = new ApiClient(stack.apiUrl);
  const driver = new ReturnDriver(api, run, began + params.settleTimeoutS * 1000);
  const ids: string[] = [];
  let driven = 0;
  let lanesFailed = 0;
  const kills: Array<{ at: number; backAfterMs: number }> = [];

  const killer = (async () => {
    for (const share of [1 / 3, 2 / 3]) {
      while (driven < Math.ceil(n * share) && driven + lanesFailed < n) await sleep(100);
      if (driven + lanesFailed >= n && driven < Math.ceil(n * share)) return;
      const at = Date.now();
      await stack.killWorker();
      say(`  worker SIGKILLed with ${driven}/${n} cases driven to their refund request`);
      await stack.restartWorker();
      kills.push({ at, backAfterMs: Date.now() - at });
      say(`  new worker ready ${seconds(Date.now() - at)} after the kill`);
    }
  })();
  const progress = setInterval(() => say(`  ${driven}/${n} driven; at ${stepSummary(driver.steps)}; API ${api.tally.summary()}`), 15_000);
  say(`worker-kill: ${n} returns, ${params.concurrency} driven at once; payment fails ${fail * 100} % and times out ${timeout * 100} % of refund calls`);
  const drive = await runPool(
    Array.from({ length: n }, (_, i) => i),
    params.concurrency,
    async (i) => {
      try {
        const caseId = await driver.open(i);
        ids.push(caseId);
        await driver.driveToRefund(caseId);
        driven++;
      } catch (err) {
        lanesFailed++;
        throw err;
      }
    },
  );
  await killer;
  clearInterval(progress);
  say(`worker-kill: every case driven (${drive.errors.length} lanes failed); waiting for every refund`);
  const lastFault = kills.at(-1)?.at ?? Date.now();
  const closed = (v: { status: string; outcome?: string }) => v.status === 'closed' && v.outcome === 'refunded';
  const { pending, doneAt } = await waitForAll(stack.client, ids, closed, params.settleTimeoutS * 1000, say);
  paymentFaults.remove();

  const views = await readViews(stack.client, ids);
  const failedCalls = await fetch(stack.workerMetricsUrl).then((r) => r.text()).then((text) => metricSum(text, 'partner_call_failures_total{partner="payment"'), () => undefined);
  const steps = stepCounts(views.values(), RETURN_STEPS);
  const refunds = refundsPerCase(stack.sandbox, ids);
  const calls = stack.sandbox.state.requests.filter((r) => r.route === '/payment/refunds');
  const failures: string[] = [];
  if (drive.errors.length) failures.push(`${drive.errors.length} cases could not be driven (first: ${drive.errors[0]})`);
  if (kills.length < 2) failures.push(`${kills.length} kills instead of 2`);
  if (pending.length) failures.push(`${pending.length} cases not refunded: ${(await diagnose(stack.client, pending)).join('; ')}`);
  if (ids.length && (refunds.min !== 1 || refunds.max !== 1)) failures.push(`refunds per case ${refunds.min}..${refunds.max}`);
  if (steps.lost || steps.duplicated) failures.push(`steps: ${steps.detail.join(', ')}`);
  if (api.tally.badAnswers.length) failures.push(`${api.tally.badAnswers.length} 5xx answers (first: ${api.tally.badAnswers[0]})`);
  return {
    scenario: 'worker SIGKILL ×2, payment failing',
    cases: ids.length,
    fault: `worker SIGKILLed at ${kills.map((_, k) => `${k + 1}/3`).join(' and ')} of the cases driven; payment 503 on ${fail * 100} %, held past timeout on ${timeout * 100} % of ${calls.length} refund calls (${calls.filter((c) => c.fault === 'fail').length} failed, ${calls.filter((c) => c.fault === 'timeout').length} held)`,
    reached: `${ids.length - pending.length}/${n} closed, refunded`,
    refunds: ids.length ? `${refunds.min}/${refunds.max}` : 'n/a',
    lostDuplicated: `${steps.lost}/${steps.duplicated}`,
    recovery: `new worker ready ${kills.map((k) => seconds(k.backAfterMs)).join(', ')} after each kill; last case refunded ${seconds(doneAt - lastFault)} after the 2nd kill`,
    checks: `API ${api.tally.summary()}; worker /metrics after the 2nd kill: ${failedCalls ?? '?'} failed payment calls`,
    failures,
    wallMs: Date.now() - began,
  };
}

/** The payment partner failing `paymentFailRate` of refund calls (503) and holding `paymentTimeoutRate` past the adapter's timeout. */
export function failPayments(stack: FaultStack, params: FaultParams): { remove(): void } {
  const faults = stack.sandbox.state.faults;
  const { paymentFailRate: fail, paymentTimeoutRate: timeout } = params;
  // The timeout rule sees only the calls the fail rule passed over: scale it so it hits `timeout` of all calls.
  const rules = [
    faults.add({ route: '/payment/refunds', mode: 'fail', times: Number.MAX_SAFE_INTEGER, probability: fail }),
    faults.add({ route: '/payment/refunds', mode: 'timeout', times: Number.MAX_SAFE_INTEGER, probability: Math.min(1, timeout / (1 - fail)) }),
  ];
  return { remove: () => rules.forEach((r) => faults.remove(r.id)) };
}

/** Sum of the samples of one metric whose line starts with `prefix` (name and the first labels). */
function metricSum(text: string, prefix: string): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(prefix))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
