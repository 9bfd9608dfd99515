/** Bench parameters from the environment: BENCH_CASES (cases per side), BENCH_CONCURRENCY (requests in flight). */
import { intFromEnv } from '../../config/env';

export interface BenchParams {
  /** Cases opened through the API, and no-op workflows started directly; also the query samples per side. */
  cases: number;
  /** Requests in flight at once, on either side. */
  concurrency: number;
  /** Untimed operations per side before each measurement. */
  warmup: number;
}

export function benchParams(env: NodeJS.ProcessEnv = process.env): BenchParams {
  const cases = intFromEnv(env, 'BENCH_CASES', 200);
  const concurrency = intFromEnv(env, 'BENCH_CONCURRENCY', 8);
  if (cases < 2) throw new Error('BENCH_CASES must be at least 2 (half the cases take the API update, half the direct one)');
  if (concurrency < 1) throw new Error('BENCH_CONCURRENCY must be at least 1');
  return { cases, concurrency, warmup: Math.min(10, cases) };
}
