/**
 * Returns whose merchant review falls due at one moment a little ahead (default action: approve), opened straight on
 * Temporal, and what became of those deadlines: each must breach once and approve by default once, with one approval
 * message, however the fault in between went. Shared by the scenarios that strike around deadlines.
 */
import { startAligned } from '../bench/deadlines/cases';
import type { CaseView } from '../../workflows/domain/case';
import { sleep } from './api-client';
import { countAction, diagnose, readViews, waitForAll } from './check';
import type { ScenarioContext } from './scenarios/context';

export interface ReviewCases {
  ids: string[];
  /** The instant every review was aimed at (epoch ms). */
  deadline: number;
  /** Each case's review deadline as its clock has it (its first task comes a little after its start). */
  deadlines: Map<string, number>;
  /** The earliest and the latest of those: a fault meant to strike before every deadline, or after all, goes by these. */
  firstDue: number;
  lastDue: number;
  /** When the last case was confirmed open, its clock running. */
  openedAt: number;
  failures: string[];
}

/**
 * How much slower than the warm-up round the opening may run (other sessions' load rises and falls), and a fixed
 * allowance beside it: idle time is all a generous lead costs.
 */
const OPENING_MARGIN = 3;
const OPENING_SLACK_MS = 15_000;

/**
 * Opens `n` returns whose merchant review falls due at one instant (default action: approve), each confirmed open by
 * reading its running clock. The instant is set from the opening rate measured on the warm-up round (startAligned opens
 * `concurrency` cases due in two days first; they stay open): the time `n` cases take at that rate, times
 * OPENING_MARGIN, plus OPENING_SLACK_MS. Opening that still overruns the instant is a failure, not lateness.
 */
export async function openReviewCases({ stack, params, say, run }: ScenarioContext, n: number, what: string): Promise<ReviewCases> {
  const ids = Array.from({ length: n }, (_, i) => `case-${run}-${String(i).padStart(5, '0')}`);
  const warmUp = Math.min(params.concurrency, n);
  const began = Date.now();
  let deadline = 0;
  const aimedAt = () => {
    if (!deadline) {
      const msPerCase = (Date.now() - began) / warmUp;
      deadline = Date.now() + OPENING_MARGIN * msPerCase * n + OPENING_SLACK_MS;
      say(`${what}: warm-up ${warmUp} cases at ${(1000 / msPerCase).toFixed(1)}/s; opening ${n} returns whose merchant review is due ${((deadline - Date.now()) / 1000).toFixed(0)} s from now (default action: approve)`);
    }
    return deadline;
  };
  const progress = (k: number) => say(`  ${k}/${n} open, ${((deadline - Date.now()) / 1000).toFixed(0)} s before their deadline`);
  const opened = await startAligned(stack.client, stack.taskQueue, ids, aimedAt, params.concurrency, undefined, progress);
  const openedAt = Date.now();
  const failures: string[] = [];
  if (opened.errors.length) failures.push(`${opened.errors.length} cases did not open (first: ${opened.errors[0]})`);
  if (openedAt > deadline || opened.lateStarts) failures.push(`opening overran the deadline: the last case open ${((openedAt - deadline) / 1000).toFixed(1)} s after it, ${opened.lateStarts} started too late to meet it`);
  const offsets = [...opened.deadlines.values()].map((d) => d - deadline).sort((a, b) => a - b);
  const at = (q: number) => `${((offsets[Math.min(offsets.length - 1, Math.floor(q * offsets.length))] ?? NaN) / 1000).toFixed(1)}`;
  say(
    `  ${opened.deadlines.size}/${n} open ${((deadline - openedAt) / 1000).toFixed(0)} s before the deadline, at ${((opened.deadlines.size * 1000) / (openedAt - began)).toFixed(1)}/s with the warm-up; their clocks due at the instant ${at(0)} / ${at(0.01)} / ${at(0.5)} / ${at(0.99)} / ${at(1)} s (min / p1 / p50 / p99 / max: each clock starts at its case's first task)`,
  );
  return { ids, deadline, deadlines: opened.deadlines, firstDue: deadline + offsets[0], lastDue: deadline + offsets[offsets.length - 1], openedAt, failures };
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
  /** How late each breach was recorded after its clock's deadline (workflow time), sorted. */
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
  for (const [id, view] of views) {
    const breaches = reviewBreaches(view);
    const defaults = countAction(view, 'approved_by_default');
    outcome.breaches += breaches.length;
    outcome.defaults += defaults;
    if (breaches.length === 1 && breaches[0].at >= since) outcome.firedSince++;
    if (breaches.length !== 1 || defaults !== 1) outcome.wrong++;
    outcome.latenessMs.push(...breaches.map((b) => b.at - (cases.deadlines.get(id) ?? cases.deadline)));
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
