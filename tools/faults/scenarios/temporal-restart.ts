/**
 * A server under Temporal SIGKILLed just before the merchant-review deadlines of every case, kept down while they pass,
 * then started again on the same data and port: the Temporal server itself, or (with --cluster) the PostgreSQL it
 * keeps its state in. Expected: every overdue review fires after the restart, once (one breach, one default approval,
 * one approval message per case), with the workers and the API carrying on by themselves.
 */
import { refundsPerCase } from '../check';
import { sleep } from '../api-client';
import { checksLine, lostDuplicated, openReviewCases, reviewOutcome } from '../review-deadlines';
import { seconds } from '../row';
import type { Restartable } from '../temporal-under-test';
import type { Scenario, ScenarioContext } from './context';

function deadlinesThroughOutage(what: string, target: (ctx: ScenarioContext) => Pick<Restartable, 'kill' | 'start'>): Scenario {
  return async (ctx) => {
    const { stack, params, say } = ctx;
    const began = Date.now();
    const n = params.cases;
    const server = target(ctx);
    const cases = await openReviewCases(ctx, n, `${what} restart`);
    const { ids, firstDue, lastDue } = cases;
    await sleep(firstDue - 3000 - Date.now());
    const killedAt = Date.now();
    await server.kill();
    say(`  ${what} SIGKILLed ${seconds(firstDue - killedAt)} before the first deadline; down for ${params.temporalOutageS} s after the last`);
    await sleep(lastDue + params.temporalOutageS * 1000 - Date.now());
    const restartAt = Date.now();
    await server.start();
    const upAt = Date.now();
    say(`  ${what} back on the same data after ${seconds(upAt - restartAt)}; waiting for every default approval`);

    const outcome = await reviewOutcome(ctx, cases, restartAt);
    const refunds = refundsPerCase(stack.sandbox, ids);
    const failures = [...cases.failures, ...outcome.failures];
    if (stack.workers().some((worker) => worker.child.exitCode !== null)) failures.push(`a worker process exited while ${what} was down`);
    return {
      scenario: `${what} killed, restarted on its data`,
      cases: n,
      fault: `${what} SIGKILLed ${seconds(firstDue - killedAt)} before the first of ${n} merchant-review deadlines (due within ${seconds(lastDue - firstDue)}), restarted ${seconds(restartAt - lastDue)} after the last`,
      reached: `${n - outcome.pending.length}/${n} approved by default, ${outcome.firedSince}/${n} breaches fired after the restart`,
      refunds: `${refunds.min}/${refunds.max}`,
      lostDuplicated: lostDuplicated(outcome, n),
      recovery: `${what} up ${seconds(upAt - restartAt)} after its start; every overdue approval done ${seconds(outcome.doneAt - upAt)} after it was up`,
      checks: checksLine(outcome),
      failures,
      wallMs: Date.now() - began,
    };
  };
}

export const temporalRestart = deadlinesThroughOutage('Temporal', ({ stack }) => ({ kill: stack.killTemporal, start: stack.startTemporal }));

export const temporalPostgresRestart = deadlinesThroughOutage("Temporal's PostgreSQL", ({ stack }) => {
  if (!stack.temporalPostgres) throw new Error('runs against the Temporal server on PostgreSQL: npm run faults -- --cluster');
  return stack.temporalPostgres;
});
