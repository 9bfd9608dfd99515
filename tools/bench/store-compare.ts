/**
 * Measures FerretDB v1 on its SQLite backend against FerretDB on PostgreSQL, to choose the embedded case store.
 * Not part of `npm test`; run it by hand: `npx tsx tools/bench/store-compare.ts` (after `bash scripts/provision.sh`).
 *
 * Each backend gets a fresh temporary directory, free ports and the settings `npm start` uses (PostgreSQL with fsync
 * on; SQLite with immediate transactions), and the same documents (a seeded generator): ~4 KB case documents keyed by
 * a string `_id` (`case-<hex>`), with the index { open: 1, nextDeadline: 1, _id: 1 } the store's stuck-case query uses.
 *
 *  (a) writes: 2,000 upserts (`replaceOne({ _id, version: { $lt: v } }, doc, { upsert: true })`, the projection's
 *      write) with 200 in flight, then 2,000 updates of the same documents the same way; throughput and latency. A
 *      phase that has not finished within STORE_COMPARE_TIMEOUT_S is reported as stalled, and the store is then
 *      probed with `ping` and `findOne({})` (SQLite's deadlock answered the first and never the second).
 *  (b) the stuck-case query: `find({ open: true, nextDeadline: { $lte: now } }).sort({ nextDeadline: 1 }).limit(50)`
 *      (90% of the cases are open, 5% of those overdue);
 *  (c) `findOne({ _id })`;
 *      (b) and (c) sequentially, at each size of STORE_COMPARE_SIZES (the collection grown with insertMany between).
 *
 * Environment: STORE_COMPARE_BACKENDS (default "sqlite,postgresql"), STORE_COMPARE_SIZES (default "10000,100000"),
 * STORE_COMPARE_TIMEOUT_S (default 120, per write phase and per load), STORE_COMPARE_QUERY_BUDGET_S (default 30:
 * time per query kind and size; at most 200 samples). Logs go to .data/logs/store-compare-<backend>-*.log.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { startCaseStore, type StoreBackend } from '../../scripts/servers/case-store';
import { projectRoot } from '../../scripts/servers/tools';

const env = process.env;
const backends = (env.STORE_COMPARE_BACKENDS ?? 'sqlite,postgresql').split(',').map((b) => b.trim()) as StoreBackend[];
const sizes = (env.STORE_COMPARE_SIZES ?? '10000,100000').split(',').map(Number).filter((n) => n > 0);
const phaseTimeoutMs = Number(env.STORE_COMPARE_TIMEOUT_S ?? 120) * 1000;
const queryBudgetMs = Number(env.STORE_COMPARE_QUERY_BUDGET_S ?? 30) * 1000;
const WRITES = 2000;
const IN_FLIGHT = 200;
const MAX_SAMPLES = 200;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

type Doc = Record<string, unknown> & { _id: string; version: number };

/** Deterministic documents: the same set for every backend. */
function caseId(i: number): string {
  return `case-${(0x9e3779b1 * (i + 1)).toString(16).padStart(12, '0').slice(-12)}${i.toString(16).padStart(12, '0')}`;
}

function rand(i: number, salt: number): number {
  let x = (i + 1) * 2654435761 + salt * 40503;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return ((x ^ (x >>> 16)) >>> 0) / 0xffffffff;
}

const STATUSES = ['awaiting_merchant_review', 'awaiting_return_shipment', 'return_in_transit', 'awaiting_inspection', 'refund_due'];

function caseDoc(i: number, version: number): Doc {
  const open = rand(i, 1) < 0.9;
  const openedAt = new Date(NOW - Math.floor(rand(i, 2) * 60 * DAY));
  const audit = Array.from({ length: 12 }, (_, seq) => ({
    seq: seq + 1,
    at: new Date(openedAt.getTime() + seq * 3_600_000),
    actor: { role: seq % 2 ? 'merchant' : 'system', id: `merchant-${i % 50}` },
    action: `transition_${seq}`,
    fromStatus: STATUSES[seq % STATUSES.length],
    toStatus: STATUSES[(seq + 1) % STATUSES.length],
    reason: 'recorded by the store comparison with a reason of ordinary length for an audit entry',
  }));
  return {
    _id: caseId(i),
    caseId: caseId(i),
    version,
    kind: 'return',
    status: STATUSES[(i + version) % STATUSES.length],
    open,
    merchantId: `merchant-${i % 50}`,
    customerId: `customer-${i % 5000}`,
    openedAt,
    lastTransitionAt: new Date(openedAt.getTime() + version * 3_600_000),
    // Deadlines spread over 60 days from 3 days ago: 5% of the open cases are overdue (what the stuck-case query finds).
    ...(open ? { nextDeadline: new Date(NOW + Math.floor((rand(i, 3) * 60 - 3) * DAY)) } : {}),
    openClocks: ['merchant_review'],
    escalatedTo: [],
    escalated: false,
    breached: false,
    view: { audit, description: 'The kettle leaks from the base. '.repeat(12) },
  };
}

