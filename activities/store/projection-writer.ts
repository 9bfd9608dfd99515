import type mongoose from 'mongoose';
import { withTimeout } from '../with-timeout';
import { caseModel, caseViewModel, type CaseDocument, type CaseViewDocument } from './case-model';
import { reportFactsModel, type ReportFacts } from './reports/report-facts';
import { clockHistoryModel, type ClockHistoryDocument } from './what-if/history-store';

export type SaveOutcome = 'written' | 'stale';

export interface CaseProjection {
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
        if (projection.summary.version > queued.projection.summary.version) queued.projection = projection;
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
      const [summaries, views] = await bounded(
        Promise.all([
          replaceNewer(caseModel(this.connection), batch.map((p) => p.projection.summary)),
          replaceNewer(caseViewModel(this.connection), batch.map((p) => p.projection.view)),
        ]),
      );
      // The reports' facts and the clock histories go after the other two, not beside them, so the store sees no more
      // statements at once than with two collections (each collection's version lookups run 32 at a time); with a time
      // bound of their own, so a slow facts write never fails (and delays, through a retry) the summaries supervisors read.
      const projectedAt = new Date();
      const [facts, histories] = await bounded(
        Promise.all([
          replaceNewer(reportFactsModel(this.connection), batch.map((p) => p.projection.reportFacts)),
          replaceNewer(clockHistoryModel(this.connection), batch.map((p) => ({ ...p.projection.clockHistory, projectedAt }))),
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
 * one that another writer inserted in the meantime is retried alone as a guarded replace.
 */
async function replaceNewer<T extends { _id: string; version: number }>(model: mongoose.Model<T>, docs: T[]): Promise<Set<string>> {
  const stored = await storedVersions(model, docs.map((d) => d._id));
  const stale = new Set<string>();
  const replace = docs.filter((d) => stored.has(d._id));
  const insert = docs.filter((d) => !stored.has(d._id));
  for (const d of replace) if ((stored.get(d._id) ?? 0) >= d.version) stale.add(d._id);
  const newer = replace.filter((d) => !stale.has(d._id));
  if (newer.length) {
    const ops = newer.map((d) => ({ replaceOne: { filter: { _id: d._id, version: { $lt: d.version } }, replacement: d } }));
    await model.bulkWrite(ops as Parameters<typeof model.bulkWrite>[0], { ordered: true });
  }
  if (insert.length) {
    try {
      await model.insertMany(insert, { ordered: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // Another writer got there first for some of them: settle each one on its own.
      for (const d of insert) if ((await guardedUpsert(model, d)) === 'stale') stale.add(d._id);
    }
  }
  return stale;
}

/**
 * The stored version of each id. One lookup by `_id` each, a few at a time: FerretDB serves `_id` equality from its
 * index, but not `$in`, which would scan the whole collection for every batch.
 */
async function storedVersions<T>(model: mongoose.Model<T>, ids: string[]): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  for (let i = 0; i < ids.length; i += LOOKUPS_AT_ONCE) {
    await Promise.all(
      ids.slice(i, i + LOOKUPS_AT_ONCE).map(async (id) => {
        const doc = await model.findById(id, { version: 1 }).lean<{ version: number }>().exec();
        if (doc) versions.set(id, doc.version);
      }),
    );
  }
  return versions;
}

const LOOKUPS_AT_ONCE = 32;

async function guardedUpsert<T extends { _id: string; version: number }>(model: mongoose.Model<T>, doc: T): Promise<SaveOutcome> {
  try {
    const result = await model.replaceOne({ _id: doc._id, version: { $lt: doc.version } } as mongoose.QueryFilter<T>, doc, { upsert: true }).exec();
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
