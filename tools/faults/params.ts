/** Sizes of `npm run faults`: environment variables, or the same names as CLI flags (`--cases=50`). */
export const SCENARIOS = ['worker-kill', 'temporal-restart', 'store-outage', 'partner-outage', 'api-restart', 'parts-kill', 'create-flood', 'fuzz'] as const;
/** Against `npm run start:cluster`'s Temporal (the Temporal server on PostgreSQL) and two workers: `--cluster`. */
export const CLUSTER_SCENARIOS = ['worker-of-two-kill', 'temporal-restart', 'temporal-postgres-restart'] as const;
export type ScenarioName = (typeof SCENARIOS)[number] | (typeof CLUSTER_SCENARIOS)[number];

export interface FaultParams {
  /** Cases per scenario (FAULTS_CASES, default 500). */
  cases: number;
  /** Cases driven at once (FAULTS_CONCURRENCY, default 32). */
  concurrency: number;
  scenarios: ScenarioName[];
  /** `--cluster` (or FAULTS_CLUSTER=1): the Temporal server on PostgreSQL and two workers, CLUSTER_SCENARIOS by default. */
  cluster: boolean;
  /** Payment failures and timeouts in the worker-kill scenario, as fractions of calls. */
  paymentFailRate: number;
  paymentTimeoutRate: number;
  storeOutageS: number;
  partnerOutageS: number;
  /** How long Temporal stays down after the deadlines have passed. */
  temporalOutageS: number;
  /** Requests schemathesis sends, over every role (FAULTS_FUZZ_REQUESTS, default 10000). */
  fuzzRequests: number;
  /** Per scenario, how long cases may take to reach their end state after the last fault. */
  settleTimeoutS: number;
  /** Creates the create-flood scenario sends at once (FAULTS_FLOOD_CREATES, default 1000). */
  floodCreates: number;
}

export function faultParams(argv = process.argv.slice(2), env = process.env): FaultParams {
  const flags = new Map(argv.filter((a) => a.startsWith('--')).map((a) => a.slice(2).split('=') as [string, string]));
  const raw = (name: string) => flags.get(name.toLowerCase().replace(/^faults_/, '').replace(/_/g, '-')) ?? env[name];
  const num = (name: string, fallback: number) => {
    const value = raw(name);
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${value}"`);
    return n;
  };
  const cluster = argv.includes('--cluster') || env.FAULTS_CLUSTER === '1';
  const known: readonly string[] = cluster ? CLUSTER_SCENARIOS : SCENARIOS;
  const scenarios = (raw('FAULTS_SCENARIOS') ?? known.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = scenarios.filter((s) => !known.includes(s));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}${cluster ? ' with --cluster' : ''}; known: ${known.join(', ')}`);
  return {
    cases: num('FAULTS_CASES', 500),
    concurrency: num('FAULTS_CONCURRENCY', 32),
    scenarios: scenarios as ScenarioName[],
    cluster,
    paymentFailRate: num('FAULTS_PAYMENT_FAIL_RATE', 0.3),
    paymentTimeoutRate: num('FAULTS_PAYMENT_TIMEOUT_RATE', 0.05),
    storeOutageS: num('FAULTS_STORE_OUTAGE_S', 60),
    partnerOutageS: num('FAULTS_PARTNER_OUTAGE_S', 120),
    temporalOutageS: num('FAULTS_TEMPORAL_OUTAGE_S', 30),
    fuzzRequests: num('FAULTS_FUZZ_REQUESTS', 10_000),
    settleTimeoutS: num('FAULTS_SETTLE_TIMEOUT_S', 300),
    floodCreates: num('FAULTS_FLOOD_CREATES', 1000),
  };
}
