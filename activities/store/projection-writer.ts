import type mongoose from 'mongoose';
import { caseModel, caseViewModel, type CaseDocument, type CaseViewDocument } from './case-model';

export type SaveOutcome = 'written' | 'stale';

export interface CaseProjection {
  summary: CaseDocument;
  view: CaseViewDocument;
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
    const replace = <T extends { _id: string; version: number }>(doc: T) => ({
      replaceOne: { filter: { _id: doc._id, version: { $lt: doc.version } }, replacement: doc, upsert: true },
    });
    let stale: Set<number>;
    try {
      const [summaries, views] = await withTimeout(
        Promise.all([
          bulkReplace(caseModel(this.connection), batch.map((p) => replace(p.projection.summary))),
          bulkReplace(caseViewModel(this.connection), batch.map((p) => replace(p.projection.view))),
        ]),
        this.writeTimeoutMs,
      );
      stale = new Set([...summaries].filter((i) => views.has(i)));
    } catch (err) {
      for (const p of batch) for (const w of p.waiters) w.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      for (const w of p.waiters) w.resolve(stale.has(i) ? 'stale' : 'written');
    });
  }
}

/**
 * Unordered bulk replace; answers the indexes whose filter missed because the same or a newer version is stored
 * (the upsert's insert then collides on `_id`). Any other error fails the whole batch.
 */
async function bulkReplace<T>(model: mongoose.Model<T>, ops: object[]): Promise<Set<number>> {
  try {
    await model.bulkWrite(ops as Parameters<typeof model.bulkWrite>[0], { ordered: false });
    return new Set();
  } catch (err) {
    const writeErrors = (err as { writeErrors?: Array<{ index: number; code: number }> }).writeErrors;
    if (!writeErrors || writeErrors.some((e) => e.code !== 11000)) throw err;
    return new Set(writeErrors.map((e) => e.index));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case store write took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
