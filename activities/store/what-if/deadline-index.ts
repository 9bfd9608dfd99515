/**
 * The running deadlines of every open case, held in memory for the forecast: at 100,000 open cases a day's deadlines
 * are tens of thousands of documents, which FerretDB cannot decode within a request. Loaded once from the clock
 * histories of open cases, then kept current by reading what was written since the last read (`projectedAt`, with an
 * overlap that covers writes still in flight, each read replacing a case only by a newer version), behind the answers.
 */
import type mongoose from 'mongoose';
import type { Logger } from '../../../telemetry/logger';
import type { ClockHistory } from './clock-history';
import type { DueDeadline } from './forecast';
import { clockHistoryModel, HISTORIES_PER_BATCH, type ClockHistoryDocument } from './history-store';

/** A write is bounded to 10 s (ProjectionWriter); reading a minute back covers any still in flight at the last read. */
const OVERLAP_MS = 60_000;

function deadlinesOf(history: ClockHistory): DueDeadline[] {
  const { merchantId, queues } = history;
  return history.clocks.filter((c) => c.status === 'running').map((c) => ({ deadline: c.deadline, warned: c.warned, clock: c.name, owner: c.owner, merchantId, queues }));
}

export class DeadlineIndex {
  private readonly cases = new Map<string, { version: number; deadlines: DueDeadline[] }>();
  /** Every case's deadlines in one list by deadline, rebuilt after a read that changed any (not while answering). */
  private sorted: DueDeadline[] = [];
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
  async current(): Promise<{ asOf: number; deadlines: readonly DueDeadline[] }> {
    if (this.syncedAt === 0) await this.sync();
    else if (Date.now() - this.syncedAt >= this.maxAgeMs) {
      this.sync().catch((err: unknown) => this.logger.warn({ err }, 'open deadlines not read again; the last known stay'));
    }
    return { asOf: this.syncedAt, deadlines: this.sorted };
  }

  private sync(): Promise<void> {
    this.syncing ??= this.read().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async read(): Promise<void> {
    const startedAt = Date.now();
    const filter = this.readUpTo === undefined ? { open: true } : { projectedAt: { $gte: new Date(this.readUpTo) } };
    const docs = await clockHistoryModel(this.store).find(filter, { h: 1, version: 1, open: 1 }).batchSize(HISTORIES_PER_BATCH).lean<ClockHistoryDocument[]>().exec();
    let changed = false;
    for (const doc of docs) changed = this.apply(doc) || changed;
    if (changed) this.sorted = [...this.cases.values()].flatMap((c) => c.deadlines).sort((a, b) => a.deadline - b.deadline);
    this.readUpTo = startedAt - OVERLAP_MS;
    this.syncedAt = startedAt;
  }

  /** True when the case's deadlines changed. */
  private apply(doc: Pick<ClockHistoryDocument, '_id' | 'version' | 'open' | 'h'>): boolean {
    // Reads run one at a time and the store holds each case's newest version, so a later read is never older.
    if ((this.cases.get(doc._id)?.version ?? -1) >= doc.version) return false;
    if (doc.open) this.cases.set(doc._id, { version: doc.version, deadlines: deadlinesOf(JSON.parse(doc.h) as ClockHistory) });
    else return this.cases.delete(doc._id);
    return true;
  }
}

const indexes = new WeakMap<mongoose.Connection, DeadlineIndex>();

/** One index per store connection (per API process). */
export function deadlineIndexFor(store: mongoose.Connection, logger: Logger): DeadlineIndex {
  let index = indexes.get(store);
  if (!index) indexes.set(store, (index = new DeadlineIndex(store, logger)));
  return index;
}
