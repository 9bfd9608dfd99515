import type { mongo } from 'mongoose';
import type mongoose from 'mongoose';
import { withTimeout } from '../with-timeout';
import { caseModel, caseViewModel, type CaseDocument, type CaseViewDocument } from './case-model';
import { reportFactsModel, type ReportFacts } from './reports/report-facts';
import { clockHistoryModel, type ClockHistoryDocument } from './what-if/history-store';

export type SaveOutcome = 'written' | 'stale';

export interface CaseProjection {
  /**
   * The workflow's history length when it made this version (ACTIVITY_WRITE after the task that made it completed).
   * A version written before its workflow task completed may never be recorded: a worker that dies then leaves the task
   * to be run again, later in the history, as the same version with other workflow times. The later one wins.
   */
  historyLength: number;
  summary: CaseDocument;
  view: CaseViewDocument;
  /** What the reports read (case_report_facts). */
  reportFacts: ReportFacts;
  /** What the what-if simulation and the forecast read (case_clock_histories); projectedAt is set when written. */
  clockHistory: ClockHistoryDocument;
}

export interface ProjectionWriterOptions {
  /** Cases per bulk write. */
  maxBatch?: number;
  /** A bulk write that takes longer fails its callers (the activity retries), so a hung store never hangs them. */
  writeTimeoutMs?: number;
}

interface Pending {
  projection: CaseProjection;
  waiters: Array<{ resolve: (outcome: SaveOutcome) => void; reject: (err: unknown) => void }>;
}

/**
 * Coalesces projection writes: whatever arrives while a bulk write is in flight waits for the next one, which holds
 * the latest version of each case only (one write per case per burst). Each document is replaced only by a newer
 * version, so a late or repeated write never overwrites newer state.
 */
export class ProjectionWriter {
  private pending = new Map<string, Pending>();
  private flushing = false;
  /** The version this writer last stored per collection and case, so the next write of a case skips the lookup. */
  private readonly known = { summaries: new KnownVersions(), views: new KnownVersions(), facts: new KnownVersions(), histories: new KnownVersions() };
  private readonly maxBatch: number;
  private readonly writeTimeoutMs: number;

  constructor(
    private readonly connection: mongoose.Connection,
    options: ProjectionWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
  }

