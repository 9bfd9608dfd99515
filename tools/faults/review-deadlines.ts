/**
 * Returns whose merchant review falls due at one moment a little ahead (default action: approve), opened straight on
 * Temporal, and what became of those deadlines: each must breach once and approve by default once, with one approval
 * message, however the fault in between went. Shared by the scenarios that strike around deadlines.
 */
import { returnInput } from '../bench/deadlines/cases';
import { runPool } from '../bench/pool';
import { caseWorkflow } from '../../workflows';
import type { CaseView } from '../../workflows/domain/case';
import { sleep } from './api-client';
import { countAction, diagnose, readViews, waitForAll } from './check';
import type { ScenarioContext } from './scenarios/context';

export interface ReviewCases {
  ids: string[];
  /** When every review falls due (epoch ms). */
  deadline: number;
  failures: string[];
}

/**
 * Opens `n` returns due together, leaving room to open them all first: about 60 ms a case on a quiet machine, more than
 * tripled (a machine shared with other sessions' test runs), 45 s at least; `roomMs` for more (a scenario that loads the
 * system while they open).
 */
export async function openReviewCases({ stack, params, say, run }: ScenarioContext, n: number, what: string, roomMs = Math.max(45_000, n * 200)): Promise<ReviewCases> {
  const ids = Array.from({ length: n }, (_, i) => `case-${run}-${String(i).padStart(5, '0')}`);
  const deadline = Date.now() + roomMs;
  say(`${what}: opening ${n} returns whose merchant review is due ${((deadline - Date.now()) / 1000).toFixed(1)} s from now (default action: approve)`);
  const opened = await runPool(ids, params.concurrency, async (id) => {
    await stack.client.workflow.start(caseWorkflow, { workflowId: id, taskQueue: stack.taskQueue, args: [returnInput(id, deadline)], workflowIdConflictPolicy: 'FAIL' });
  });
  const failures: string[] = [];
  if (opened.errors.length) failures.push(`${opened.errors.length} cases did not open (first: ${opened.errors[0]})`);
  const inReview = await waitForAll(stack.client, ids, (v) => v.status === 'awaiting_merchant_review', Math.max(0, deadline - Date.now() - 5000), say);
  if (inReview.pending.length) failures.push(`opening overran the deadlines (${inReview.pending.length} not yet in review)`);
  return { ids, deadline, failures };
}

export interface ReviewOutcome {
  pending: string[];
  /** When the last case was approved by default. */
  doneAt: number;
  breaches: number;
  defaults: number;
  /** Cases whose one breach was recorded at or after `since`. */
  firedSince: number;
  /** Cases without exactly one breach and one default approval. */
  wrong: number;
  messages: number;
  missingMessages: number;
  duplicatedMessages: number;
  /** How late each breach was recorded after the deadline (workflow time), sorted. */
  latenessMs: number[];
  failures: string[];
}

const reviewBreaches = (view: CaseView) => view.audit.filter((a) => a.action === 'sla_breached' && (a.data as { clock?: string } | undefined)?.clock === 'merchant_review');

/** Waits for every default approval and its message, then counts what each case recorded. */
export async function reviewOutcome({ stack, params, say }: ScenarioContext, cases: ReviewCases, since: number): Promise<ReviewOutcome> {
  const { ids } = cases;
  const { pending, doneAt } = await waitForAll(stack.client, ids, (v) => v.status === 'awaiting_return_shipment', params.settleTimeoutS * 1000, say);
  // The approval message goes out beside the case: give it the time it takes to be recorded by the partner.
  const approvalMessages = () => stack.sandbox.state.records.customerNotifications.filter((r) => r.template === 'return_approved' && ids.includes(r.caseId));
  const messagesBy = Date.now() + 120_000;
  while (new Set(approvalMessages().map((m) => m.caseId)).size < ids.length && Date.now() < messagesBy) await sleep(1000);
  const views = await readViews(stack.client, ids);
  const outcome = { pending, doneAt, breaches: 0, defaults: 0, firedSince: 0, wrong: 0, latenessMs: [] as number[] };
  for (const view of views.values()) {
    const breaches = reviewBreaches(view);
    const defaults = countAction(view, 'approved_by_default');
    outcome.breaches += breaches.length;
    outcome.defaults += defaults;
    if (breaches.length === 1 && breaches[0].at >= since) outcome.firedSince++;
    if (breaches.length !== 1 || defaults !== 1) outcome.wrong++;
    outcome.latenessMs.push(...breaches.map((b) => b.at - cases.deadline));
  }
  outcome.latenessMs.sort((a, b) => a - b);
  const messages = approvalMessages();
  const perCase = new Map<string, number>();
  for (const m of messages) perCase.set(m.caseId, (perCase.get(m.caseId) ?? 0) + 1);
  const duplicatedMessages = [...perCase.values()].filter((k) => k > 1).length;
  const missingMessages = ids.filter((id) => !perCase.has(id)).length;
  const failures: string[] = [];
  if (pending.length) failures.push(`${pending.length} cases not approved by default: ${(await diagnose(stack.client, pending)).join('; ')}`);
  if (outcome.wrong) failures.push(`${outcome.wrong} cases without exactly one breach and one default approval`);
  if (duplicatedMessages || missingMessages) failures.push(`approval messages: ${missingMessages} missing, ${duplicatedMessages} cases with more than one`);
  return { ...outcome, messages: messages.length, missingMessages, duplicatedMessages, failures };
}

/** "missing/duplicated" breaches and default approvals over n cases. */
export function lostDuplicated(outcome: ReviewOutcome, n: number): string {
  const lost = n - Math.min(n, outcome.breaches) + Math.max(0, n - outcome.defaults);
  const duplicated = Math.max(0, outcome.breaches - n) + Math.max(0, outcome.defaults - n);
  return `${lost}/${duplicated}`;
}

export const checksLine = (o: ReviewOutcome) =>
  `breaches ${o.breaches}, default approvals ${o.defaults}, approval messages ${o.messages} (${o.duplicatedMessages} duplicated, ${o.missingMessages} missing)`;
