/**
 * The merchant and notification partners down (every call answered 503) while returns are opened, reviewed and shipped
 * back. The cases must not wait on them (messages go out beside the case), and once the partners are back every message
 * must be delivered, none skipped (no `notification_failed` in any audit trail) and none twice.
 */
import { runPool } from '../../bench/pool';
import { ApiClient, sleep } from '../api-client';
import { countAction, diagnose, readViews, refundsPerCase, stepCounts, waitForAll } from '../check';
import { ReturnDriver, stepSummary } from '../returns';
import { seconds, type ScenarioRow } from '../row';
import type { ScenarioContext } from './context';

const DOWN_ROUTES = ['/merchant/notifications', '/notifications/customer', '/notifications/staff'];

/** The messages a return sends up to its ship-back, by the key each is sent under (workflows/case/context.ts). */
const EXPECTED = (id: string) => [`${id}:merchant:return_requested`, `${id}:customer:return_approved`, `${id}:merchant:goods_shipped_back`];
const STEPS = ['merchant_approved', 'shipped_back'];

export async function partnerOutage({ stack, params, say, run }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  const n = params.cases;
  const faults = stack.sandbox.state.faults;
  const records = () => stack.sandbox.state.records;
  const api = new ApiClient(stack.apiUrl);
  const driver = new ReturnDriver(api, run, began + params.settleTimeoutS * 1000);
  const rules = DOWN_ROUTES.map((route) => faults.add({ route, mode: 'fail', status: 503, times: Number.MAX_SAFE_INTEGER }));
  const downAt = Date.now();
  const upAt = downAt + params.partnerOutageS * 1000;
  say(`partner-outage: merchant and notification partners down for ${params.partnerOutageS} s; opening ${n} returns, approving and shipping them back`);
  const outage = sleep(params.partnerOutageS * 1000).then(() => {
    rules.forEach((r) => faults.remove(r.id));
    say('  merchant and notification partners back');
  });
  const ids: string[] = [];
  let driven = 0;
  const progress = setInterval(() => say(`  ${driven}/${n} driven; at ${stepSummary(driver.steps)}`), 15_000);
  const drive = await runPool(Array.from({ length: n }, (_, i) => i), params.concurrency, async (i) => {
    const id = await driver.open(i);
    ids.push(id);
    await driver.driveToShipBack(id);
    driven++;
  });
  clearInterval(progress);
  const drivenAt = Date.now();
  const closed = await waitForAll(stack.client, ids, (v) => v.status === 'return_in_transit', params.settleTimeoutS * 1000, say);
  const closedDuringOutage = closed.doneAt < upAt;
  await outage;

  const delivered = () => new Set([...records().merchantNotifications, ...records().customerNotifications].map((r) => r.idempotencyKey));
  const expected = ids.flatMap(EXPECTED);
  // A retry lands within its maximum interval (30 s) of the partners' return: five minutes is ample.
  const until = Date.now() + Math.min(params.settleTimeoutS, 300) * 1000;
  while (expected.some((key) => !delivered().has(key)) && Date.now() < until) await sleep(1000);
  const allDeliveredAt = Date.now();
  const got = delivered();
  const missing = expected.filter((key) => !got.has(key));
  // A message sent twice would come under two keys: count what each case got by template or event.
  const seen = new Map<string, number>();
  for (const r of records().merchantNotifications) if (ids.includes(r.caseId)) seen.set(`${r.caseId}:merchant:${r.event}`, (seen.get(`${r.caseId}:merchant:${r.event}`) ?? 0) + 1);
  for (const r of records().customerNotifications) if (ids.includes(r.caseId)) seen.set(`${r.caseId}:customer:${r.template}`, (seen.get(`${r.caseId}:customer:${r.template}`) ?? 0) + 1);
  const duplicated = [...seen.values()].filter((k) => k > 1).length;
  const views = await readViews(stack.client, ids);
  const skipped = [...views.values()].reduce((sum, v) => sum + countAction(v, 'notification_failed'), 0);
  const steps = stepCounts(views.values(), STEPS);
  const refunds = refundsPerCase(stack.sandbox, ids);
  const calls = stack.sandbox.state.requests.filter((r) => DOWN_ROUTES.includes(r.route) && r.outcome === 'injected_failure').length;

  const failures: string[] = [];
  if (drive.errors.length) failures.push(`${drive.errors.length} cases could not be driven (first: ${drive.errors[0]})`);
  if (closed.pending.length) failures.push(`${closed.pending.length} cases not shipped back: ${(await diagnose(stack.client, closed.pending)).join('; ')}`);
  if (missing.length) failures.push(`${missing.length} messages never delivered (e.g. ${missing.slice(0, 3).join(', ')})`);
  if (skipped) failures.push(`${skipped} notification_failed entries`);
  if (duplicated) failures.push(`${duplicated} messages delivered more than once`);
  if (steps.lost || steps.duplicated) failures.push(`steps: ${steps.detail.join(', ')}`);
  if (api.tally.badAnswers.length) failures.push(`${api.tally.badAnswers.length} 5xx answers (first: ${api.tally.badAnswers[0]})`);
  return {
    scenario: 'merchant + notification partners down',
    cases: ids.length,
    fault: `${DOWN_ROUTES.join(', ')} answered 503 for ${params.partnerOutageS} s (${calls} calls refused) while ${n} returns were opened, approved and shipped back`,
    reached: `${ids.length - closed.pending.length}/${n} shipped back (driven in ${seconds(drivenAt - downAt)}; ${closedDuringOutage ? 'all before the partners came back' : `the last ${seconds(closed.doneAt - downAt)} after the outage began`})`,
    refunds: `${refunds.min}/${refunds.max}`,
    lostDuplicated: `${steps.lost}/${steps.duplicated}`,
    recovery: `every message delivered ${seconds(Math.max(0, allDeliveredAt - upAt))} after the partners came back`,
    checks: `messages: ${expected.length - missing.length}/${expected.length} delivered, ${skipped} skipped, ${duplicated} duplicated; API ${api.tally.summary()}`,
    failures,
    wallMs: Date.now() - began,
  };
}