  /** Resolves once the store holds this version of the case or a newer one ('stale': a newer one was already there). */
  save(projection: CaseProjection): Promise<SaveOutcome> {
    return new Promise((resolve, reject) => {
      const id = projection.summary._id;
      const queued = this.pending.get(id);
      if (!queued) this.pending.set(id, { projection, waiters: [{ resolve, reject }] });
      else {
        if (isLater(stamp(projection), stamp(queued.projection))) queued.projection = projection;
        queued.waiters.push({ resolve, reject });
      }
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.size > 0) {
        const batch = [...this.pending.values()].slice(0, this.maxBatch);
        for (const p of batch) this.pending.delete(p.projection.summary._id);
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    let stale: Set<string>;
    const bounded = <T>(write: Promise<T>) => withTimeout(write, this.writeTimeoutMs, `case store write took longer than ${this.writeTimeoutMs} ms`);
    try {
      const stamped = <T>(doc: (p: CaseProjection) => T) => batch.map((p) => ({ ...doc(p.projection), historyLength: p.projection.historyLength }));
      const [summaries, views] = await bounded(
        Promise.all([
          replaceNewer(caseModel(this.connection), stamped((p) => p.summary), this.known.summaries),
          replaceNewer(caseViewModel(this.connection), stamped((p) => p.view), this.known.views),
        ]),
      );
      // The reports' facts and the clock histories go after the other two, not beside them, so the store sees no more
      // statements at once than with two collections (each collection's version lookups run 32 at a time); with a time
      // bound of their own, so a slow facts write never fails (and delays, through a retry) the summaries supervisors read.
      const projectedAt = new Date();
      const [facts, histories] = await bounded(
        Promise.all([
          replaceNewer(reportFactsModel(this.connection), stamped((p) => p.reportFacts), this.known.facts),
          replaceNewer(clockHistoryModel(this.connection), stamped((p) => ({ ...p.clockHistory, projectedAt })), this.known.histories),
        ]),
      );
      stale = new Set([...summaries].filter((id) => views.has(id) && facts.has(id) && histories.has(id)));
    } catch (err) {
      for (const p of batch) for (const w of p.waiters) w.reject(err);
      return;
    }
    for (const p of batch) {
      for (const w of p.waiters) w.resolve(stale.has(p.projection.summary._id) ? 'stale' : 'written');
    }
  }
}

/**
 * Stores each document unless the same or a newer version is there; answers the ids left alone. Written so that no
 * statement can fail on a conflict: FerretDB v1 runs an unordered bulk write as an ordered one and stops at the first
 * failing statement (reporting it at index 0), so a collision there would silently drop the statements after it.
 * Documents already stored are replaced only by a newer version (a filter, never an upsert); new ones are inserted, and
 * one that another writer inserted in the meantime is retried alone as a guarded replace. The documents are built in
 * their stored shape (toCaseProjection), so they go to the driver as they are: mongoose's casting of each replacement
 * (a full document per statement) cost more than the write itself.
 */
async function replaceNewer<T>(model: mongoose.Model<T>, docs: Array<StampedDocument>, known: KnownVersions): Promise<Set<string>> {
  // A case this writer stored before is replaced at once; only when another writer changed one of them is it looked up.
  const assumed = docs.filter((d) => isLater(d, known.get(d._id) ?? d));
  const assumedIds = new Set(assumed.map((d) => d._id));
  let unsettled = docs.filter((d) => !assumedIds.has(d._id));
  const stale = new Set<string>();
  if (assumed.length) {
    const { matchedCount } = await driverCollection(model).bulkWrite(replaceOps(assumed), { ordered: true });
    if (matchedCount < assumed.length) {
      const stored = await storedVersions(model, assumed.map((d) => d._id));
      for (const d of assumed) if (isLater(stored.get(d._id) ?? d, d)) stale.add(d._id);
      unsettled = [...unsettled, ...assumed.filter((d) => !stored.has(d._id))];
    }
  }
  for (const id of await lookUpAndReplaceNewer(model, unsettled)) stale.add(id);
  for (const d of docs) known.set(d._id, stale.has(d._id) ? undefined : stamp(d));
  return stale;
}

async function lookUpAndReplaceNewer<T>(model: mongoose.Model<T>, docs: StampedDocument[]): Promise<Set<string>> {
  const stale = new Set<string>();
  if (docs.length === 0) return stale;
  const stored = await storedVersions(model, docs.map((d) => d._id));
  const replace = docs.filter((d) => stored.has(d._id));
  const insert = docs.filter((d) => !stored.has(d._id));
  for (const d of replace) if (!isLater(d, stored.get(d._id)!)) stale.add(d._id);
  const newer = replace.filter((d) => !stale.has(d._id));
  if (newer.length) await driverCollection(model).bulkWrite(replaceOps(newer), { ordered: true });
  if (insert.length) {
    try {
      await driverCollection(model).insertMany(insert as StoredDocument[], { ordered: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another writer got there first for some of them: settle each one on its own.
      for (const d of insert) if ((await guardedUpsert(model, d)) === 'stale') stale.add(d._id);
    }
  }
  return stale;
}

/** Replaces each document only where the stored one is older. */
function replaceOps(docs: StampedDocument[]): mongo.AnyBulkWriteOperation<StoredDocument>[] {
  return docs.map((d) => ({ replaceOne: { filter: olderThan(d), replacement: d as StoredDocument } }));
}

/** A stored document older than `d`: an earlier version, or the same version made earlier in the history. */
function olderThan(d: StampedDocument): mongo.Filter<StoredDocument> {
  return { _id: d._id, $or: [{ version: { $lt: d.version } }, { version: d.version, historyLength: { $lt: d.historyLength } }] };
}

/** When a version was made: its number, then the history length (see CaseProjection.historyLength). */
export interface Stamp {
  version: number;
  historyLength: number;
}

type StampedDocument = Stamp & { _id: string };

function stamp(d: { version: number; historyLength: number } | CaseProjection): Stamp {
  return 'summary' in d ? { version: d.summary.version, historyLength: d.historyLength } : { version: d.version, historyLength: d.historyLength };
}

export function isLater(a: Stamp, b: Stamp): boolean {
  return a.version > b.version || (a.version === b.version && a.historyLength > b.historyLength);
}

/**
 * The stored version of each id. One lookup by `_id` each, a few at a time: FerretDB serves `_id` equality from its
 * index, but not `$in`, which would scan the whole collection for every batch.
 */
async function storedVersions<T>(model: mongoose.Model<T>, ids: string[]): Promise<Map<string, Stamp>> {
  const versions = new Map<string, Stamp>();
  for (let i = 0; i < ids.length; i += LOOKUPS_AT_ONCE) {
    await Promise.all(
      ids.slice(i, i + LOOKUPS_AT_ONCE).map(async (id) => {
        const doc = await driverCollection(model).findOne<{ version: number; historyLength?: number }>({ _id: id }, { projection: { version: 1, historyLength: 1 } });
        // Written before history lengths were kept: as if made first.
        if (doc) versions.set(id, { version: doc.version, historyLength: doc.historyLength ?? 0 });
      }),
    );
  }
  return versions;
}

const LOOKUPS_AT_ONCE = 32;

async function guardedUpsert<T>(model: mongoose.Model<T>, doc: StampedDocument): Promise<SaveOutcome> {
  try {
    const result = await driverCollection(model).replaceOne(olderThan(doc), doc as StoredDocument, { upsert: true });
    return result.matchedCount + result.upsertedCount > 0 ? 'written' : 'stale';
  } catch (err) {
    if (isDuplicateKey(err)) return 'stale';
    throw err;
  }
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }> };
  return e.code === 11000 || (e.writeErrors?.length ?? 0) > 0 && e.writeErrors!.every((w) => w.code === 11000);
}

/** A projected document as the driver holds it: a string id and a version. */
type StoredDocument = mongo.Document & { _id: string; version: number };

/** The model's collection as the driver sees it. */
function driverCollection(model: { collection: unknown }): mongo.Collection<StoredDocument> {
  return model.collection as mongo.Collection<StoredDocument>;
}

/** The last version stored per id, for the most recent ids (a case at work is written again within minutes). */
class KnownVersions {
  private readonly versions = new Map<string, Stamp>();

  constructor(private readonly capacity = 20_000) {}

  get(id: string): Stamp | undefined {
    return this.versions.get(id);
  }

  /** Remembers `version` for `id` (forgets it when undefined), dropping the least recently stored beyond capacity. */
  set(id: string, version: Stamp | undefined): void {
    this.versions.delete(id);
    if (version === undefined) return;
    this.versions.set(id, version);
    if (this.versions.size > this.capacity) this.versions.delete(this.versions.keys().next().value!);
  }
}
