/**
 * The running deadlines of every open case, held in memory for the forecast: at 100,000 open cases a day's deadlines
 * are tens of thousands of documents, which FerretDB cannot decode within a request. Loaded once from the clock
 * histories of open cases (`warm` starts it when the API starts), then kept current by reading what was written since
 * the last read (`projectedAt`, with an overlap that covers writes still in flight, each read replacing a case only by a
 * newer version), behind the answers. Counted per key as they change (due-counts.ts), so an answer reads no deadline.
 */
import type mongoose from 'mongoose';
import type { Logger } from '../../../telemetry/logger';
import type { ClockHistory } from './clock-history';
import { DueCounts, type DueDeadline } from './due-counts';
import { clockHistoryModel, HISTORIES_PER_BATCH, type ClockHistoryDocument } from './history-store';

/** A write is bounded to 10 s (ProjectionWriter); reading a minute back covers any still in flight at the last read. */
const OVERLAP_MS = 60_000;

function deadlinesOf(history: ClockHistory): DueDeadline[] {
  const { merchantId, queues } = history;
  return history.clocks.filter((c) => c.status === 'running').map((c) => ({ deadline: c.deadline, warned: c.warned, clock: c.name, owner: c.owner, merchantId, queues }));
}

export class DeadlineIndex {
  private readonly cases = new Map<string, { version: number; deadlines: DueDeadline[] }>();
  /** Every case's deadlines counted per key, changed after each read (not while answering). */
  private readonly counts = new DueCounts();
  private readUpTo: number | undefined;
  private syncedAt = 0;
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly store: mongoose.Connection,
    private readonly logger: Logger,
    private readonly maxAgeMs = 2_000,
  ) {}

  /**
   * The open cases' deadlines as of `asOf`. Only the first call waits for the store; later ones answer from memory and,
   * when it is older than maxAgeMs, read what changed behind the answer (a failed read leaves what was known).
   */
  async current(): Promise<{ asOf: number; counts: DueCounts }> {
    if (this.syncedAt === 0) await this.sync();
    else if (Date.now() - this.syncedAt >= this.maxAgeMs) {
      this.sync().catch((err: unknown) => this.logger.warn({ err }, 'open deadlines not read again; the last known stay'));
    }
    return { asOf: this.syncedAt, counts: this.counts };
  }

  /** Starts the first load behind the process's start, so that the first forecast waits less (or not at all). */
  warm(): void {
    this.sync().catch((err: unknown) => this.logger.warn({ err }, 'open deadlines not loaded at start; the first forecast loads them'));
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
    this.counts.flush();
    this.readUpTo = startedAt - OVERLAP_MS;
    this.syncedAt = startedAt;
  }

  private apply(doc: Pick<ClockHistoryDocument, '_id' | 'version' | 'open' | 'h'>): void {
    // Reads run one at a time and the store holds each case's newest version, so a later read is never older.
    const known = this.cases.get(doc._id);
    if ((known?.version ?? -1) >= doc.version) return;
    for (const deadline of known?.deadlines ?? []) this.counts.remove(deadline);
    if (!doc.open) {
      this.cases.delete(doc._id);
      return;
    }
    const deadlines = deadlinesOf(JSON.parse(doc.h) as ClockHistory);
    for (const deadline of deadlines) this.counts.add(deadline);
    this.cases.set(doc._id, { version: doc.version, deadlines });
  }
}

const indexes = new WeakMap<mongoose.Connection, DeadlineIndex>();

/** One index per store connection (per API process). */
export function deadlineIndexFor(store: mongoose.Connection, logger: Logger): DeadlineIndex {
  let index = indexes.get(store);
  if (!index) indexes.set(store, (index = new DeadlineIndex(store, logger)));
  return index;
}
