/**
 * FerretDB's sorted finds pushed down to PostgreSQL (scripts/ferretdb/postgresql-sorted-find.patch and the indexable
 * filters of scripts/ferretdb/postgresql-indexable-filters.patch) answer exactly what FerretDB answers without any
 * pushdown. Two FerretDB processes share one PostgreSQL database: the provisioned one, and the same binary with
 * --test-disable-pushdown, which reads every document and filters and sorts it in its own code (the reference). A
 * collection with every kind of value the jsonb order and BSON order disagree on (dates and numbers that are the same
 * JSON number, strings and ObjectIDs, null and missing, empty and mixed arrays, objects, booleans, _id of
 * several types) is read with a matrix of filters, sorts, limits and skips; each answer must be the reference's.
 * PostgreSQL logs every statement, and each find carries a comment, so the test also checks that the finds meant to
 * be answered by an ordered query were.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { startFerretDb, mongoPing } from '../../scripts/servers/ferretdb';
import { postgresBinDir, startPostgres, type PostgresServer } from '../../scripts/servers/postgres';
import { freePort, spawnService, waitUntil, type ManagedProcess } from '../../scripts/servers/process';
import { toolPath } from '../../scripts/servers/tools';

const run = promisify(execFile);
const { ObjectId } = mongoose.Types;
const { EJSON } = mongoose.mongo.BSON;
type Doc = Record<string, unknown>;

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const D = (hours: number) => new Date(T0 + hours * HOUR);
const MISSING = Symbol('missing');

/** Deterministic pseudo-random numbers. */
function prng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

const OID_LOW = new ObjectId('000000000000000000000001');
const OID_HIGH = new ObjectId('ffffffffffffffffffffff01');
const OID_MID = new ObjectId('65a1b2c3d4e5f60718293a4b');

// The values of each field, drawn at random per document; dates repeat so that ties span several documents.
const VALUES: Record<string, unknown[]> = {
  d: [
    D(0), D(1), D(1), D(1), D(2), D(2), D(5), D(-3), D(100), new Date(-1000), new Date(0),
    7, 7.5, T0 + HOUR, T0 + HOUR, 1e15, -1, 'str', 'a', '', OID_MID, true, false, null, MISSING, MISSING,
    [], [D(0)], [D(3), D(-1)], [D(2), 'x'], [{ a: D(1) }], ['x'], [null], [T0 + HOUR], {}, { a: D(1) },
  ],
  k: [true, true, true, true, false, 'x', [true], [false], [false, true], [], null, MISSING, 1, { v: true }],
  s: ['a', 'b', 'B', 'ab', 'é', 'e', 'z', 'Z', '', 'ä', '😀', 'a\u0301', OID_LOW, OID_MID, OID_HIGH, 1, D(0), true, null, MISSING, ['b', 'a'], ['zz'], [], ['a', OID_LOW]],
  b: [true, true, false, false, MISSING, null, [true, false], [false], [], 'true', 0, D(1)],
  open: [true, true, true, false, false, [true], 'true', MISSING],
  nextDeadline: [D(-2), D(-1), D(-1), D(0), D(3), D(48), MISSING, MISSING, null, [D(-5)], [D(6), D(-7)], T0 - HOUR],
};

function makeDocs(count: number): Doc[] {
  const random = prng(20261101);
  const pick = (values: unknown[]) => values[Math.floor(random() * values.length)];
  return Array.from({ length: count }, (_, i) => {
    const doc: Doc = { _id: i % 13 === 5 ? new ObjectId(i.toString(16).padStart(24, '0')) : i % 17 === 3 ? i : `id-${String(i).padStart(4, '0')}` };
    for (const [field, values] of Object.entries(VALUES)) {
      const v = pick(values);
      if (v !== MISSING) doc[field] = v;
    }
    return doc;
  });
}

