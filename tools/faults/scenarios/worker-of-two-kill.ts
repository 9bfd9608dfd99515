/**
 * (--cluster) One worker of two SIGKILLed, and left dead, while half the cases wait for their refunds and the other
 * half for merchant-review deadlines, the first falling due 2 s after the kill. Both halves are in place before the kill
 * whatever the machine's load: the refund cases are driven through the API to their refund request while the payment
 * partner answers 503 to every refund (so each waits at refund_due, its refund retrying, when the worker dies), then the
 * review cases are opened and confirmed open with a lead time from the measured opening rate. From the kill on the
 * partner pays (with failures on top, the retries' one-minute spacing left one refund of 150 past the settle time).
 * Expected: the other worker takes all of it over: every refund case closed as refunded with one refund and each step
 * once; every deadline breached once and approved by default once, none later than the workflow task timeout (the dead
 * worker's sticky queue times out to the shared one) plus a few seconds after its clock's deadline.
 */
import { runPool } from '../../bench/pool';
import { ApiClient, sleep } from '../api-client';
import { diagnose, readViews, refundsPerCase, stepCounts, waitForAll } from '../check';
import { RETURN_STEPS, ReturnDriver, stepSummary } from '../returns';
import { checksLine, lostDuplicated, openReviewCases, reviewOutcome } from '../review-deadlines';
import { seconds, type ScenarioRow } from '../row';
import type { FaultStack } from '../stack';
import type { ScenarioContext } from './context';

/** The SDK's default workflow task timeout and sticky schedule-to-start timeout (both 10 s), and a few seconds. */
const LATEST_DEADLINE_MS = 10_000 + 5_000;

/** The payment partner answering 503 to every refund, so refund cases wait at refund_due with their refunds retrying. */
function holdPayments(stack: FaultStack): { remove(): void } {
  const faults = stack.sandbox.state.faults;
  const rule = faults.add({ route: '/payment/refunds', mode: 'fail', times: Number.MAX_SAFE_INTEGER });
  return { remove: () => faults.remove(rule.id) };
}

export async function workerOfTwoKill(ctx: ScenarioContext): Promise<ScenarioRow> {
  const { stack, params, say, run } = ctx;
  const began = Date.now();
  if (stack.workers().length < 2) throw new Error('needs two workers: npm run faults -- --cluster');
  const refundCases = Math.ceil(params.cases / 2);
  const api = new ApiClient(stack.apiUrl);
  const driver = new ReturnDriver(api, `${run}-refund`, began + params.settleTimeoutS * 1000);
  const refundIds: string[] = [];
  say(`worker-of-two-kill: ${refundCases} returns waiting for their refund, ${params.cases - refundCases} for review deadlines; one worker of two SIGKILLed`);
  const refundsHeld = holdPayments(stack);
  const progress = setInterval(() => say(`  refunds: ${refundIds.length}/${refundCases} opened; at ${stepSummary(driver.steps)}; API ${api.tally.summary()}`), 15_000);
  const driven = await runPool(
    Array.from({ length: refundCases }, (_, i) => i),
    params.concurrency,
    async (i) => {
      const caseId = await driver.open(i);
      refundIds.push(caseId);
      await driver.driveToRefund(caseId);
    },
  );
  clearInterval(progress);
  say(`  ${refundIds.length - driven.errors.length}/${refundCases} returns at refund_due, the payment partner refusing every refund (503)`);
  const review = await openReviewCases(ctx, params.cases - refundCases, 'worker-of-two-kill');
  await sleep(review.firstDue - 2000 - Date.now());
  const killedAt = Date.now();
  await stack.killWorker(0);
  refundsHeld.remove();
  const paidBeforeKill = stack.sandbox.state.refunds.filter((r) => refundIds.includes(r.caseId)).length;
  say(`  worker 1 of 2 SIGKILLed ${seconds(review.firstDue - killedAt)} before the first of ${review.ids.length} review deadlines, ${refundIds.length} refund cases waiting (${paidBeforeKill} paid); payments open again`);

  const refunded = await waitForAll(stack.client, refundIds, (v) => v.status === 'closed' && v.outcome === 'refunded', params.settleTimeoutS * 1000, say);
  const outcome = await reviewOutcome(ctx, review, killedAt);
  const views = await readViews(stack.client, refundIds);
  const steps = stepCounts(views.values(), RETURN_STEPS);
  const refunds = refundsPerCase(stack.sandbox, refundIds);
  const latest = outcome.latenessMs.at(-1) ?? 0;
  const late = outcome.latenessMs.filter((ms) => ms > 2000).length;

  const failures = [...review.failures, ...outcome.failures];
  if (driven.errors.length) failures.push(`${driven.errors.length} refund cases could not be driven (first: ${driven.errors[0]})`);
  if (paidBeforeKill) failures.push(`${paidBeforeKill} refunds paid before the kill, while the payment partner refused them all`);
  if (refunded.pending.length) failures.push(`${refunded.pending.length} cases not refunded: ${(await diagnose(stack.client, refunded.pending)).join('; ')}`);
  if (refundIds.length && (refunds.min !== 1 || refunds.max !== 1)) failures.push(`refunds per case ${refunds.min}..${refunds.max}`);
  if (steps.lost || steps.duplicated) failures.push(`steps: ${steps.detail.join(', ')}`);
  if (latest > LATEST_DEADLINE_MS) failures.push(`a deadline fired ${seconds(latest)} late (more than ${seconds(LATEST_DEADLINE_MS)})`);
  if (api.tally.badAnswers.length) failures.push(`${api.tally.badAnswers.length} 5xx answers (first: ${api.tally.badAnswers[0]})`);
  if (stack.workers()[1].child.exitCode !== null) failures.push('the surviving worker exited');
  // The next scenarios run with two workers again.
  await stack.restartWorker(0);
  const pct = (q: number) => seconds(outcome.latenessMs[Math.min(outcome.latenessMs.length - 1, Math.floor(q * outcome.latenessMs.length))] ?? 0);
  return {
    scenario: 'one worker of two SIGKILLed, not restarted',
    cases: refundIds.length + review.ids.length,
    fault: `worker 1 SIGKILLed ${seconds(review.firstDue - killedAt)} before the first of ${review.ids.length} review deadlines (due within ${seconds(review.lastDue - review.firstDue)}, open ${seconds(review.firstDue - review.openedAt)} before the first), ${refundIds.length} returns at refund_due (payment 503 on every refund until the kill)`,
    reached: `${refundIds.length - refunded.pending.length}/${refundCases} closed, refunded; ${review.ids.length - outcome.pending.length}/${review.ids.length} approved by default`,
    refunds: refundIds.length ? `${refunds.min}/${refunds.max}` : 'n/a',
    lostDuplicated: `refund steps ${steps.lost}/${steps.duplicated}, deadlines ${lostDuplicated(outcome, review.ids.length)}`,
    recovery: `deadlines fired late by p50 ${pct(0.5)}, p99 ${pct(0.99)}, max ${seconds(latest)} (${late} more than 2 s late); last refund ${seconds(refunded.doneAt - killedAt)} after the kill`,
    checks: `${checksLine(outcome)}; API ${api.tally.summary()}`,
    failures,
    wallMs: Date.now() - began,
  };
}
