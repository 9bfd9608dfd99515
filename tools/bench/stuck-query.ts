/**
 * Measures the supervisor's read side over the embedded case store at its target size: 10,000 open and 90,000 closed
 * case summaries in `cases` (the real summary shape: each seeded case goes through toCaseProjection, as the worker
 * writes it). Not part of `npm test`; run it by hand: `npx tsx tools/bench/stuck-query.ts` (after
 * `bash scripts/provision.sh`).
 *
 * One PostgreSQL cluster (temporary directory, free port) is loaded once through FerretDB, then analysed; each FerretDB
 * binary to compare is started in turn over that same database, and the same requests are timed against each, one at
 * a time, through the API (Express, the routes of api/supervisor.ts) or mongoose directly:
 *   - GET /supervisor/stuck-cases (default: breached and refund-blocked), ?state=breached, ?within=P1D&idleFor=P2D
 *     (all four groups), page 2 of the default list (its nextCursor), GET /queues/cs_lead;
 *   - the route's main store query, find({ open: true, nextDeadline: { $lte: now } }).sort({ nextDeadline: 1, _id: 1 })
 *     .limit(101), and findOne({ _id }).
 * Each request is timed (p50, p99) and charged the CPU time it cost FerretDB, PostgreSQL (its server processes) and
 * this process (the API and the clients), read from /proc: a figure other jobs on the machine do not inflate. Every
 * answer is also compared across binaries (same ids in the same order), so a faster binary that answers differently
 * is reported.
 *
 * Environment: STUCK_QUERY_BINS, comma-separated `label=path` of FerretDB binaries (default
 * `provisioned=.tools/bin/ferretdb`), e.g. `before=/tmp/ferretdb-old,after=.tools/bin/ferretdb`; STUCK_QUERY_OPEN
 * (default 10000) and STUCK_QUERY_CLOSED (default 90000); STUCK_QUERY_SAMPLES (default 200 per request and binary)
 * and STUCK_QUERY_BUDGET_S (default 20: time per request and binary). Logs go to .data/logs/stuck-query-*.log.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import { toCaseProjection } from '../../activities/store/case-activities';
import { caseModel, syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { seedView, type SeedCase } from '../../test/api/seed';
import type { CaseKind } from '../../workflows/domain/case';
import type { Party } from '../../workflows/domain/parties';
import { FERRETDB_PG_DATABASE } from '../../scripts/servers/case-store';
import { startFerretDb } from '../../scripts/servers/ferretdb';
import { postgresBinDir, startPostgres } from '../../scripts/servers/postgres';
import { freePort } from '../../scripts/servers/process';
import { projectRoot } from '../../scripts/servers/tools';

const run = promisify(execFile);
const env = process.env;
const OPEN = Number(env.STUCK_QUERY_OPEN ?? 10_000);
const CLOSED = Number(env.STUCK_QUERY_CLOSED ?? 90_000);
const MAX_SAMPLES = Number(env.STUCK_QUERY_SAMPLES ?? 200);
const BUDGET_MS = Number(env.STUCK_QUERY_BUDGET_S ?? 20) * 1000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const KINDS: CaseKind[] = ['return', 'refund_only', 'exchange', 'feedback', 'safety'];
const OWNERS: Party[] = ['merchant', 'customer', 'platform', 'courier', 'warehouse'];
const ESCALATED_TO: Party[] = ['cs_lead', 'senior_agent', 'platform'];

/** Deterministic pseudo-random number in [0, 1) for case i and a salt. */
function rand(i: number, salt: number): number {
  let x = (i + 1) * 2654435761 + salt * 40503;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return ((x ^ (x >>> 16)) >>> 0) / 0x100000000;
}

/**
 * Case i of the data set, relative to `now`: open cases have one or two clocks (deadlines from 5 days ago to 10 days
 * ahead, so about a third are breached), one in ten none; some are escalated, assigned, prioritised or refund-blocked.
 * Closed cases have their clocks satisfied.
 */
