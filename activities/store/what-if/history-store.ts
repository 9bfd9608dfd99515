/**
 * Where clock histories are kept, shaped for the two reads that need many of them at once.
 *
 * - `case_clock_histories`: one document per case, written with the summary, the view and the facts (newer versions
 *   only). `open` and `projectedAt` (when this version was written) serve the forecast: every open case once, then
 *   what changed since.
 * - `case_clock_history_chunks`: the histories of closed cases packed a few thousand to a document, by the UTC day they
 *   opened, as compressed JSON (a tenth of the bytes), so a simulation over 100,000 cases has FerretDB decode a few dozen
 *   documents of 200 KB instead of 100,000 documents. Packing takes the closed cases written since the last packing
 *   (`packed-until`), a minute behind the clock so a write in flight is never passed by; chunks are never rewritten, and
 *   a case packed twice (a packing repeated, or a case reopened and closed again) is read once: its newest version.
 *   Each chunk carries the hash of its bytes (`sum`): the API keeps the chunks it decoded (chunk-cache.ts) and reads
 *   from the store only the list of those in a range with their sums, fetching the ones it does not hold.
 */
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import mongoose, { Schema } from 'mongoose';
import { ChunkCache, type FetchedChunk, type ListedChunk } from './chunk-cache';
import type { ClockHistory, SimulatedHistory } from './clock-history';

export interface ClockHistoryDocument {
  _id: string;
  version: number;
  openedAt: Date;
  open: boolean;
  /** When this version was written (set by the writer): the forecast's and the packing's cursor. */
  projectedAt?: Date;
  /** The ClockHistory as JSON. */
  h: string;
}

interface ChunkDocument {
  _id: string;
  /** The UTC day its cases opened; absent on the packing mark. */
  day?: Date;
  count?: number;
  /** JSON array of ClockHistory, deflated. */
  z?: Buffer | { buffer: Uint8Array };
  /** The hash of z (chunks packed before it was kept have none: their count stands in). */
  sum?: string;
  /** The packing mark (`_id: packed-until`): closed cases written before it are in chunks. */
  upTo?: Date;
}

const historySchema = new Schema<ClockHistoryDocument>(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    openedAt: { type: Date, required: true },
    open: { type: Boolean, required: true },
    projectedAt: Date,
    h: { type: String, required: true },
  },
  { collection: 'case_clock_histories', versionKey: false, minimize: false, _id: false },
);
historySchema.index({ open: 1, openedAt: 1 });
historySchema.index({ projectedAt: 1 });

const chunkSchema = new Schema<ChunkDocument>(
  { _id: { type: String, required: true }, day: Date, count: Number, z: Buffer, sum: String, upTo: Date },
  { collection: 'case_clock_history_chunks', versionKey: false, minimize: false, _id: false },
);
chunkSchema.index({ day: 1 });

export function clockHistoryModel(connection: mongoose.Connection): mongoose.Model<ClockHistoryDocument> {
  return (connection.models.ClockHistory as mongoose.Model<ClockHistoryDocument>) ?? connection.model<ClockHistoryDocument>('ClockHistory', historySchema);
}

function chunkModel(connection: mongoose.Connection): mongoose.Model<ChunkDocument> {
  return (connection.models.ClockHistoryChunk as mongoose.Model<ChunkDocument>) ?? connection.model<ChunkDocument>('ClockHistoryChunk', chunkSchema);
}

export async function syncClockHistoryIndexes(connection: mongoose.Connection): Promise<void> {
  await clockHistoryModel(connection).syncIndexes();
  await chunkModel(connection).syncIndexes();
}

export function toClockHistoryDocument(history: ClockHistory): ClockHistoryDocument {
  return { _id: history.caseId, version: history.version, openedAt: new Date(history.openedAt), open: history.closedAt === undefined, h: JSON.stringify(history) };
}

const DAY_MS = 86_400_000;
const PACK_MARK = 'packed-until';
/** Writes are bounded to 10 s (ProjectionWriter): a minute behind the clock, none is still in flight. */
const PACK_LAG_MS = 60_000;
const CHUNK_CASES = 2_000;
/**
 * Documents per round trip: every read is bounded in time (STORE_READ_BOUND_MS), and FerretDB takes that long to
 * decode a full 16 MB batch of case histories on a loaded machine.
 */
export const HISTORIES_PER_BATCH = 2_000;
const CHUNKS_PER_BATCH = 10;

async function packedUpTo(connection: mongoose.Connection): Promise<Date> {
  const mark = await chunkModel(connection).findById(PACK_MARK).lean<ChunkDocument>().exec();
  return mark?.upTo ?? new Date(0);
}

