import type { CaseView } from '../../workflows/domain/case';
import { ProjectionDelivery } from '../../worker/projection-sink';

const view = (caseId: string, version: number) => ({ caseId, version }) as CaseView;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store whose writes answer when the test says: each call waits for its own release. */
function controlledStore() {
  const writes: Array<{ view: CaseView; historyLength: number; settle: (err?: Error) => void }> = [];
  const project = (v: CaseView, historyLength: number) => new Promise<void>((resolve, reject) => writes.push({ view: v, historyLength, settle: (err) => (err ? reject(err) : resolve()) }));
  return { writes, project };
}

describe('the store projection handed over through the sink (worker/projection-sink.ts)', () => {
  it('lets the workflow task complete as soon as the write is done', async () => {
    const written: number[] = [];
    const delivery = new ProjectionDelivery(async (v) => void written.push(v.version), { waitMs: 5_000 });
    const began = Date.now();
    await delivery.deliver(view('c1', 1), 10);
    expect(written).toEqual([1]);
    expect(Date.now() - began).toBeLessThan(1_000);
    expect(delivery.pending).toBe(0);
  });

  it('waits no longer than waitMs for a slow write, which goes on and lands', async () => {
    const store = controlledStore();
    const delivery = new ProjectionDelivery(store.project, { waitMs: 50 });
    let handedBack = false;
    const delivered = delivery.deliver(view('c1', 1), 10).then(() => (handedBack = true));
    await sleep(20);
    expect(handedBack).toBe(false);
    await delivered;
    expect(delivery.pending).toBe(1);
    store.writes[0]!.settle();
    await delivery.drain(1_000);
    expect(delivery.pending).toBe(0);
    expect(store.writes.map((w) => w.view.version)).toEqual([1]);
  });

  it('tells how long each task waited: the write when it is quick, the bound when it is not', async () => {
    const store = controlledStore();
    const waits: number[] = [];
    const delivery = new ProjectionDelivery(store.project, { waitMs: 100, onWaited: (ms) => waits.push(ms) });
    const quick = delivery.deliver(view('c1', 1), 10);
    store.writes[0]!.settle();
    await quick;
    await delivery.deliver(view('c2', 1), 10);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThan(50);
    expect(waits[1]).toBeGreaterThanOrEqual(95);
    store.writes[1]!.settle();
    await delivery.drain(1_000);
  });

  it('retries a refused write until it lands, telling of the first failure only', async () => {
    let attempts = 0;
    const failures: number[] = [];
    const delivery = new ProjectionDelivery(
      async () => {
        attempts += 1;
        if (attempts < 4) throw new Error('store down');
      },
      { waitMs: 10, retryInitialMs: 10, retryMaxMs: 20, onFailure: (v) => failures.push(v.version) },
    );
    await delivery.deliver(view('c1', 7), 10);
    await delivery.drain(2_000);
    expect(attempts).toBe(4);
    expect(failures).toEqual([7]);
    expect(delivery.pending).toBe(0);
  });

  it('gives up retrying a version once a newer one of the same case is handed over, and writes the newer one', async () => {
    const tried: number[] = [];
    const delivery = new ProjectionDelivery(
      async (v) => {
        tried.push(v.version);
        if (v.version === 1) throw new Error('store down');
      },
      { waitMs: 10, retryInitialMs: 50, retryMaxMs: 50 },
    );
    await delivery.deliver(view('c1', 1), 10);
    await delivery.deliver(view('c1', 2), 10);
    await delivery.drain(2_000);
    expect(tried).toEqual([1, 2]);
  });

  it('ignores a version older than or equal to one already under way', async () => {
    const store = controlledStore();
    const delivery = new ProjectionDelivery(store.project, { waitMs: 10 });
    await delivery.deliver(view('c1', 3), 10);
    await delivery.deliver(view('c1', 3), 10);
    await delivery.deliver(view('c1', 2), 10);
    expect(store.writes.map((w) => w.view.version)).toEqual([3]);
    store.writes[0]!.settle();
    await delivery.drain(1_000);
    // Once written, a later version of the case is taken again.
    await delivery.deliver(view('c1', 4), 10);
    expect(store.writes.map((w) => w.view.version)).toEqual([3, 4]);
    store.writes[1]!.settle();
    await delivery.drain(1_000);
  });

  it('takes the same version again when a retried workflow task made it later in the history', async () => {
    const store = controlledStore();
    const delivery = new ProjectionDelivery(store.project, { waitMs: 10 });
    await delivery.deliver(view('c1', 5), 40);
    await delivery.deliver(view('c1', 5), 30);
    await delivery.deliver(view('c1', 5), 46);
    expect(store.writes.map((w) => `${w.view.version}@${w.historyLength}`)).toEqual(['5@40', '5@46']);
    for (const w of store.writes) w.settle();
    await delivery.drain(1_000);
  });

  it('stops waiting for writes under way after the drain timeout', async () => {
    const store = controlledStore();
    const delivery = new ProjectionDelivery(store.project, { waitMs: 10 });
    await delivery.deliver(view('c1', 1), 10);
    const began = Date.now();
    await delivery.drain(100);
    expect(Date.now() - began).toBeGreaterThanOrEqual(90);
    expect(delivery.pending).toBe(1);
    store.writes[0]!.settle();
    await delivery.drain(1_000);
  });
});