export function seedCase(i: number, now: number): SeedCase {
  const open = i < OPEN;
  const id = `case-${(0x9e3779b1 * (i + 1)).toString(16).padStart(8, '0').slice(-8)}-${i.toString(16).padStart(6, '0')}`;
  const openedAt = now - Math.floor((open ? 15 : 120) * DAY * rand(i, 1)) - HOUR;
  const clockCount = open && rand(i, 2) < 0.1 ? 0 : 1 + Math.floor(rand(i, 3) * 2);
  const clocks = Array.from({ length: clockCount }, (_, k) => {
    const deadline = now + Math.floor((rand(i, 10 + k) * 15 - 5) * DAY);
    const breached = open && deadline <= now;
    return {
      name: k === 0 ? 'merchant_review' : 'return_shipment',
      owner: OWNERS[Math.floor(rand(i, 20 + k) * OWNERS.length)],
      deadline: open ? deadline : openedAt + DAY,
      ...(breached && rand(i, 30 + k) < 0.5 && { status: 'breached' as const }),
      ...(!open && { status: 'satisfied' as const, satisfiedAt: openedAt + HOUR }),
    };
  });
  const escalate = open && rand(i, 4) < 0.08;
  return {
    id,
    kind: KINDS[Math.floor(rand(i, 5) * KINDS.length)],
    merchantId: `m-${Math.floor(rand(i, 6) * 200)}`,
    customerId: `c-${Math.floor(rand(i, 7) * 5000)}`,
    ...(rand(i, 8) < 0.5 && { agentId: `agent-${Math.floor(rand(i, 9) * 40)}` }),
    ...(rand(i, 40) < 0.2 && { priority: rand(i, 41) < 0.5 ? ('high' as const) : ('urgent' as const) }),
    openedAt,
    lastTransitionAt: openedAt + Math.floor(rand(i, 42) * (now - openedAt)),
    ...(!open && { closedAt: openedAt + 2 * HOUR }),
    clocks,
    ...(escalate && { escalations: [{ to: ESCALATED_TO[Math.floor(rand(i, 43) * ESCALATED_TO.length)], at: openedAt + HOUR }] }),
    ...(open && rand(i, 44) < 0.02 && { refundBlocked: true }),
  };
}

/** Loads the data set into `cases` (summaries only, with the indexes), in batches. */
async function load(store: mongoose.Connection, now: number): Promise<void> {
  await syncCaseIndexes(store);
  const Case = caseModel(store);
  const total = OPEN + CLOSED;
  const batch = 2000;
  for (let start = 0; start < total; start += batch) {
    const docs = [];
    for (let i = start; i < Math.min(total, start + batch); i++) docs.push(toCaseProjection(seedView(seedCase(i, now))).summary);
    await Case.collection.insertMany(docs as never[], { ordered: false });
    if ((start / batch) % 10 === 9) console.log(`  loaded ${start + batch} / ${total}`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Sample {
  p50: number;
  p99: number;
  n: number;
  /** CPU time per request, ms: FerretDB, PostgreSQL (its server processes), this process (API and clients). */
  cpu: { ferretdb: number; postgres: number; node: number };
  /** What the request answered (ids in order), to compare binaries. */
  answer: string;
}

const CLOCK_TICKS = 100; // USER_HZ of /proc/<pid>/stat on Linux

/** User and system CPU time of a process in ms, from /proc; its parent's pid too. NaN where /proc is not there. */
function procCpu(pid: number): { ms: number; ppid: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS, ppid: Number(fields[1]) };
  } catch {
    return { ms: Number.NaN, ppid: -1 };
  }
}

/** CPU time in ms of a process and its children (PostgreSQL's backends are children of the postmaster). */
function treeCpu(pid: number): number {
  let total = procCpu(pid).ms;
  if (!fs.existsSync('/proc')) return total;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const child = procCpu(Number(entry));
    if (child.ppid === pid) total += child.ms;
  }
  return total;
}

