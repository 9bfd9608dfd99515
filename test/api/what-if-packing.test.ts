/**
 * The packing of closed cases' clock histories runs on its schedule, not inside a simulation: triggered, the
 * `clock-history-packing` schedule's workflow packs the closed cases written before it (not the open one, not one written
 * within the last minute), and the simulation then reads them from the chunks.
 */
import request from 'supertest';
import type { ClockHistory } from '../../activities/store/what-if/clock-history';
import { clockHistoryModel, readClockHistories, toClockHistoryDocument } from '../../activities/store/what-if/history-store';
import { loadPolicy } from '../../config/policy';
import { CLOCK_HISTORY_PACKING_SCHEDULE_ID, ensureClockHistoryPackingSchedule } from '../../worker/clock-history-packing-schedule';
import { ApiHarness, KEYS, startApiHarness } from './harness';

const HOUR = 3_600_000;
const OPENED = Date.UTC(2026, 9, 12, 2);

const history = (id: string, closed: boolean): ClockHistory => ({
  caseId: id,
  version: 3,
  kind: 'return',
  openedAt: OPENED,
  ...(closed && { closedAt: OPENED + 60 * HOUR }),
  merchantId: 'm-pack',
  priorityChanges: [],
  policyVersion: 'v1',
  clocks: [{ name: 'merchant_review', owner: 'merchant', status: closed ? 'satisfied' : 'running', startedAt: OPENED, deadline: OPENED + 48 * HOUR, warned: true, breachAction: 'approve', ...(closed && { satisfiedAt: OPENED + 30 * HOUR }) }],
  events: [],
  queues: [],
});

describe('packing clock histories on a schedule', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    const docs = [
      { ...toClockHistoryDocument(history('pack-1', true)), projectedAt: tenMinutesAgo },
      { ...toClockHistoryDocument(history('pack-2', true)), projectedAt: tenMinutesAgo },
      { ...toClockHistoryDocument(history('pack-open', false)), projectedAt: tenMinutesAgo },
      { ...toClockHistoryDocument(history('pack-just-closed', true)), projectedAt: new Date() },
    ];
    await clockHistoryModel(h.store).insertMany(docs);
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('packs the closed cases written a minute ago or more, and the simulation reads them with the rest', async () => {
    await ensureClockHistoryPackingSchedule(h.temporal, h.taskQueue);
    await ensureClockHistoryPackingSchedule(h.temporal, h.taskQueue);
    await h.temporal.schedule.getHandle(CLOCK_HISTORY_PACKING_SCHEDULE_ID).trigger();
    const chunks = h.store.collection('case_clock_history_chunks');
    const until = Date.now() + 60_000;
    while (!(await chunks.findOne({ _id: 'packed-until' as never })) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    const packed = await chunks.find({ count: { $exists: true } }).toArray();
    expect(packed.map((c) => c.count)).toEqual([2]);

    const range = { from: new Date(OPENED - HOUR), to: new Date(OPENED + HOUR) };
    expect((await readClockHistories(h.store, range, 10)).map((c) => c.caseId).sort()).toEqual(['pack-1', 'pack-2', 'pack-just-closed', 'pack-open']);
    const res = await request(h.app).post(`/admin/policies/${loadPolicy({}).version}/simulate`).set({ Authorization: `Bearer ${KEYS.supervisor}` }).send({ from: '2026-10-12', to: '2026-10-13' }).expect(200);
    expect(res.body).toMatchObject({ cases: 4, totals: { actual: { met: 3, pending: 1 }, simulated: { met: 3, pending: 0, breached: 1 } } });
  });
});
