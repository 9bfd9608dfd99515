/**
 * The cost of a partner callback's company check (POST /callbacks/courier), through the API harness (Temporal dev
 * server, FerretDB, sandbox, a worker): a loop of callbacks from a courier company to the cases it carries (answered
 * 202) and to another company's cases (404), one at a time over HTTP. Each answer is timed (p50, p99), and the case
 * reads it caused are counted: workflow queries (the case read from Temporal) and store reads (`cases` and
 * `case_views` by id). Not part of `npm test`; run it by hand, once per version of api/callbacks.ts to compare:
 * `CALLBACK_BENCH_LABEL=after npx tsx tools/bench/callbacks.ts` (after `bash scripts/provision.sh`). Each run
 * keeps its row in .data/bench/callbacks-<label>.json and prints the table of every kept row.
 * Environment: CALLBACK_BENCH_COUNT (default 500 allowed callbacks; a fifth as many refused), CALLBACK_BENCH_CASES
 * (default 10 cases per company).
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEV_PARTNER_COMPANIES } from '../../config/partner-companies';
import { KEYS, returnBody, startApiHarness, type ApiHarness } from '../../test/api/harness';
import { projectRoot } from '../../scripts/servers/tools';

const LABEL = process.env.CALLBACK_BENCH_LABEL ?? 'current';
const COUNT = Number(process.env.CALLBACK_BENCH_COUNT ?? 500);
const CASES = Number(process.env.CALLBACK_BENCH_CASES ?? 10);
const ROWS_DIR = path.join(projectRoot, '.data', 'bench');

interface Row {
  label: string;
  outcome: string;
  callbacks: number;
  p50Ms: number;
  p99Ms: number;
  workflowQueriesPerCallback: number;
  storeReadsPerCallback: number;
  loadAverage: string;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Counts the case reads the API makes: workflow queries (through the client's handles) and store reads by id. */
function countReads(h: ApiHarness) {
  const counts = { queries: 0, storeReads: 0 };
  const getHandle = h.temporal.workflow.getHandle.bind(h.temporal.workflow);
  h.temporal.workflow.getHandle = ((...args: Parameters<typeof getHandle>) => {
    const handle = getHandle(...args);
    const query = handle.query.bind(handle);
    return Object.assign(handle, { query: (...q: Parameters<typeof query>) => (counts.queries++, query(...q)) });
  }) as typeof getHandle;
  h.store.set('debug', (collection: string, method: string) => {
    if ((collection === 'cases' || collection === 'case_views') && method.startsWith('find')) counts.storeReads++;
  });
  return counts;
}

async function openShippedBack(base: string, name: string, courierId: string): Promise<string> {
  const post = async (url: string, key: string, body: object, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${url}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { caseId: string; status: string };
  };
  const body = returnBody({ description: `callback bench ${name}` });
  const { caseId } = await post('/cases', KEYS.agent, { ...body, order: { ...body.order, courierId } }, { 'idempotency-key': `callback-bench-${name}-${Date.now()}` });
  for (let i = 0; ; i++) {
    const view = (await (await fetch(`${base}/cases/${caseId}`, { headers: { authorization: `Bearer ${KEYS.agent}` } })).json()) as { status: string };
    if (view.status === 'awaiting_merchant_review') break;
    if (i > 100) throw new Error(`case ${caseId} stayed ${view.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await post(`/cases/${caseId}/commands/merchant-review`, KEYS['merchant-a'], { decision: 'approve', returnAddress: 'Returns desk' });
  await post(`/cases/${caseId}/commands/ship-back`, KEYS.customer, { trackingNumber: `TRK-${name}` });
  return caseId;
}

async function time(base: string, count: number, key: string, caseIds: string[], expected: number, counts: { queries: number; storeReads: number }, label: string, outcome: string): Promise<Row> {
  const before = { ...counts };
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await fetch(`${base}/callbacks/courier`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ caseId: caseIds[i % caseIds.length], dedupKey: `bench-${label}-${expected}-${Date.now()}-${i}`, event: 'in_transit', at: Date.now() }),
    });
    const answer = await res.text();
    ms.push(performance.now() - started);
    if (res.status !== expected) throw new Error(`callback ${i}: ${res.status}, expected ${expected}: ${answer}`);
  }
  ms.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    label,
    outcome,
    callbacks: count,
    p50Ms: round(quantile(ms, 0.5)),
    p99Ms: round(quantile(ms, 0.99)),
    workflowQueriesPerCallback: round((counts.queries - before.queries) / count),
    storeReadsPerCallback: round((counts.storeReads - before.storeReads) / count),
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

async function main(): Promise<void> {
  const h = await startApiHarness({ companies: () => DEV_PARTNER_COMPANIES.map((c) => ({ ...c })) });
  const server = h.app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const own: string[] = [];
    const others: string[] = [];
    for (let i = 0; i < CASES; i++) {
      own.push(await openShippedBack(base, `own-${i}`, 'courier'));
      others.push(await openShippedBack(base, `other-${i}`, 'courier-b'));
    }
    // Every case projected in transit (the store shows its companies), as a callback finds a case in practice.
    await new Promise((r) => setTimeout(r, 2_000));
    const counts = countReads(h);
    // Warm-up: connections, JIT.
    await time(base, 20, KEYS.courier, own, 202, counts, LABEL, 'warm-up');
    const rows = [await time(base, COUNT, KEYS.courier, own, 202, counts, LABEL, '202 own case'), await time(base, Math.ceil(COUNT / 5), KEYS.courier, others, 404, counts, LABEL, '404 other company')];
    fs.mkdirSync(ROWS_DIR, { recursive: true });
    fs.writeFileSync(path.join(ROWS_DIR, `callbacks-${LABEL}.json`), JSON.stringify(rows, null, 2));
  } finally {
    server.close();
    await h.stop();
  }
  const kept = fs
    .readdirSync(ROWS_DIR)
    .filter((f) => /^callbacks-.*\.json$/.test(f))
    .flatMap((f) => JSON.parse(fs.readFileSync(path.join(ROWS_DIR, f), 'utf8')) as Row[]);
  const header = ['label', 'outcome', 'callbacks', 'p50 ms', 'p99 ms', 'workflow queries / callback', 'store reads / callback', 'load average (1, 5, 15 min)'];
  const lines = [header, header.map(() => '---'), ...kept.map((r) => [r.label, r.outcome, r.callbacks, r.p50Ms, r.p99Ms, r.workflowQueriesPerCallback, r.storeReadsPerCallback, r.loadAverage].map(String))];
  process.stdout.write(`${lines.map((l) => `| ${l.join(' | ')} |`).join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