async function timeIt(fn: () => Promise<string>, pids: { ferretdb: number; postgres: number }): Promise<Sample> {
  const answer = await fn(); // warm-up, and the answer to compare
  const times: number[] = [];
  const cpu0 = { ferretdb: procCpu(pids.ferretdb).ms, postgres: treeCpu(pids.postgres), node: process.cpuUsage() };
  const deadline = performance.now() + BUDGET_MS;
  while (times.length < MAX_SAMPLES && performance.now() < deadline) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  const node = process.cpuUsage(cpu0.node);
  const n = times.length;
  const cpu = {
    ferretdb: (procCpu(pids.ferretdb).ms - cpu0.ferretdb) / n,
    postgres: (treeCpu(pids.postgres) - cpu0.postgres) / n,
    node: (node.user + node.system) / 1000 / n,
  };
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), n, cpu, answer };
}

interface Probe {
  name: string;
  run: (ctx: { base: string; store: mongoose.Connection; now: number; ids: string[] }) => Promise<string>;
}

const HEADERS = { 'x-api-key': 'dev-supervisor-key' };

async function getJson(url: string): Promise<{ items?: Array<{ caseId: string }>; nextCursor?: string }> {
  const res = await fetch(url, { headers: HEADERS });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { items?: Array<{ caseId: string }>; nextCursor?: string };
}

const idsOf = (body: { items?: Array<{ caseId: string }> }) => `${body.items?.length ?? 0}:${(body.items ?? []).map((i) => i.caseId).join(',')}`;

let cursorForPage2: string | undefined;

const PROBES: Probe[] = [
  { name: 'GET /supervisor/stuck-cases', run: async ({ base }) => idsOf(await getJson(`${base}/supervisor/stuck-cases`)) },
  { name: '  ?state=breached', run: async ({ base }) => idsOf(await getJson(`${base}/supervisor/stuck-cases?state=breached`)) },
  { name: '  ?within=P1D&idleFor=P2D', run: async ({ base }) => idsOf(await getJson(`${base}/supervisor/stuck-cases?within=P1D&idleFor=P2D`)) },
  {
    name: '  page 2 (nextCursor)',
    run: async ({ base }) => {
      cursorForPage2 ??= (await getJson(`${base}/supervisor/stuck-cases`)).nextCursor;
      if (!cursorForPage2) return 'no second page';
      return idsOf(await getJson(`${base}/supervisor/stuck-cases?cursor=${cursorForPage2}`));
    },
  },
  { name: 'GET /queues/cs_lead', run: async ({ base }) => idsOf(await getJson(`${base}/queues/cs_lead`)) },
  {
    name: 'find overdue, sort, limit 101',
    run: async ({ store, now }) => {
      const docs = await caseModel(store)
        .find({ open: true, nextDeadline: { $lte: new Date(now) } })
        .sort({ nextDeadline: 1, _id: 1 })
        .limit(101)
        .lean()
        .exec();
      return `${docs.length}:${docs.map((d) => d._id).join(',')}`;
    },
  },
  {
    name: 'findOne({ _id })',
    run: async ({ store, ids }) => {
      const id = ids[Math.floor(Math.random() * ids.length)];
      const doc = await caseModel(store).findOne({ _id: id }).lean().exec();
      if (doc?._id !== id) throw new Error(`findOne(${id}) answered ${doc?._id}`);
      return 'found';
    },
  },
];