/** Packs the closed cases written since the last packing into chunks; answers how many it packed. */
export async function packClosedHistories(connection: mongoose.Connection, now = Date.now()): Promise<number> {
  const from = await packedUpTo(connection);
  const upTo = new Date(now - PACK_LAG_MS);
  if (upTo <= from) return 0;
  const docs = await clockHistoryModel(connection)
    .find({ open: false, projectedAt: { $gte: from, $lt: upTo } }, { h: 1, openedAt: 1 })
    .batchSize(HISTORIES_PER_BATCH)
    .lean<Array<Pick<ClockHistoryDocument, '_id' | 'h' | 'openedAt'>>>()
    .exec();
  const byDay = new Map<number, string[]>();
  for (const doc of docs) {
    const day = Math.floor(doc.openedAt.getTime() / DAY_MS) * DAY_MS;
    const list = byDay.get(day) ?? [];
    list.push(doc.h);
    byDay.set(day, list);
  }
  const chunks: ChunkDocument[] = [];
  for (const [day, histories] of byDay) {
    for (let i = 0; i < histories.length; i += CHUNK_CASES) {
      const part = histories.slice(i, i + CHUNK_CASES);
      const z = zlib.deflateRawSync(`[${part.join(',')}]`, { level: 1 });
      const sum = createHash('sha1').update(z).digest('base64');
      chunks.push({ _id: `${upTo.toISOString()}/${new Date(day).toISOString().slice(0, 10)}/${i / CHUNK_CASES}`, day: new Date(day), count: part.length, z, sum });
    }
  }
  // Replaced, not inserted: a packing repeated after a crash before its mark writes the same chunk ids again.
  for (const chunk of chunks) await chunkModel(connection).replaceOne({ _id: chunk._id }, chunk, { upsert: true }).exec();
  await chunkModel(connection).replaceOne({ _id: PACK_MARK }, { _id: PACK_MARK, upTo }, { upsert: true }).exec();
  return chunks.reduce((sum, c) => sum + (c.count ?? 0), 0);
}

/**
 * The newest history of every case opened in [from, to): packed chunks (from the process's cache, fetching those it
 * does not hold), open cases, and closed ones not packed yet.
 */
export async function readClockHistories(connection: mongoose.Connection, range: { from: Date; to: Date }, limit: number): Promise<SimulatedHistory[]> {
  const upTo = await packedUpTo(connection);
  const firstDay = new Date(Math.floor(range.from.getTime() / DAY_MS) * DAY_MS);
  const opened = { $gte: range.from, $lt: range.to };
  const [listed, open, recent] = await Promise.all([
    chunkModel(connection).find({ day: { $gte: firstDay, $lt: range.to } }, { count: 1, sum: 1 }).lean<ChunkDocument[]>().exec(),
    clockHistoryModel(connection).find({ open: true, openedAt: opened }, { h: 1 }).batchSize(HISTORIES_PER_BATCH).lean<ClockHistoryDocument[]>().exec(),
    clockHistoryModel(connection).find({ projectedAt: { $gte: upTo } }, { h: 1, openedAt: 1 }).batchSize(HISTORIES_PER_BATCH).lean<ClockHistoryDocument[]>().exec(),
  ]);
  const chunks = await chunkCacheFor(connection).histories(listed.map(listedChunk), (ids) => fetchChunks(connection, ids));
  const newest = new Map<string, SimulatedHistory>();
  const keep = (history: SimulatedHistory) => {
    if (history.openedAt < range.from.getTime() || history.openedAt >= range.to.getTime()) return;
    const known = newest.get(history.caseId);
    if (!known || known.version < history.version) newest.set(history.caseId, history);
  };
  for (const chunk of chunks) for (const history of chunk) keep(history);
  for (const doc of [...open, ...recent]) keep(JSON.parse(doc.h) as ClockHistory);
  if (newest.size > limit) throw new TooManyCasesError(limit);
  return [...newest.values()];
}

const listedChunk = (chunk: ChunkDocument): ListedChunk => ({ id: chunk._id, marker: chunk.sum ?? `count:${chunk.count ?? 0}` });

async function fetchChunks(connection: mongoose.Connection, ids: string[]): Promise<FetchedChunk[]> {
  const docs = await chunkModel(connection).find({ _id: { $in: ids } }, { z: 1, count: 1, sum: 1 }).batchSize(CHUNKS_PER_BATCH).lean<ChunkDocument[]>().exec();
  return docs.map((doc) => ({ ...listedChunk(doc), histories: unpack(doc) }));
}

function unpack(chunk: ChunkDocument): ClockHistory[] {
  if (!chunk.z) return [];
  const bytes = Buffer.isBuffer(chunk.z) ? chunk.z : Buffer.from(chunk.z.buffer);
  return JSON.parse(zlib.inflateRawSync(bytes).toString('utf8')) as ClockHistory[];
}

const caches = new WeakMap<mongoose.Connection, ChunkCache>();

/** One cache per store connection (per API process). */
function chunkCacheFor(connection: mongoose.Connection): ChunkCache {
  let cache = caches.get(connection);
  if (!cache) caches.set(connection, (cache = new ChunkCache()));
  return cache;
}

export class TooManyCasesError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} cases were opened in the range`);
  }
}