const FILTERS: Doc[] = [
  {},
  { k: true },
  { k: { $eq: true } },
  { k: false },
  { k: 'x' },
  { d: { $lte: D(2) } },
  { d: { $lt: D(1) } },
  { d: { $gt: D(0) } },
  { d: { $gte: D(1), $lte: D(5) } },
  { d: { $type: 'date' } },
  { d: { $type: 9 } },
  { d: { $eq: D(1) } },
  { d: D(2) },
  { d: { $in: [D(1), D(5)] } },
  { d: { $in: [D(1), 7] } },
  { d: { $in: [D(1), T0 + HOUR, 1e15] } },
  { d: { $lte: 7 } },
  { d: { $lte: D(2), $type: 'date' } },
  { d: { $exists: true, $lte: D(3) } },
  { d: { $not: { $lte: D(1) } } },
  { d: { $ne: D(1) } },
  { k: true, d: { $lte: D(2) } },
  { k: true, d: { $type: 'date' } },
  { k: { $in: [true, 'x'] }, d: { $lte: D(2) } },
  { k: true, d: { $gte: D(1) }, $or: [{ d: { $gt: D(1) } }, { _id: { $gt: 'id-0200' } }] },
  { s: { $gt: 'a' } },
  { s: { $lte: 'b' } },
  { s: { $type: 'string' } },
  { s: { $type: 'objectId' } },
  { s: { $gt: OID_LOW } },
  { s: { $in: ['a', 'é', OID_MID] } },
  { b: true },
  { b: { $type: 'bool' } },
  { b: { $gte: false } },
  { _id: { $type: 'string' } },
  { _id: { $gt: 'id-0100' } },
  { _id: { $type: 'objectId' } },
  { k: true, _id: { $type: 'string' } },
  // the supervisor's shapes: open cases by deadline, undated ones by id, a cursor's tie-break
  { open: { $eq: true }, nextDeadline: { $lte: D(0) } },
  { open: { $eq: true }, nextDeadline: { $gt: D(0), $lte: D(48) } },
  { open: { $eq: true }, nextDeadline: { $type: 'date' }, k: { $eq: true } },
  { open: { $eq: true }, nextDeadline: { $gte: D(-1), $lte: D(48) }, $or: [{ nextDeadline: { $gt: D(-1) } }, { _id: { $gt: 'id-0300' } }] },
  { open: { $eq: true }, nextDeadline: { $exists: false }, _id: { $type: 'string' } },
  { open: { $eq: true }, nextDeadline: { $exists: false }, _id: { $gt: 'id-0150' } },
  { open: { $eq: true }, nextDeadline: { $exists: false }, k: { $eq: true }, _id: { $type: 'string' } },
  { open: { $eq: true }, nextDeadline: { $eq: null }, _id: { $type: 'string' } },
  // conditions FerretDB pushes down with numbers and booleans as arguments
  { k: 1, d: { $lte: D(2) } },
  { d: { $eq: 7 } },
  { k: { $ne: false }, d: { $type: 'date' } },
  { b: { $ne: 0 }, d: { $lte: D(3) } },
  { d: 7.5, s: { $type: 'string' } },
  // null, $exists
  { d: null },
  { d: { $eq: null } },
  { d: { $exists: false } },
  { d: { $exists: true }, k: { $exists: false } },
];

const SORTS: Doc[] = [
  { d: 1, _id: 1 },
  { d: -1, _id: -1 },
  { d: 1, _id: -1 },
  { s: 1, _id: 1 },
  { s: -1, _id: 1 },
  { b: 1, _id: 1 },
  { b: -1, _id: -1 },
  { k: 1, d: 1, _id: 1 },
  { d: 1, s: 1, _id: 1 },
  { nextDeadline: 1, _id: 1 },
  { _id: 1 },
  { _id: -1 },
  // without a tie-break: compared on the sort values only
  { d: 1 },
  { d: -1 },
  { s: 1 },
  { b: -1 },
  { nextDeadline: 1 },
];

/** The sorts read with every filter; the others only with the filters that name their first field. */
const EVERY_FILTER = new Set([0, 3, 9, 10]);

