/** What the checker reads back from the source of truth (each workflow), the payment ledger and the store. */
import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import { caseModel } from '../../activities/store/case-model';
import type { CaseView } from '../../workflows/domain/case';
import { getCaseQuery } from '../../workflows/messages';
import { runPool } from '../bench/pool';
import type { RunningSandbox } from '../../sandbox/app';
import { sleep } from './api-client';

/** Each case's live view, by a query of its workflow (retried: the worker may be starting). */
export async function readViews(client: Client, ids: readonly string[], concurrency = 16): Promise<Map<string, CaseView>> {
  const views = new Map<string, CaseView>();
  await runPool(ids, concurrency, async (id) => {
    for (let attempt = 0; ; attempt++) {
      try {
        views.set(id, await client.workflow.getHandle(id).query(getCaseQuery));
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await sleep(500);
      }
    }
  });
  return views;
}

/** Polls the workflows until every case satisfies `done` or `timeoutMs` passes; answers when the last one got there. */
export async function waitForAll(
  client: Client,
  ids: readonly string[],
  done: (view: CaseView) => boolean,
  timeoutMs: number,
  say: (line: string) => void,
): Promise<{ pending: string[]; doneAt: number }> {
  const until = Date.now() + timeoutMs;
  let pending = [...ids];
  let lastSay = 0;
  for (;;) {
    const views = await readViews(client, pending).catch(() => new Map<string, CaseView>());
    pending = pending.filter((id) => !(views.has(id) && done(views.get(id)!)));
    if (pending.length === 0 || Date.now() > until) return { pending, doneAt: Date.now() };
    if (Date.now() - lastSay > 15_000) {
      lastSay = Date.now();
      say(`  ${ids.length - pending.length}/${ids.length} at their end state`);
    }
    await sleep(2000);
  }
}

/**
 * Why cases never got there: the last workflow task failure in each one's history (e.g. a nondeterminism error that
 * stalls it), or its status. One line per distinct reason, with how many cases and one of them.
 */
export async function diagnose(client: Client, ids: readonly string[]): Promise<string[]> {
  const reasons = new Map<string, { count: number; example: string }>();
  await runPool(ids.slice(0, 50), 4, async (id) => {
    let reason = 'no workflow task failure in its history';
    try {
      const history = await client.workflow.getHandle(id).fetchHistory();
      const failed = [...(history.events ?? [])].reverse().find((e) => e.workflowTaskFailedEventAttributes);
      const message = failed?.workflowTaskFailedEventAttributes?.failure?.message;
      if (message) reason = `workflow task failing: ${message.slice(0, 160)}`;
    } catch (err) {
      reason = `history unreadable: ${err instanceof Error ? err.message.slice(0, 100) : String(err)}`;
    }
    const seen = reasons.get(reason) ?? { count: 0, example: id };
    seen.count++;
    reasons.set(reason, seen);
  });
  return [...reasons.entries()].map(([reason, { count, example }]) => `${count}× ${reason} (e.g. ${example})`);
}

export const countAction = (view: CaseView, action: string) => view.audit.filter((a) => a.action === action).length;

/** Per-step tally over the cases: steps missing (0 entries) and steps done more than once. */
export function stepCounts(views: Iterable<CaseView>, steps: readonly string[]): { lost: number; duplicated: number; detail: string[] } {
  let lost = 0;
  let duplicated = 0;
  const detail: string[] = [];
  for (const view of views) {
    for (const step of steps) {
      const n = countAction(view, step);
      if (n === 0) lost++;
      if (n > 1) duplicated++;
      if (n !== 1 && detail.length < 5) detail.push(`${view.caseId} ${step}×${n}`);
    }
  }
  return { lost, duplicated, detail };
}

/** Refunds per case in the payment sandbox's ledger: min and max over `ids`. */
export function refundsPerCase(sandbox: RunningSandbox, ids: readonly string[]): { min: number; max: number } {
  const perCase = new Map(ids.map((id) => [id, 0]));
  for (const refund of sandbox.state.refunds) if (perCase.has(refund.caseId)) perCase.set(refund.caseId, perCase.get(refund.caseId)! + 1);
  const counts = [...perCase.values()];
  return { min: Math.min(...counts), max: Math.max(...counts) };
}

/** Cases whose stored summary is not at the workflow's version and status. */
export async function storeMismatches(store: mongoose.Connection, views: Map<string, CaseView>): Promise<string[]> {
  const docs = await caseModel(store)
    .find({ _id: { $in: [...views.keys()] } }, { _id: 1, version: 1, status: 1 })
    .lean<Array<{ _id: string; version: number; status: string }>>()
    .exec();
  const stored = new Map(docs.map((d) => [d._id, d]));
  const mismatched: string[] = [];
  for (const [id, view] of views) {
    const doc = stored.get(id);
    if (!doc || doc.version !== view.version || doc.status !== view.status) mismatched.push(id);
  }
  return mismatched;
}

/** Polls the store until it matches every workflow (re-reading the views each round) or `timeoutMs` passes. */
export async function waitForStore(client: Client, store: mongoose.Connection, ids: readonly string[], timeoutMs: number): Promise<{ mismatched: string[]; at: number }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const mismatched = await storeMismatches(store, await readViews(client, ids)).catch(() => [...ids]);
    if (mismatched.length === 0 || Date.now() > until) return { mismatched, at: Date.now() };
    await sleep(1000);
  }
}
