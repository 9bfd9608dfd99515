/**
 * The API's cache of decoded chunks: it fetches only the chunks it does not hold or holds with another marker, keeps
 * what a simulation reads of each history, and drops the chunks least recently read past its bound.
 */
import { ChunkCache, type FetchedChunk, type ListedChunk } from '../../activities/store/what-if/chunk-cache';
import type { ClockHistory } from '../../activities/store/what-if/clock-history';

const history = (caseId: string): ClockHistory => ({
  caseId,
  version: 1,
  kind: 'return',
  openedAt: 1_000,
  closedAt: 9_000,
  merchantId: 'm-1',
  priorityChanges: [],
  policyVersion: 'v1',
  clocks: [{ name: 'merchant_review', owner: 'merchant', status: 'satisfied', startedAt: 1_000, deadline: 5_000, warned: true, breachAction: 'approve', satisfiedAt: 4_000 }],
  events: [],
  queues: ['platform'],
});

/** A store of chunks of `size` cases each; records which ids each fetch asked for. */
function chunkStore(size: number) {
  const markers = new Map<string, string>();
  const fetched: string[][] = [];
  const list = (...ids: string[]): ListedChunk[] => ids.map((id) => ({ id, marker: markers.get(id) ?? 'a' }));
  const fetch = async (ids: string[]): Promise<FetchedChunk[]> => {
    fetched.push(ids);
    return ids.map((id) => ({ id, marker: markers.get(id) ?? 'a', histories: Array.from({ length: size }, (_, i) => history(`${id}-${i}`)) }));
  };
  return { markers, fetched, list, fetch };
}

const ids = (chunks: Array<Array<{ caseId: string }>>) => chunks.flat().map((h) => h.caseId);

describe('ChunkCache', () => {
  it('fetches a chunk once, and again when its marker changes', async () => {
    const chunks = chunkStore(2);
    const cache = new ChunkCache(100);
    expect(ids(await cache.histories(chunks.list('c1', 'c2'), chunks.fetch))).toEqual(['c1-0', 'c1-1', 'c2-0', 'c2-1']);
    expect(ids(await cache.histories(chunks.list('c1', 'c2', 'c3'), chunks.fetch))).toEqual(['c1-0', 'c1-1', 'c2-0', 'c2-1', 'c3-0', 'c3-1']);
    chunks.markers.set('c2', 'b');
    await cache.histories(chunks.list('c1', 'c2'), chunks.fetch);
    expect(chunks.fetched).toEqual([['c1', 'c2'], ['c3'], ['c2']]);
    expect(cache.size).toBe(6);
  });

  it('keeps only what a simulation reads', async () => {
    const chunks = chunkStore(1);
    const [[kept]] = await new ChunkCache().histories(chunks.list('c1'), chunks.fetch);
    const { closedAt, policyVersion, queues, clocks: _clocks, ...rest } = history('c1-0');
    expect([closedAt, policyVersion, queues]).toEqual([9_000, 'v1', ['platform']]);
    expect(kept).toEqual({ ...rest, clocks: [{ name: 'merchant_review', owner: 'merchant', status: 'satisfied', startedAt: 1_000, breachAction: 'approve', satisfiedAt: 4_000 }] });
  });

  it('drops the chunks least recently read past its bound, but answers every chunk listed', async () => {
    const chunks = chunkStore(3);
    const cache = new ChunkCache(7);
    await cache.histories(chunks.list('c1', 'c2'), chunks.fetch);
    await cache.histories(chunks.list('c1'), chunks.fetch);
    // c3 takes the cache past 7 cases: c2, read least recently, goes.
    expect(ids(await cache.histories(chunks.list('c3'), chunks.fetch))).toHaveLength(3);
    expect(cache.size).toBe(6);
    await cache.histories(chunks.list('c1', 'c2', 'c3'), chunks.fetch);
    expect(chunks.fetched).toEqual([['c1', 'c2'], ['c3'], ['c2']]);
    // More than the bound in one read: all answered, the bound kept after.
    expect(ids(await cache.histories(chunks.list('c4', 'c5', 'c6'), chunks.fetch))).toHaveLength(9);
    expect(cache.size).toBeLessThanOrEqual(7);
  });
});
