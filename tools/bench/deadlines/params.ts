/**
 * Parameters of `npm run bench:deadlines`, from the environment. Every size is a parameter; the defaults are the sizes
 * of the issue "Deadlines that fire under load".
 */
import { intFromEnv } from '../../../config/env';
import { TEMPORAL_DBS, type TemporalDb } from '../stack';

export const PARTS = ['lag', 'outage', 'burst', 'spread', 'stuck'] as const;
export type Part = (typeof PARTS)[number];
/**
 * What runs unless BENCH_DEADLINE_PARTS says otherwise: everything but the spread, which alone takes about 25 minutes
 * on 2 cores (10,000 cases opened, then 10 minutes of deadlines), so the default run stays near 20 to 30 minutes.
 */
export const DEFAULT_PARTS: readonly Part[] = ['lag', 'outage', 'burst', 'stuck'];

export interface DeadlineParams {
  /** Which parts run (BENCH_DEADLINE_PARTS, comma-separated; default DEFAULT_PARTS). */
  parts: Set<Part>;
  /** Same-instant bursts: one run per size (BENCH_DEADLINE_SIZES, default 1000,2000). */
  burstSizes: number[];
  /** Cases whose deadlines are spread evenly over spreadWindowS (BENCH_SPREAD_CASES, default 10000). */
  spreadCases: number;
  spreadWindowS: number;
  /** Cases started at once through the Temporal client while cases are opened (BENCH_START_CONCURRENCY, default 16). */
  startConcurrency: number;
  /**
   * Time from the first start to the (first) deadline, seconds: every case must be open and quiet before it.
   * BENCH_DEADLINE_LEAD_S; default: 20 s plus the cases at BENCH_ASSUMED_OPEN_RATE (default 25) cases/s, and for the
   * spread, when bursts ran before it, 20 s plus 1.5 × the cases at the slowest opening rate the bursts measured.
   */
  leadS: (cases: number) => number;
  /** How long after the last deadline the bench waits for every deadline to fire before it counts the missing (BENCH_FIRE_TIMEOUT_S, default 120). */
  fireTimeoutS: number;
  /** POST /cases for the store-lag figure (BENCH_STORE_LAG_CASES, default 1000) at BENCH_STORE_LAG_CONCURRENCY (default 32). */
  lagCases: number;
  lagConcurrency: number;
  /** Store outage length (BENCH_OUTAGE_S, default 60) and the API calls in flight meanwhile (BENCH_OUTAGE_CONCURRENCY, default 8). */
  outageS: number;
  outageConcurrency: number;
  /** How long the bench waits for the store to catch up before it reports a miss (BENCH_CATCH_UP_TIMEOUT_S, default 300). */
  catchUpTimeoutS: number;
  /** Documents in `cases` for the stuck-cases figure, live cases included (BENCH_STUCK_STORED, default 100000). */
  stuckStored: number;
  /** Live cases for the stuck-cases figure when the spread part does not run (it reuses the spread's cases otherwise). */
  stuckLive: number;
  /** GET /supervisor/stuck-cases requests, one at a time, over a few filter combinations (BENCH_STUCK_REQUESTS, default 200). */
  stuckRequests: number;
  /** Where the Temporal dev server keeps histories (BENCH_TEMPORAL_DB: memory, the default, or file; see ../stack.ts). */
  temporalDb: TemporalDb;
}

/** Above this many spread cases the in-memory dev server is refused: it failed at about 64,000 (../stack.ts). */
const IN_MEMORY_CASES = 50_000;