async function main(): Promise<void> {
  const bins = (env.STUCK_QUERY_BINS ?? `provisioned=${path.join(projectRoot, '.tools/bin/ferretdb')}`).split(',').map((entry) => {
    const [label, bin] = entry.split('=');
    if (!label || !bin || !fs.existsSync(bin)) throw new Error(`STUCK_QUERY_BINS: no binary at ${bin} for ${label}`);
    return { label, bin: path.resolve(bin) };
  });
  const logDir = path.join(projectRoot, '.data/logs');
  fs.mkdirSync(logDir, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stuck-query-'));
  if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o711);
  const postgres = await startPostgres({ dataDir: path.join(dataDir, 'postgres'), port: await freePort(), database: FERRETDB_PG_DATABASE, logFile: path.join(logDir, 'stuck-query-postgres.log'), ephemeral: true });
  const now = Date.now();
  const results = new Map<string, Map<string, Sample>>();
  const loads: string[] = [];
  try {
    for (const [n, { label, bin }] of bins.entries()) {
      process.env.FERRETDB_BIN = bin;
      const port = await freePort();
      const ferret = await startFerretDb({ port, debugPort: await freePort(), backend: { handler: 'postgresql', url: postgres.url }, stateDir: path.join(dataDir, `ferretdb-${label}`), logFile: path.join(logDir, `stuck-query-ferretdb-${label}.log`) });
      const store = await openStore(`mongodb://127.0.0.1:${port}/cases`);
      const server = createApp({ temporal: {} as Client, store, taskQueue: 'stuck-query', policy: loadPolicy({}), apiKeys: DEV_API_KEYS }).listen(0, '127.0.0.1');
      try {
        if (n === 0) {
          const t0 = performance.now();
          console.log(`loading ${OPEN} open and ${CLOSED} closed case summaries through ${label}`);
          await load(store, now);
          console.log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s; VACUUM ANALYZE`);
          await run(path.join(postgresBinDir(), 'psql'), [postgres.url, '--no-psqlrc', '--quiet', '--command=VACUUM ANALYZE']);
        }
        await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', () => resolve())));
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const ids = (await caseModel(store).find({}, { _id: 1 }).limit(5000).lean().exec()).map((d) => d._id);
        const samples = new Map<string, Sample>();
        cursorForPage2 = undefined;
        console.log(`measuring ${label} (${bin}); load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
        for (const probe of PROBES) {
          const sample = await timeIt(() => probe.run({ base, store, now, ids }), { ferretdb: ferret.child.pid!, postgres: postgres.child.pid! });
          samples.set(probe.name, sample);
          console.log(`  ${probe.name.trim().padEnd(34)} p50 ${sample.p50.toFixed(1)} ms, p99 ${sample.p99.toFixed(1)} ms (n=${sample.n}), CPU per request ${cpuText(sample)}`);
        }
        loads.push(`${label}: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
        results.set(label, samples);
      } finally {
        await new Promise((resolve) => server.close(resolve));
        await store.close();
        await ferret.stop();
      }
    }
  } finally {
    await postgres.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const labels = [...results.keys()];
  const col = (s: string, width = 27) => s.padEnd(width);
  console.log(`\n${OPEN} open + ${CLOSED} closed summaries, ${os.cpus().length} cores; load average (1, 5, 15 min) after each: ${loads.join('; ')}`);
  console.log('wall time p50 / p99 (samples); CPU ms per request: FerretDB + PostgreSQL + Node.js (API and clients)');
  console.log(`${'request'.padEnd(32)}${labels.map((l) => col(`${l}: wall`) + col('CPU', 20)).join('')}same answer`);
  console.log(`${'-'.repeat(31)} ${labels.map(() => col('-'.repeat(26)) + col('-'.repeat(19), 20)).join('')}-----------`);
  for (const probe of PROBES) {
    const row = labels.map((l) => results.get(l)!.get(probe.name)!);
    const same = row.every((s) => s.answer === row[0].answer) ? 'yes' : 'NO';
    console.log(`${probe.name.padEnd(32)}${row.map((s) => col(`${fmt(s.p50)} / ${fmt(s.p99)} (${s.n})`) + col(cpuText(s), 20)).join('')}${same}`);
  }
}

function cpuText(s: Sample): string {
  return `${s.cpu.ferretdb.toFixed(1)}+${s.cpu.postgres.toFixed(1)}+${s.cpu.node.toFixed(1)}`;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
