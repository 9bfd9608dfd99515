/** Runs one operation per item with a fixed number in flight, timing each and the whole run. */
import { performance } from 'node:perf_hooks';

export interface PoolResult {
  /** Latency of each successful operation, ms. */
  latenciesMs: number[];
  /** From the first operation's start to the last one's end, ms. */
  wallMs: number;
  errors: string[];
}

/** Stops taking new items once `signal` is aborted (operations in flight finish). */
export async function runPool<T>(items: readonly T[], concurrency: number, op: (item: T) => Promise<unknown>, signal?: AbortSignal): Promise<PoolResult> {
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length && !signal?.aborted) {
      const item = items[next++];
      const began = performance.now();
      try {
        await op(item);
        latenciesMs.push(performance.now() - began);
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return { latenciesMs, wallMs: performance.now() - began, errors };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
}
