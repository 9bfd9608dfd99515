/**
 * The Temporal server SIGKILLed just before the merchant-review deadlines of every case, kept down while they pass, then
 * started again on the same SQLite file and port. Expected: every overdue review fires after the restart, once (one
 * breach, one default approval, one approval message per case), with the worker and the API carrying on by themselves.
 */
import { returnInput } from '../../bench/deadlines/cases';
import { runPool } from '../../bench/pool';
import { caseWorkflow } from '../../../workflows';
import { sleep } from '../api-client';
import { countAction, diagnose, readViews, refundsPerCase, waitForAll } from '../check';
import { seconds, type ScenarioRow } from '../row';
import type { ScenarioContext } from './context';

export async function temporalRestart({ stack, params, say, run }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  const n = params.cases;
  const ids = Array.from({ length: n }, (_, i) => `case-${run}-${String(i).padStart(5, '0')}`);
  // Room to open every case first: about 60 ms a case here, doubled, and never under 30 s.
  const deadline = Date.now() + Math.max(30_000, n * 120);
  say(`temporal-restart: opening ${n} returns whose merchant review is due ${seconds(deadline - Date.now())} from now (default action: approve)`);
  const opened = await runPool(ids, params.concurrency, async (id) => {
    await stack.client.workflow.start(caseWorkflow, { workflowId: id, taskQueue: stack.taskQueue, args: [returnInput(id, deadline)], workflowIdConflictPolicy: 'FAIL' });
  });
  const failures: string[] = [];
  if (opened.errors.length) failures.push(`${opened.errors.length} cases did not open (first: ${opened.errors[0]})`);
  const inReview = await waitForAll(stack.client, ids, (v) => v.status === 'awaiting_merchant_review', Math.max(0, deadline - Date.now() - 5000), say);
  const killAt = deadline - 3000;
  if (Date.now() > killAt) failures.push(`opening overran the deadlines (${inReview.pending.length} not yet in review)`);
  await sleep(killAt - Date.now());
  const killedAt = Date.now();
  await stack.killTemporal();
  say(`  Temporal SIGKILLed ${seconds(deadline - killedAt)} before the deadlines; down for ${params.temporalOutageS} s after them`);
  await sleep(deadline + params.temporalOutageS * 1000 - Date.now());
  const restartAt = Date.now();
  await stack.startTemporal();
  const upAt = Date.now();
  say(`  Temporal back on the same data after ${seconds(upAt - restartAt)}; waiting for every default approval`);

  const approved = (v: { status: string; audit: Array<{ action: string }> }) => v.status === 'awaiting_return_shipment';
  const { pending, doneAt } = await waitForAll(stack.client, ids, approved, params.settleTimeoutS * 1000, say);
  // The approval message goes out beside the case: give it the time it takes to be recorded by the partner.
  const messaged = () => new Set(stack.sandbox.state.records.customerNotifications.filter((r) => r.template === 'return_approved').map((r) => r.caseId));
  const messagesBy = Date.now() + 120_000;
  while (ids.some((id) => !messaged().has(id)) && Date.now() < messagesBy) await sleep(1000);
  const views = await readViews(stack.client, ids);
  let breaches = 0;
  let defaults = 0;
  let firedAfterRestart = 0;
  let wrong = 0;
  for (const view of views.values()) {
    const reviewBreaches = view.audit.filter((a) => a.action === 'sla_breached' && (a.data as { clock?: string } | undefined)?.clock === 'merchant_review');
    breaches += reviewBreaches.length;
    defaults += countAction(view, 'approved_by_default');
    if (reviewBreaches.length === 1 && reviewBreaches[0].at >= restartAt) firedAfterRestart++;
    if (reviewBreaches.length !== 1 || countAction(view, 'approved_by_default') !== 1) wrong++;
  }
  const messages = stack.sandbox.state.records.customerNotifications.filter((r) => r.template === 'return_approved' && ids.includes(r.caseId));
  const perCase = new Map<string, number>();
  for (const m of messages) perCase.set(m.caseId, (perCase.get(m.caseId) ?? 0) + 1);
  const duplicatedMessages = [...perCase.values()].filter((k) => k > 1).length;
  const missingMessages = ids.filter((id) => !perCase.has(id)).length;
  const refunds = refundsPerCase(stack.sandbox, ids);

  if (pending.length) failures.push(`${pending.length} cases not approved by default: ${(await diagnose(stack.client, pending)).join('; ')}`);
  if (wrong) failures.push(`${wrong} cases without exactly one breach and one default approval`);
  if (duplicatedMessages || missingMessages) failures.push(`approval messages: ${missingMessages} missing, ${duplicatedMessages} cases with more than one`);
  if (stack.worker().child.exitCode !== null) failures.push('the worker process exited while Temporal was down');
  return {
    scenario: 'Temporal server killed, restarted on its data',
    cases: n,
    fault: `Temporal SIGKILLed ${seconds(deadline - killedAt)} before ${n} merchant-review deadlines, restarted ${seconds(restartAt - deadline)} after them`,
    reached: `${n - pending.length}/${n} approved by default, ${firedAfterRestart}/${n} breaches fired after the restart`,
    refunds: `${refunds.min}/${refunds.max}`,
    lostDuplicated: `${n - Math.min(n, breaches) + Math.max(0, n - defaults)}/${Math.max(0, breaches - n) + Math.max(0, defaults - n)}`,
    recovery: `Temporal up ${seconds(upAt - restartAt)} after its start; every overdue approval done ${seconds(doneAt - upAt)} after it was up`,
    checks: `breaches ${breaches}, default approvals ${defaults}, approval messages ${messages.length} (${duplicatedMessages} duplicated, ${missingMessages} missing)`,
    failures,
    wallMs: Date.now() - began,
  };
}