export function deadlineParams(env: NodeJS.ProcessEnv = process.env): DeadlineParams {
  const parts = new Set(
    (env.BENCH_DEADLINE_PARTS || DEFAULT_PARTS.join(','))
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
  for (const p of parts) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`BENCH_DEADLINE_PARTS: unknown part "${p}" (parts: ${PARTS.join(', ')})`);
  const burstSizes = (env.BENCH_DEADLINE_SIZES || '1000,2000').split(',').map((s) => Number(s.trim()));
  if (burstSizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`BENCH_DEADLINE_SIZES must be positive integers, got "${env.BENCH_DEADLINE_SIZES}"`);
  const fixedLead = env.BENCH_DEADLINE_LEAD_S ? intFromEnv(env, 'BENCH_DEADLINE_LEAD_S', 0) : undefined;
  const openRate = intFromEnv(env, 'BENCH_ASSUMED_OPEN_RATE', 25);
  const spreadCases = intFromEnv(env, 'BENCH_SPREAD_CASES', 10_000);
  const positive = (name: string, fallback: number) => {
    const v = intFromEnv(env, name, fallback);
    if (v < 1) throw new Error(`${name} must be at least 1`);
    return v;
  };
  const temporalDb = (env.BENCH_TEMPORAL_DB || 'memory') as TemporalDb;
  if (!TEMPORAL_DBS.includes(temporalDb)) throw new Error(`BENCH_TEMPORAL_DB must be ${TEMPORAL_DBS.join(' or ')}, got "${temporalDb}"`);
  if (temporalDb === 'memory' && parts.has('spread') && spreadCases > IN_MEMORY_CASES) {
    throw new Error(`BENCH_SPREAD_CASES=${spreadCases} needs BENCH_TEMPORAL_DB=file: the in-memory Temporal dev server failed at about 64,000 open cases`);
  }
  return {
    parts: parts as Set<Part>,
    burstSizes,
    spreadCases,
    spreadWindowS: positive('BENCH_SPREAD_WINDOW_S', 600),
    startConcurrency: positive('BENCH_START_CONCURRENCY', 16),
    leadS: (cases) => fixedLead ?? Math.ceil(20 + cases / Math.max(1, openRate)),
    fireTimeoutS: positive('BENCH_FIRE_TIMEOUT_S', 120),
    lagCases: positive('BENCH_STORE_LAG_CASES', 1000),
    lagConcurrency: positive('BENCH_STORE_LAG_CONCURRENCY', 32),
    outageS: positive('BENCH_OUTAGE_S', 60),
    outageConcurrency: positive('BENCH_OUTAGE_CONCURRENCY', 8),
    catchUpTimeoutS: positive('BENCH_CATCH_UP_TIMEOUT_S', 300),
    stuckStored: intFromEnv(env, 'BENCH_STUCK_STORED', 100_000),
    stuckLive: intFromEnv(env, 'BENCH_STUCK_LIVE', spreadCases),
    stuckRequests: positive('BENCH_STUCK_REQUESTS', 200),
    temporalDb,
  };
}

/** The environment line that reproduces these parameters. */
export function describeParams(p: DeadlineParams, env: NodeJS.ProcessEnv = process.env): string {
  return [
    `BENCH_DEADLINE_PARTS=${[...p.parts].join(',')}`,
    `BENCH_DEADLINE_SIZES=${p.burstSizes.join(',')}`,
    `BENCH_SPREAD_CASES=${p.spreadCases}`,
    `BENCH_SPREAD_WINDOW_S=${p.spreadWindowS}`,
    `BENCH_STORE_LAG_CASES=${p.lagCases}`,
    `BENCH_STORE_LAG_CONCURRENCY=${p.lagConcurrency}`,
    `BENCH_OUTAGE_S=${p.outageS}`,
    `BENCH_STUCK_STORED=${p.stuckStored}`,
    `BENCH_STUCK_REQUESTS=${p.stuckRequests}`,
    `BENCH_START_CONCURRENCY=${p.startConcurrency}`,
    `BENCH_TEMPORAL_DB=${p.temporalDb}`,
    ...(env.BENCH_DEADLINE_LEAD_S ? [`BENCH_DEADLINE_LEAD_S=${env.BENCH_DEADLINE_LEAD_S}`] : []),
  ].join(' ');
}
