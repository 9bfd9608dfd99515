/**
 * The running deadlines of every open case, held in memory for the forecast: at 100,000 open cases a day's deadlines
 * are tens of thousands of documents, which FerretDB cannot decode within a request. Loaded once from the clock
 * histories of open cases, then kept current by reading what was written since the last read (`projectedAt`, with an
 * overlap that covers writes still in flight, each read replacing a case only by a newer version).
 */
import type mongoose from 'mongoose';
import type { ClockHistory } from './clock-history';
import type { OpenCaseDeadlines } from './forecast';
import { clockHistoryModel, HISTORIES_PER_BATCH, type ClockHistoryDocument } from './history-store';

/** A write is bounded to 10 s (ProjectionWriter); reading a minute back covers any still in flight at the last read. */
const OVERLAP_MS = 60_000;

function deadlinesOf(history: ClockHistory): OpenCaseDeadlines {
  return {
    merchantId: history.merchantId,
    queues: history.queues,
    clocks: history.clocks.filter((c) => c.status === 'running').map((c) => ({ name: c.name, owner: c.owner, deadline: c.deadline, warned: c.warned })),
  };
}

export class DeadlineIndex {
  private readonly cases = new Map<string, { version: number; deadlines: OpenCaseDeadlines }>();
  private readUpTo: number | undefined;
  private syncedAt = 0;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly store: mongoose.Connection,
    private readonly maxAgeMs = 2_000,
  ) {}

  /** The open cases' deadlines as of `asOf`, read again first when older than maxAgeMs. */
  async current(): Promise<{ asOf: number; cases: Iterable<OpenCaseDeadlines> }> {
    if (Date.now() - this.syncedAt >= this.maxAgeMs) await this.sync();
    const cases = this.cases;
    return { asOf: this.syncedAt, cases: (function* () {
      for (const c of cases.values()) yield c.deadlines;
    })() };
  }

  private sync(): Promise<void> {
    this.syncing ??= this.read().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async read(): Promise<void> {
    const startedAt = Date.now();
    const filter = this.readUpTo === undefined ? { open: true } : { projectedAt: { $gte: new Date(this.readUpTo) } };
    const docs = await clockHistoryModel(this.store).find(filter, { h: 1, version: 1, open: 1 }).batchSize(HISTORIES_PER_BATCH).lean<ClockHistoryDocument[]>().exec();
    for (const doc of docs) this.apply(doc);
    this.readUpTo = startedAt - OVERLAP_MS;
    this.syncedAt = startedAt;
  }

  private apply(doc: Pick<ClockHistoryDocument, '_id' | 'version' | 'open' | 'h'>): void {
    // Reads run one at a time and the store holds each case's newest version, so a later read is never older.
    if ((this.cases.get(doc._id)?.version ?? -1) >= doc.version) return;
    if (doc.open) this.cases.set(doc._id, { version: doc.version, deadlines: deadlinesOf(JSON.parse(doc.h) as ClockHistory) });
    else this.cases.delete(doc._id);
  }
}

const indexes = new WeakMap<mongoose.Connection, DeadlineIndex>();

/** One index per store connection (per API process). */
export function deadlineIndexFor(store: mongoose.Connection): DeadlineIndex {
  let index = indexes.get(store);
  if (!index) indexes.set(store, (index = new DeadlineIndex(store)));
  return index;
}