function sortsFor(filter: Doc): Doc[] {
  const named = new Set(Object.keys(filter));
  for (const branch of (filter.$or as Doc[] | undefined) ?? []) Object.keys(branch).forEach((f) => named.add(f));
  return SORTS.filter((sort, i) => EVERY_FILTER.has(i) || named.size === 0 || named.has(Object.keys(sort)[0]));
}

const PAGES = [
  { limit: 1, skip: 0 },
  { limit: 4, skip: 0 },
  { limit: 4, skip: 3 },
  { limit: 60, skip: 0 },
];

/** Finds (filter, sort) that must be answered from an ordered query. */
const MUST_PUSH: Array<[Doc, Doc]> = [
  [{ d: { $lte: D(2) } }, { d: 1, _id: 1 }],
  [{ d: { $type: 'date' } }, { d: -1, _id: -1 }],
  [{ k: true, d: { $type: 'date' } }, { d: 1, _id: 1 }],
  [{ s: { $type: 'string' } }, { s: 1, _id: 1 }],
  [{ s: { $type: 'objectId' } }, { s: -1, _id: 1 }],
  [{ b: true }, { b: 1, _id: 1 }],
  [{ _id: { $type: 'string' } }, { _id: 1 }],
  [{ open: { $eq: true }, nextDeadline: { $lte: D(0) } }, { nextDeadline: 1, _id: 1 }],
  [{ open: { $eq: true }, nextDeadline: { $exists: false }, _id: { $type: 'string' } }, { _id: 1 }],
  [{ open: { $eq: true }, nextDeadline: { $eq: null }, _id: { $type: 'string' } }, { _id: 1 }],
];

// BSON order, enough for the values above: the type ranks of MongoDB's sort, then the value within a type.
function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 1;
  if (typeof v === 'number') return 3;
  if (typeof v === 'string') return 4;
  if (Array.isArray(v)) return 6;
  if (v instanceof ObjectId) return 8;
  if (typeof v === 'boolean') return 9;
  if (v instanceof Date) return 10;
  return 5; // object
}

function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof ObjectId && b instanceof ObjectId) return Buffer.compare(a.id, b.id);
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return EJSON.stringify(a) === EJSON.stringify(b) ? 0 : EJSON.stringify(a) < EJSON.stringify(b) ? -1 : 1;
}

/** The value a document sorts by on one field: null when missing, an array's least (or greatest) element. */
function sortValue(doc: Doc, field: string, order: number): unknown {
  const v = doc[field];
  if (!Array.isArray(v)) return v ?? null;
  if (v.length === 0) return '<empty array>';
  return [...v].sort((x, y) => order * compareValues(x, y))[0] ?? null;
}

