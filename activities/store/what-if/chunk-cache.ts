/**
 * The packed chunks' histories, decoded once per API process. A chunk is written once by the packing (its id names the
 * packing that wrote it; only a packing repeated after a crash writes the same id again, and its marker, the content's
 * hash, tells a changed one apart), so a simulation reads from the store the list of chunks in its range with their
 * markers, and fetches and decodes only those it does not hold.
 *
 * Kept in the shape a simulation reads (SimulatedHistory), the short strings shared: about 0.7 KB a case (70 MB at
 * 100,000 cases of the bench's shape), bounded to MAX_CACHED_CASES, the chunks least recently read dropped first.
 */
import type { ClockHistory, SimulatedHistory } from './clock-history';

/** A little more than one simulation's most cases (api/what-if.ts), chunks at the range's edges included. */
export const MAX_CACHED_CASES = 200_000;
/** The shared strings are few (kinds, clocks, owners, statuses, actions, merchants); past this they start again. */
const MAX_SHARED_STRINGS = 50_000;

export interface ListedChunk {
  id: string;
  marker: string;
}

export interface FetchedChunk extends ListedChunk {
  histories: ClockHistory[];
}

interface Entry {
  marker: string;
  histories: SimulatedHistory[];
}

export class ChunkCache {
  /** In the order last read: the first is dropped first. */
  private readonly chunks = new Map<string, Entry>();
  private cases = 0;
  private readonly strings = new Map<string, string>();

  constructor(private readonly maxCases = MAX_CACHED_CASES) {}

  /** The histories of the listed chunks; `fetch` reads from the store those not held, or held with another marker. */
  async histories(listed: readonly ListedChunk[], fetch: (ids: string[]) => Promise<FetchedChunk[]>): Promise<SimulatedHistory[][]> {
    const found = new Map<string, SimulatedHistory[]>();
    for (const { id, marker } of listed) {
      const entry = this.chunks.get(id);
      if (entry?.marker !== marker) continue;
      this.chunks.delete(id);
      this.chunks.set(id, entry);
      found.set(id, entry.histories);
    }
    const missing = listed.filter((c) => !found.has(c.id)).map((c) => c.id);
    if (missing.length > 0) {
      for (const chunk of await fetch(missing)) {
        const histories = chunk.histories.map((h) => this.simulated(h));
        this.put(chunk.id, { marker: chunk.marker, histories });
        found.set(chunk.id, histories);
      }
    }
    return [...found.values()];
  }

  /** How many cases are held. */
  get size(): number {
    return this.cases;
  }

  private put(id: string, entry: Entry): void {
    this.cases -= this.chunks.get(id)?.histories.length ?? 0;
    this.chunks.delete(id);
    this.chunks.set(id, entry);
    this.cases += entry.histories.length;
    for (const [oldest, { histories }] of this.chunks) {
      if (this.cases <= this.maxCases) break;
      this.chunks.delete(oldest);
      this.cases -= histories.length;
    }
  }

  private simulated(h: ClockHistory): SimulatedHistory {
    const s = (value: string) => this.shared(value);
    const o = <T extends string>(value: T | undefined) => (value === undefined ? undefined : (this.shared(value) as T));
    return {
      caseId: h.caseId,
      version: h.version,
      kind: s(h.kind) as ClockHistory['kind'],
      openedAt: h.openedAt,
      merchantId: s(h.merchantId),
      category: o(h.category),
      merchantTier: o(h.merchantTier),
      priority: o(h.priority),
      priorityChanges: h.priorityChanges,
      events: h.events,
      clocks: h.clocks.map((c) => ({
        name: s(c.name),
        owner: s(c.owner),
        status: s(c.status) as typeof c.status,
        startedAt: c.startedAt,
        countedFrom: c.countedFrom,
        satisfiedAt: c.satisfiedAt,
        cancelledAt: c.cancelledAt,
        breachAction: s(c.breachAction),
      })),
    };
  }

  private shared(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    if (this.strings.size >= MAX_SHARED_STRINGS) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }
}