interface Stats {
  n: number;
  p50: number;
  p99: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99) };
}

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface WritePhase {
  /** Operations that succeeded. */
  done: number;
  failed: number;
  firstError?: string;
  seconds: number;
  latency: Stats;
  stalled: boolean;
}

/** Runs `count` operations with `inFlight` at a time; stops waiting after the phase timeout (operations may still hang). */
async function writes(count: number, op: (i: number) => Promise<unknown>): Promise<WritePhase> {
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const began = performance.now();
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t);
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  };
  let stalled = false;
  try {
    await within(Promise.all(Array.from({ length: IN_FLIGHT }, lane)), phaseTimeoutMs, 'write phase');
  } catch (err) {
    if (!(err instanceof Timeout)) throw err;
    stalled = true;
  }
  return { done: latencies.length, failed, firstError, seconds: (performance.now() - began) / 1000, latency: stats(latencies), stalled };
}

/**
 * Sequential samples until MAX_SAMPLES or the query budget is spent: at least 3 unless they take more than twice the
 * budget, then at least 1. A first call under a second is a warm-up and not counted. Each call within the phase timeout.
 */
async function sample(run: (k: number) => Promise<unknown>): Promise<Stats & { timedOut: boolean }> {
  const latencies: number[] = [];
  const began = performance.now();
  const more = () => {
    const spent = performance.now() - began;
    return latencies.length < MAX_SAMPLES && (latencies.length < 1 || (latencies.length < 3 && spent < 2 * queryBudgetMs) || spent < queryBudgetMs);
  };
  const warmUp = performance.now();
  try {
    await within(run(0), phaseTimeoutMs, 'query');
  } catch (err) {
    if (err instanceof Timeout) return { ...stats([]), timedOut: true };
    throw err;
  }
  if (performance.now() - warmUp >= 1000) latencies.push(performance.now() - warmUp);
  for (let k = 1; more(); k++) {
    const t = performance.now();
    try {
      await within(run(k), phaseTimeoutMs, 'query');
    } catch (err) {
      if (err instanceof Timeout) return { ...stats(latencies), timedOut: true };
      throw err;
    }
    latencies.push(performance.now() - t);
  }
  return { ...stats(latencies), timedOut: false };
}

interface BackendResult {
  backend: StoreBackend;
  rows: Map<string, string>;
}

interface Opened {
  connection: mongoose.Connection;
  cases: mongoose.mongo.Collection<Doc>;
  close(): Promise<void>;
}

