/**
 * The three comparisons, each API side against direct Temporal client calls, at the same concurrency:
 *  - create: POST /cases (return case, Idempotency-Key) vs client.workflow.start of the no-op workflow;
 *  - query:  GET /cases/:id vs handle.query(getCaseQuery), once per case opened in `create`;
 *  - update: POST .../commands/merchant-review {approve} vs handle.executeUpdate(merchant_review) — a transition that
 *            happens once per case, so every sample takes a fresh case awaiting merchant review: the cases opened
 *            in `create` are split in two, even indexes to the API, odd ones to the direct side.
 * The direct side runs first in each pair; between runs the bench waits until the workers are idle so one side's
 * background work (activities after a transition) does not land in the other's timing.
 */
import type { ApiSide } from './api-side';
import type { DirectSide } from './direct-side';
import type { BenchParams } from './params';
import { runPool, type PoolResult } from './pool';
import type { BenchStack } from './stack';

export interface Comparison {
  api: PoolResult;
  direct: PoolResult;
}

export interface BenchResults {
  create: Comparison;
  query: Comparison;
  update: Comparison;
}

const REVIEW = 'awaiting_merchant_review';

/** Runs every measurement; once `signal` is aborted it stops at the next operation and rejects. */
export async function runBench(
  stack: BenchStack,
  api: ApiSide,
  direct: DirectSide,
  params: BenchParams,
  say: (line: string) => void,
  signal: AbortSignal,
): Promise<BenchResults> {
  const run = Date.now().toString(36);
  const { concurrency: c } = params;
  const indexes = (n: number) => Array.from({ length: n }, (_, i) => i);
  const poolOf = async <T>(items: readonly T[], op: (item: T) => Promise<unknown>) => {
    const result = await runPool(items, c, op, signal);
    signal.throwIfAborted();
    return result;
  };
  const pool = async <T>(label: string, items: readonly T[], op: (item: T) => Promise<unknown>) => {
    const result = await poolOf(items, op);
    say(`  ${label}: ${result.latenciesMs.length} in ${(result.wallMs / 1000).toFixed(1)} s${result.errors.length ? `, ${result.errors.length} failed` : ''}`);
    return result;
  };
  const settle = async () => {
    const began = Date.now();
    await stack.settle(signal);
    if (Date.now() - began > 3000) say(`  (waited ${((Date.now() - began) / 1000).toFixed(1)} s for the workers' background work)`);
  };
  const mustSucceed = (what: string, result: PoolResult) => {
    if (result.errors.length) throw new Error(`${what}: ${result.errors.length} failed, first: ${result.errors[0]}`);
  };
  const awaitReview = async (caseIds: readonly string[]) => {
    const stuck = await poolOf(caseIds, async (id) => {
      const until = Date.now() + 30_000;
      while ((await direct.getCase(id)) !== REVIEW) {
        if (Date.now() > until || signal.aborted) throw new Error(`${id} did not reach ${REVIEW}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    mustSucceed('waiting for merchant review', stuck);
  };

  say(`warm-up (${params.warmup} per side, untimed)`);
  const warmIds: string[] = [];
  mustSucceed('warm-up start', await poolOf(indexes(params.warmup), (i) => direct.startNoop(`bench-${run}-warm-${i}`)));
  mustSucceed('warm-up open', await poolOf(indexes(params.warmup), async (i) => warmIds.push(await api.openCase(`bench-${run}-warm-${i}`))));
  await awaitReview(warmIds);
  mustSucceed('warm-up query', await poolOf(warmIds, (id) => direct.getCase(id)));
  mustSucceed('warm-up GET', await poolOf(warmIds, (id) => api.getCase(id)));
  const half = Math.ceil(warmIds.length / 2);
  mustSucceed('warm-up update', await poolOf(warmIds.slice(0, half), (id) => direct.approve(id)));
  mustSucceed('warm-up command', await poolOf(warmIds.slice(half), (id) => api.approve(id)));
  await settle();

  say(`create: ${params.cases} per side`);
  const createDirect = await pool('direct start (no-op workflow)', indexes(params.cases), (i) => direct.startNoop(`bench-${run}-noop-${i}`));
  await settle();
  const caseIds: string[] = [];
  const createApi = await pool('POST /cases', indexes(params.cases), async (i) => caseIds.push(await api.openCase(`bench-${run}-case-${i}`)));
  await awaitReview(caseIds);
  await settle();

  say(`query: ${caseIds.length} per side`);
  const queryDirect = await pool('handle.query(getCaseQuery)', caseIds, (id) => direct.getCase(id));
  const queryApi = await pool('GET /cases/:id', caseIds, (id) => api.getCase(id));
  await settle();

  const forApi = caseIds.filter((_, i) => i % 2 === 0);
  const forDirect = caseIds.filter((_, i) => i % 2 === 1);
  say(`update: ${forApi.length} API, ${forDirect.length} direct, one fresh case each`);
  const updateDirect = await pool('handle.executeUpdate(merchant_review)', forDirect, (id) => direct.approve(id));
  await settle();
  const updateApi = await pool('POST /cases/:id/commands/merchant-review', forApi, (id) => api.approve(id));
  // Let the last transitions' activities finish, so stopping the workers does not cut them off.
  await settle().catch((err: unknown) => say(`  (workers still busy at the end: ${err instanceof Error ? err.message : err})`));

  return {
    create: { api: createApi, direct: createDirect },
    query: { api: queryApi, direct: queryDirect },
    update: { api: updateApi, direct: updateDirect },
  };
}
