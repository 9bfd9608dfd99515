/**
 * `GET /supervisor/stuck-cases` with many live cases and many more stored: the live cases are the workflows already on
 * the stack (opened here when there are none), the rest closed summary documents bulk-inserted straight into `cases` in
 * the shape of activities/store/case-model.ts. Requests go one at a time, round-robin over a few filter combinations
 * and a second page (cursor), after one untimed request per combination.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { caseModel } from '../../../activities/store/case-model';
import type { BenchStack } from '../stack';
import { caseApi } from './api-calls';
import { newCaseIds, startAligned } from './cases';
import { cpuBetween, cpuSeconds, stackSampler, type MemoryFigures } from './memory';
import type { ProjectionObserver } from './observer';
import type { DeadlineParams } from './params';

/** The filter combinations; `page2` follows the first's nextCursor. */
export const STUCK_QUERIES: Array<{ name: string; query: string }> = [
  { name: 'default (breached only)', query: '' },
  { name: 'within=P8D', query: 'within=P8D' },
  { name: 'within=P8D owingParty=customer limit=50', query: 'within=P8D&owingParty=customer&limit=50' },
  { name: 'state=within within=P8D merchantId', query: 'state=within&within=P8D&merchantId=merchant-a' },
  { name: 'idleFor=PT1M', query: 'idleFor=PT1M' },
];
const PAGE2 = 'within=P8D, 2nd page (cursor)';

export interface StuckRun {
  live: number;
  stored: number;
  seeded: number;
  seedMs: number;
  /** Per combination: latencies (ms) and the items on its last page. */
  byQuery: Array<{ name: string; latenciesMs: number[]; items: number }>;
  errors: string[];
  memory: MemoryFigures;
  /** CPU seconds per process during the timed requests, and their wall time (ms). */
  cpuRequests: Record<string, number>;
  requestsMs: number;
  loadAvg: { start: number; end: number };
}

const DAY = 86_400_000;
const KINDS = ['return', 'refund_only', 'exchange', 'feedback', 'safety'];

/** A closed case's summary document, as the projection would have written it. */
function closedSummary(i: number, now: number) {
  const openedAt = new Date(now - 200 * DAY + ((i * 7919) % (180 * DAY)));
  const closedAt = new Date(openedAt.getTime() + ((i * 104_729) % (10 * DAY)) + 3_600_000);
  const id = `case-seed-${i.toString(16).padStart(8, '0')}${((i * 2_654_435_761) >>> 0).toString(16).padStart(8, '0')}`;
  return {
    _id: id,
    caseId: id,
    version: 8 + (i % 10),
    kind: KINDS[i % KINDS.length],
    status: 'closed',
    open: false,
    merchantId: i % 10 === 0 ? 'merchant-a' : `merchant-${i % 200}`,
    customerId: `customer-${i % 20_000}`,
    ...(i % 3 === 0 && { agentId: `agent-${i % 40}` }),
    orderId: `order-seed-${i}`,
    priority: i % 20 === 0 ? 'high' : 'normal',
    openedAt,
    lastTransitionAt: closedAt,
    closedAt,
    openBreaches: [],
    openClocks: [],
    escalated: i % 7 === 0,
    escalatedTo: [],
    breached: i % 5 === 0,
    refundBlocked: false,
  };
}

export async function runStuckCases(
  stack: BenchStack,
  observer: ProjectionObserver,
  params: DeadlineParams,
  /** Whether the stack already holds the live cases (the spread's); otherwise params.stuckLive are opened here. */
  haveLive: boolean,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<StuckRun> {
  const loadStart = os.loadavg()[0];
  const memory = stackSampler(stack).start();
  const errors: string[] = [];
  const Case = caseModel(stack.store);
  if (!haveLive) {
    const ids = newCaseIds('live', params.stuckLive);
    say(`stuck-cases: opening ${ids.length} live returns (review deadline in 48 h)`);
    const started = await startAligned(stack.client, stack.caseTaskQueue, ids, () => Date.now() + 2 * DAY, params.startConcurrency, signal, (k) => say(`  ${k}/${ids.length} open`));
    errors.push(...started.errors.map((e) => `start: ${e}`));
    await observer.waitFor(ids, (m) => m.openStoredAt !== undefined, Date.now() + params.catchUpTimeoutS * 1000, (k) => say(`  ${k}/${ids.length} in the store`), signal);
  }
  await stack.settle(signal).catch(() => undefined);
  const live = await Case.countDocuments({ open: true }).exec();
  const already = await Case.estimatedDocumentCount().exec();
  const toSeed = Math.max(0, params.stuckStored - already);
  say(`stuck-cases: ${live} live cases, ${already} documents in \`cases\`; inserting ${toSeed} closed ones`);
  const seedBegan = Date.now();
  const now = Date.now();
  for (let from = 0; from < toSeed; from += 1000) {
    signal?.throwIfAborted();
    const batch = Array.from({ length: Math.min(1000, toSeed - from) }, (_, k) => closedSummary(from + k, now));
    await Case.collection.insertMany(batch as never[], { ordered: false });
    if ((from / 1000) % 20 === 19) say(`  ${from + batch.length}/${toSeed} inserted`);
  }
  const seedMs = Date.now() - seedBegan;
  const stored = await Case.estimatedDocumentCount().exec();
  say(`stuck-cases: ${stored} documents (seeded in ${(seedMs / 1000).toFixed(1)} s); ${params.stuckRequests} requests, one at a time`);

  const api = caseApi(stack.apiUrl);
  const byQuery = [...STUCK_QUERIES.map((q) => ({ ...q })), { name: PAGE2, query: '' }].map((q) => ({ ...q, latenciesMs: [] as number[], items: 0 }));
  const page2 = byQuery[byQuery.length - 1];
  // Untimed: one request per combination (and the cursor for the second page).
  for (const q of byQuery.slice(0, -1)) {
    try {
      const page = await api.stuckCases(q.query);
      if (q.query === 'within=P8D' && page.nextCursor) page2.query = `within=P8D&cursor=${encodeURIComponent(page.nextCursor)}`;
    } catch (err) {
      errors.push(`${q.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const rotation = page2.query ? byQuery : byQuery.slice(0, -1);
  const cpuBefore = cpuSeconds(memory.targets);
  const requestsBegan = Date.now();
  for (let i = 0; i < params.stuckRequests; i++) {
    signal?.throwIfAborted();
    const q = rotation[i % rotation.length];
    const began = performance.now();
    try {
      const page = await api.stuckCases(q.query);
      q.latenciesMs.push(performance.now() - began);
      q.items = page.items?.length ?? 0;
    } catch (err) {
      errors.push(`${q.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const cpuRequests = cpuBetween(cpuBefore, cpuSeconds(memory.targets));
  const requestsMs = Date.now() - requestsBegan;
  return {
    live,
    stored,
    seeded: toSeed,
    seedMs,
    byQuery: rotation.map(({ name, latenciesMs, items }) => ({ name, latenciesMs, items })),
    errors,
    memory: memory.stop(),
    cpuRequests,
    requestsMs,
    loadAvg: { start: loadStart, end: os.loadavg()[0] },
  };
}