/** A fresh store over a new temporary directory, with the index, and a connection to it. */
async function open(backend: StoreBackend): Promise<Opened> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `store-compare-${backend}-`));
  const store = await startCaseStore({
    dataDir,
    backend,
    logDir: path.join(projectRoot, '.data', 'logs'),
    logPrefix: `store-compare-${backend}-`,
  });
  const connection = await mongoose.createConnection(`${store.uri}compare`, { maxPoolSize: IN_FLIGHT + 50, serverSelectionTimeoutMS: 5000 }).asPromise();
  const cases = connection.db!.collection<Doc>('cases');
  await cases.createIndex({ open: 1, nextDeadline: 1, _id: 1 });
  return {
    connection,
    cases,
    close: async () => {
      await within(connection.close(true), 10_000, 'closing the connection').catch(() => undefined);
      await store.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(backend: StoreBackend, say: (line: string) => void): Promise<BackendResult> {
  const rows = new Map<string, string>();
  let opened = await open(backend);
  try {
    let { connection, cases } = opened;
    const replace = (doc: Doc) => cases.replaceOne({ _id: doc._id, version: { $lt: doc.version } }, doc, { upsert: true });

    const report = (label: string, phase: WritePhase) => {
      const rate = phase.done / phase.seconds;
      rows.set(`${label}: throughput`, phase.stalled ? `STALLED: ${phase.done}/${WRITES} in ${phase.seconds.toFixed(0)} s` : `${rate.toFixed(0)} docs/s (${phase.seconds.toFixed(1)} s)`);
      rows.set(`${label}: latency p50 / p99`, phase.done ? `${ms(phase.latency.p50)} / ${ms(phase.latency.p99)}` : '—');
      rows.set(`${label}: failed`, `${phase.failed}`);
      say(`  ${backend} ${label}: ${rows.get(`${label}: throughput`)}, p50/p99 ${rows.get(`${label}: latency p50 / p99`)}, ${phase.failed} failed`);
      if (phase.firstError) say(`    first error: ${phase.firstError.replace(/\[[^\]]*\] /g, '')}`);
    };
    say(`${backend}: (a) ${WRITES} upserts, ${IN_FLIGHT} in flight`);
    const upserts = await writes(WRITES, (i) => replace(caseDoc(i, 1)));
    report(`(a) ${WRITES} upserts, ${IN_FLIGHT} in flight`, upserts);
    const updatesLabel = `(a) ${WRITES} updates, ${IN_FLIGHT} in flight`;
    const updates = upserts.stalled ? undefined : await writes(WRITES, (i) => replace(caseDoc(i, 2)));
    if (updates) report(updatesLabel, updates);
    else {
      rows.set(`${updatesLabel}: throughput`, 'not run (the upserts stalled)');
      rows.set(`${updatesLabel}: latency p50 / p99`, '—');
      rows.set(`${updatesLabel}: failed`, '—');
    }
    const probe = async (what: string, op: () => Promise<unknown>) =>
      within(op(), 10_000, what).then(
        () => 'answers',
        (err: Error) => (err instanceof Timeout ? 'HANGS' : `fails: ${err.message}`),
      );
    const ping = await probe('ping', () => connection.db!.admin().ping());
    const findAny = await probe('findOne({})', () => cases.findOne({}));
    rows.set('(a) after the writes: ping / findOne({})', `${ping} / ${findAny}`);
    let count = WRITES;
    if (upserts.stalled || updates?.stalled) {
      say(`  ${backend}: writes stalled; ping ${ping}, findOne({}) ${findAny}; the reads run on a fresh store`);
      rows.set('(b), (c) measured on', 'a fresh store (the writes stalled)');
      await opened.close();
      opened = await open(backend);
      ({ connection, cases } = opened);
      count = 0;
    }

    for (const size of sizes) {
      const loadBegan = performance.now();
      try {
        await within(
          (async () => {
            while (count < size) {
              const batch = Array.from({ length: Math.min(1000, size - count) }, (_, k) => caseDoc(count + k, 1));
              await cases.insertMany(batch, { ordered: false });
              count += batch.length;
            }
          })(),
          phaseTimeoutMs * 2,
          `loading ${size} documents`,
        );
      } catch (err) {
        if (!(err instanceof Timeout)) throw err;
        rows.set(`load to ${size.toLocaleString('en')} docs (insertMany, 1,000 a batch)`, `gave up at ${count} docs after ${((performance.now() - loadBegan) / 1000).toFixed(0)} s`);
        say(`  ${backend}: loading stopped at ${count} documents`);
        break;
      }
      const loadSeconds = (performance.now() - loadBegan) / 1000;
      rows.set(`load to ${size.toLocaleString('en')} docs (insertMany, 1,000 a batch)`, `${loadSeconds.toFixed(1)} s`);
      say(`  ${backend}: ${size} documents (loaded in ${loadSeconds.toFixed(1)} s); querying`);

      const due = new Date(NOW);
      const find = await sample(async () => {
        const found = await cases.find({ open: true, nextDeadline: { $lte: due } }).sort({ nextDeadline: 1 }).limit(50).toArray();
        if (found.length !== 50) throw new Error(`stuck-case query answered ${found.length} documents, expected 50`);
      });
      const byId = await sample(async (k) => {
        const id = caseId(Math.floor(rand(k, 7) * size));
        const doc = await cases.findOne({ _id: id });
        if (!doc) throw new Error(`findOne({ _id: ${id} }) found nothing`);
      });
      const show = (s: Stats & { timedOut: boolean }) => (s.timedOut ? `TIMED OUT after ${s.n} samples` : `${ms(s.p50)} / ${ms(s.p99)} (n=${s.n})`);
      rows.set(`(b) stuck-case find, limit 50 @ ${size.toLocaleString('en')}: p50 / p99`, show(find));
      rows.set(`(c) findOne({ _id }) @ ${size.toLocaleString('en')}: p50 / p99`, show(byId));
      say(`  ${backend} @${size}: find ${show(find)}; findOne ${show(byId)}`);
      if (find.timedOut || byId.timedOut) break;
    }
    return { backend, rows };
  } finally {
    await opened.close();
  }
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 10 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

function table(results: BackendResult[]): string {
  const labels = [...new Set(results.flatMap((r) => [...r.rows.keys()]))];
  const header = ['figure', ...results.map((r) => `FerretDB on ${r.backend}`)];
  const body = labels.map((label) => [label, ...results.map((r) => r.rows.get(label) ?? '—')]);
  const widths = header.map((_, c) => Math.max(...[header, ...body].map((row) => row[c].length)));
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const say = (line: string) => console.log(line);
  const began = performance.now();
  say(`store-compare: ${backends.join(' vs ')}; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const results: BackendResult[] = [];
  for (const backend of backends) results.push(await measure(backend, say));
  say('');
  say(table(results));
  say('');
  say(`${((performance.now() - began) / 1000).toFixed(0)} s in all; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error('store-compare failed:', err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