describe('FerretDB sorted finds pushed down to PostgreSQL answer as FerretDB without pushdown', () => {
  if (process.env.MONGODB_URI) {
    it.skip('runs against the embedded FerretDB only', () => undefined);
    return;
  }

  let dataDir: string;
  let postgres: PostgresServer;
  let pushed: ManagedProcess | undefined;
  let plain: ManagedProcess | undefined;
  let pushedConn: mongoose.Connection;
  let plainConn: mongoose.Connection;
  const logFile = () => path.join(dataDir, 'postgres.log');

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sort-pushdown-'));
    if (process.getuid?.() === 0) fs.chmodSync(dataDir, 0o711);
    postgres = await startPostgres({ dataDir: path.join(dataDir, 'postgres'), port: await freePort(), database: 'ferretdb', ephemeral: true, logFile: logFile() });
    await run(path.join(postgresBinDir(), 'psql'), [postgres.url, '--no-psqlrc', '--quiet', '--command=ALTER SYSTEM SET log_statement = \'all\'', '--command=SELECT pg_reload_conf()']);

    const pushedPort = await freePort();
    pushed = await startFerretDb({ port: pushedPort, debugPort: await freePort(), backend: { handler: 'postgresql', url: postgres.url }, stateDir: path.join(dataDir, 'pushed') });
    pushedConn = await mongoose.createConnection(`mongodb://127.0.0.1:${pushedPort}/pushdown`).asPromise();
    const coll = pushedConn.db!.collection('mixed');
    await coll.insertMany(makeDocs(300) as never[]);
    for (const key of [{ d: 1 }, { k: 1, d: 1, _id: 1 }, { s: 1, _id: 1 }, { b: -1, _id: -1 }, { open: 1, nextDeadline: 1, _id: 1 }, { open: 1, lastTransitionAt: 1 }]) {
      await coll.createIndex(key as never);
    }

    // Started once the collection and its indexes exist: FerretDB reads PostgreSQL's catalogue when it first needs it.
    const plainPort = await freePort();
    fs.mkdirSync(path.join(dataDir, 'plain'));
    plain = spawnService({
      name: 'ferretdb-no-pushdown',
      command: toolPath('ferretdb'),
      args: ['--handler=postgresql', `--postgresql-url=${postgres.url}`, `--state-dir=${path.join(dataDir, 'plain')}`, `--listen-addr=127.0.0.1:${plainPort}`, `--debug-addr=127.0.0.1:${await freePort()}`, '--telemetry=disable', '--log-level=warn', '--test-disable-pushdown'],
    });
    await waitUntil('FerretDB without pushdown', () => mongoPing(`mongodb://127.0.0.1:${plainPort}/`), { failFast: plain });
    plainConn = await mongoose.createConnection(`mongodb://127.0.0.1:${plainPort}/pushdown`).asPromise();
  });

  afterAll(async () => {
    await pushedConn?.close();
    await plainConn?.close();
    await plain?.stop();
    await pushed?.stop();
    await postgres?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every filter, sort, limit and skip of the matrix as the reference does, and pushes the sorts it can', async () => {
    const mismatches: string[] = [];
    const comments = new Map<string, [Doc, Doc]>();
    let n = 0;
    for (const filter of FILTERS) {
      for (const sort of sortsFor(filter)) {
        // The reference: every match, sorted. A page of a total order (one ending with _id) is its slice; without
        // a tie-break, any page whose sort values are the slice's is right.
        const all = await plainConn.db!.collection('mixed').find(filter, { sort: sort as never, batchSize: 1000 }).toArray();
        const total = Object.keys(sort).at(-1) === '_id';
        const show = (docs: Doc[]) =>
          total ? EJSON.stringify(docs.map((d) => d._id)) : EJSON.stringify(docs.map((d) => Object.entries(sort).map(([f, o]) => sortValue(d, f, o as number))));
        for (const { limit, skip } of PAGES) {
          const comment = `q${n++}`;
          comments.set(comment, [filter, sort]);
          const got = await pushedConn.db!.collection('mixed').find(filter, { sort: sort as never, limit, skip, comment }).toArray();
          const want = all.slice(skip, skip + limit);
          if (show(got) !== show(want)) {
            const ids = (docs: Doc[]) => EJSON.stringify(docs.map((d) => d._id));
            mismatches.push(`${EJSON.stringify({ filter, sort, limit, skip })}\n  pushed:    ${ids(got)}\n  reference: ${ids(want)}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);

    // Which finds were answered by an ordered query: their comment is in a statement with ORDER BY on a field.
    const ordered = new Set<string>();
    for (const line of fs.readFileSync(logFile(), 'utf8').split('\n')) {
      const m = /\/\* (q\d+) \*\/.* ORDER BY _jsonb->/.exec(line);
      if (m) ordered.add(m[1]);
    }
    const key = (filter: Doc, sort: Doc) => EJSON.stringify([filter, sort]);
    const pushedFinds = new Set([...ordered].map((c) => key(...comments.get(c)!)));
    const notPushed = MUST_PUSH.filter(([filter, sort]) => !pushedFinds.has(key(filter, sort))).map(([f, s]) => key(f, s));
    expect(notPushed).toEqual([]);
    // Also far from none of the matrix (more than a tenth of its finds).
    expect(ordered.size).toBeGreaterThan(comments.size / 10);
  });
});
