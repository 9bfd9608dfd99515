/**
 * POST /admin/policies/:version/simulate and GET /supervisor/forecast over cases with known clock histories, written to
 * FerretDB on PostgreSQL the way the worker writes them (toCaseProjection, then the ProjectionWriter). Every count is
 * checked exactly: a shorter merchant review turns a known set of cases into breaches (a recorded pause keeps one in
 * time), a holiday moves known working-day deadlines, and the version the cases ran with changes nothing.
 */
import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import request from 'supertest';
import { toCaseProjection } from '../../activities/store/case-activities';
import { caseModel, caseViewModel, syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { ProjectionWriter } from '../../activities/store/projection-writer';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import type { AuditEntry, CaseView } from '../../workflows/domain/case';
import { DEFAULT_CALENDAR, isWorkingDay, localDate } from '../../workflows/sla/calendar';
import type { ClockState } from '../../workflows/sla/clock';
import { startDevMongo, type DevMongo } from '../support/servers';
import { KEYS } from './harness';
import { HOUR, seedView } from './seed';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const DAY = 24 * HOUR;
const now = Date.now();
const SYSTEM = { id: 'case-workflow', role: 'system' as const };
const SUPERVISOR = { id: 'sup-1', role: 'supervisor' as const };

/**
 * 10:00 (UTC+8) on a Monday at least two weeks back whose fortnight holds no holiday or make-up day of the default
 * calendar, so every working-day deadline below is known by counting weekdays.
 */
function quietMonday(): number {
  const localMidnight = (ms: number) => Math.floor((ms + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  let day = localMidnight(now - 14 * DAY);
  for (;;) {
    if (new Date(day + 8 * HOUR).getUTCDay() === 1) {
      const fortnight = Array.from({ length: 14 }, (_, i) => day + i * DAY + 12 * HOUR);
      if (fortnight.every((ms) => isWorkingDay(ms, DEFAULT_CALENDAR) === ![0, 6].includes(new Date(ms + 8 * HOUR).getUTCDay()))) return day + 10 * HOUR;
    }
    day -= DAY;
  }
}
const MONDAY = quietMonday();
const WEDNESDAY = localDate(MONDAY + 2 * DAY, DEFAULT_CALENDAR);

type Clock = Partial<ClockState> & Pick<ClockState, 'name' | 'owner' | 'status' | 'startedAt' | 'deadline'>;

interface Seed {
  id: string;
  merchantId: string;
  openedAt: number;
  closedAt?: number;
  clocks: Clock[];
  audit?: Array<Pick<AuditEntry, 'at' | 'action' | 'data'> & { actor?: AuditEntry['actor'] }>;
}

const REVIEW = { limit: { hours: 48 }, warnAfter: { hours: 24 }, breachAction: 'approve' } as const;
const REFUND = { limit: { workingDays: 3 }, warnAfter: { workingDays: 1 }, breachAction: 'refund_on_behalf_of_merchant' } as const;

/** A merchant review opened at `at` and answered `after` hours later (met under 48 h). */
const reviewed = (id: string, merchantId: string, at: number, after: number): Seed => ({
  id,
  merchantId,
  openedAt: at,
  closedAt: at + 5 * DAY,
  clocks: [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'satisfied', startedAt: at, deadline: at + 48 * HOUR, warned: after > 24, satisfiedAt: at + after * HOUR }],
});

/** A refund started `startedAt`, its 3 working days ending at `deadline` without a holiday, done at `doneAt`. */
const refund = (id: string, startedAt: number, deadline: number, doneAt: number): Seed => ({
  id,
  merchantId: 'm-c',
  openedAt: startedAt - HOUR,
  closedAt: doneAt,
  clocks: [
    doneAt <= deadline
      ? { name: 'refund_start', owner: 'merchant', ...REFUND, status: 'satisfied', startedAt, deadline, warned: true, satisfiedAt: doneAt }
      : { name: 'refund_start', owner: 'merchant', ...REFUND, status: 'breached', startedAt, deadline, warned: true, breachedAt: deadline, satisfiedAt: doneAt },
  ],
});

const SEEDS: Seed[] = [
  // Answered after 30 h: in time under 48 h, late under 24 h.
  ...['a1', 'a2', 'a3', 'a4'].map((id, i) => reviewed(`wi-${id}`, 'm-a', MONDAY + i * HOUR, 30)),
  // Answered after 10 h: in time under either.
  reviewed('wi-a5', 'm-b', MONDAY, 10),
  reviewed('wi-a6', 'm-b', MONDAY + HOUR, 10),
  // Never answered: approved by default at 48 h, and would have been at 24 h.
  {
    id: 'wi-a7',
    merchantId: 'm-b',
    openedAt: MONDAY,
    closedAt: MONDAY + 6 * DAY,
    clocks: [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'breached', startedAt: MONDAY, deadline: MONDAY + 48 * HOUR, warned: true, breachedAt: MONDAY + 48 * HOUR }],
  },
  // Paused by a supervisor from 20 h to 40 h, answered at 42 h: in time under 24 h too (its deadline moves to 44 h).
  {
    id: 'wi-a8',
    merchantId: 'm-a',
    openedAt: MONDAY,
    closedAt: MONDAY + 5 * DAY,
    clocks: [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'satisfied', startedAt: MONDAY, deadline: MONDAY + 68 * HOUR, warned: true, satisfiedAt: MONDAY + 42 * HOUR }],
    audit: [
      { at: MONDAY + 20 * HOUR, action: 'sla_paused', data: { clock: 'merchant_review' }, actor: SUPERVISOR },
      { at: MONDAY + 40 * HOUR, action: 'sla_resumed', data: { clock: 'merchant_review', deadline: MONDAY + 68 * HOUR }, actor: SUPERVISOR },
    ],
  },
  // Still under review, 30 h in: pending as it ran, past a 24 h deadline.
  {
    id: 'wi-d1',
    merchantId: 'm-d',
    openedAt: now - 30 * HOUR,
    clocks: [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'running', startedAt: now - 30 * HOUR, deadline: now + 18 * HOUR, warned: true }],
  },
  // Refunds started Monday 10:00 (deadline Thursday 10:00): done Thursday 15:00 is late, unless Wednesday is a holiday.
  refund('wi-b1', MONDAY, MONDAY + 3 * DAY, MONDAY + 3 * DAY + 5 * HOUR),
  refund('wi-b2', MONDAY + HOUR, MONDAY + 3 * DAY + HOUR, MONDAY + 3 * DAY + 5 * HOUR),
  // Done Wednesday 9:00: in time either way.
  refund('wi-b3', MONDAY, MONDAY + 3 * DAY, MONDAY + 2 * DAY - HOUR),
  // Started Friday (deadline next Wednesday 10:00), done 2 h late: the holiday is behind it.
  refund('wi-b4', MONDAY + 4 * DAY, MONDAY + 9 * DAY, MONDAY + 9 * DAY + 2 * HOUR),
  // Histories a re-timing cannot use: a clock no playbook defines, and a clock started again after earlier events.
  { id: 'wi-c1', merchantId: 'm-a', openedAt: MONDAY, closedAt: MONDAY + DAY, clocks: [{ name: 'mystery_clock', owner: 'agent', limit: { hours: 1 }, breachAction: 'notify', status: 'satisfied', startedAt: MONDAY, deadline: MONDAY + HOUR, satisfiedAt: MONDAY + 1 }] },
  {
    id: 'wi-c2',
    merchantId: 'm-a',
    openedAt: MONDAY,
    closedAt: MONDAY + 4 * DAY,
    clocks: [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'satisfied', startedAt: MONDAY + DAY, deadline: MONDAY + 3 * DAY, satisfiedAt: MONDAY + 2 * DAY }],
    audit: [{ at: MONDAY + HOUR, action: 'sla_paused', data: { clock: 'merchant_review' } }],
  },
  // Opened before the range: in no figure.
  reviewed('wi-out', 'm-a', MONDAY - 10 * DAY, 30),
];

function toView(seed: Seed, version = 2): CaseView {
  const base = seedView({ id: seed.id, merchantId: seed.merchantId, openedAt: seed.openedAt, closedAt: seed.closedAt, version });
  const clocks = seed.clocks.map((c) => ({ limit: { hours: 1 }, breachAction: 'notify', warned: false, ...c }) as ClockState);
  const audit = [...base.audit, ...(seed.audit ?? []).map((a, i) => ({ seq: 10 + i, actor: SYSTEM, fromStatus: base.status, toStatus: base.status, ...a }))];
  return { ...base, clocks, audit, breached: clocks.some((c) => c.status === 'breached') };
}

async function write(store: mongoose.Connection, views: CaseView[]): Promise<void> {
  const writer = new ProjectionWriter(store);
  const outcomes = await Promise.all(views.map((v) => writer.save(toCaseProjection(v))));
  expect(outcomes.every((o) => o === 'written')).toBe(true);
}

let mongo: DevMongo;
let store: mongoose.Connection;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  mongo = await startDevMongo();
  store = await openStore(mongo.uri);
  await syncCaseIndexes(store);
  await write(store, SEEDS.map((s) => toView(s)));
  // These routes read the store only: the Temporal client is never called.
  app = createApp({ temporal: {} as Client, store, taskQueue: 'what-if-test', policy: loadPolicy({}), apiKeys: DEV_API_KEYS });
  const version = (name: string, policy: object) => request(app).post('/admin/policies').set(auth(KEYS.admin)).send({ version: name, reason: 'what-if test', policy });
  expect((await version('short-review', { merchantReviewReminder: { hours: 12 }, merchantReviewTimeout: { hours: 24 } })).status).toBe(201);
  expect((await version('holiday', { calendar: { ...DEFAULT_CALENDAR, holidays: [...DEFAULT_CALENDAR.holidays, WEDNESDAY] } })).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await store?.close();
  await mongo?.stop();
});

const range = { from: new Date(MONDAY - DAY).toISOString().slice(0, 10), to: new Date(now + DAY).toISOString().slice(0, 10) };
const simulate = (version: string, key = KEYS.supervisor, body: object = range) => request(app).post(`/admin/policies/${version}/simulate`).set(auth(key)).send(body);
const row = (rows: Array<{ key: string }>, key: string) => rows.find((r) => r.key === key);
const side = (met: number, breached: number, pending: number) => ({ met, breached, pending, compliancePercent: met + breached === 0 ? null : Math.round((met / (met + breached)) * 1000) / 10 });

describe('what-if over recorded clock histories', () => {
  it('a 24 h merchant review turns the cases answered after 30 h into breaches approved by default', async () => {
    const res = await simulate('short-review').expect(200);
    expect(res.body).toMatchObject({ version: 'short-review', cases: 13, incomplete: { cases: 2, reasons: { unknown_clock: 1, clock_restarted: 1 } } });
    expect(res.body.incomplete.sampleCaseIds.sort()).toEqual(['wi-c1', 'wi-c2']);
    // merchant_review: a1–a6 and a8 met, a7 breached, d1 pending as they ran; a5, a6, a8 met and the rest breached at 24 h.
    expect(row(res.body.byClock, 'merchant_review')).toEqual({ key: 'merchant_review', actual: side(7, 1, 1), simulated: side(3, 6, 0), breachChange: 5 });
    expect(row(res.body.byClock, 'refund_start')).toEqual({ key: 'refund_start', actual: side(1, 3, 0), simulated: side(1, 3, 0), breachChange: 0 });
    expect(res.body.totals).toEqual({ actual: side(8, 4, 1), simulated: side(4, 9, 0), newBreaches: 5, avertedBreaches: 0 });
    expect(res.body.byOwingParty).toEqual([{ key: 'merchant', actual: side(8, 4, 1), simulated: side(4, 9, 0), breachChange: 5 }]);
    expect(res.body.byMerchant).toEqual([
      { key: 'm-a', actual: side(5, 0, 0), simulated: side(1, 4, 0), breachChange: 4 },
      { key: 'm-b', actual: side(2, 1, 0), simulated: side(2, 1, 0), breachChange: 0 },
      { key: 'm-c', actual: side(1, 3, 0), simulated: side(1, 3, 0), breachChange: 0 },
      { key: 'm-d', actual: side(0, 0, 1), simulated: side(0, 1, 0), breachChange: 1 },
    ]);
    expect(res.body.byPriority).toEqual([{ key: '(none)', actual: side(8, 4, 1), simulated: side(4, 9, 0), breachChange: 5 }]);
    expect(res.body.defaultActions).toEqual([
      { action: 'approve', actual: 1, simulated: 6, change: 5 },
      { action: 'refund_on_behalf_of_merchant', actual: 3, simulated: 3, change: 0 },
    ]);
    expect(res.body.compliance.clocks).toEqual([
      { clock: 'merchant_review', targetPercent: 95, actual: { percentage: 87.5, meetsTarget: false }, simulated: { percentage: 33.3, meetsTarget: false } },
      { clock: 'refund_start', targetPercent: 95, actual: { percentage: 25, meetsTarget: false }, simulated: { percentage: 25, meetsTarget: false } },
    ]);
    expect(res.body.mostChanged.merchants.map((r: { key: string }) => r.key)).toEqual(['m-a', 'm-d']);
    expect(res.body.mostChanged.clocks.map((r: { key: string }) => r.key)).toEqual(['merchant_review']);
  });

  it('a holiday moves the refunds started before it: done the day after their old deadline is in time', async () => {
    const res = await simulate('holiday').expect(200);
    expect(row(res.body.byClock, 'refund_start')).toEqual({ key: 'refund_start', actual: side(1, 3, 0), simulated: side(3, 1, 0), breachChange: -2 });
    expect(row(res.body.byClock, 'merchant_review')).toEqual({ key: 'merchant_review', actual: side(7, 1, 1), simulated: side(7, 1, 1), breachChange: 0 });
    expect(res.body.totals).toMatchObject({ newBreaches: 0, avertedBreaches: 2 });
    expect(res.body.defaultActions).toEqual([
      { action: 'approve', actual: 1, simulated: 1, change: 0 },
      { action: 'refund_on_behalf_of_merchant', actual: 3, simulated: 1, change: -2 },
    ]);
  });

  it('the version the cases ran with re-times every one as it ran', async () => {
    const res = await simulate('2026.3', KEYS.admin).expect(200);
    expect(res.body.totals).toEqual({ actual: side(8, 4, 1), simulated: side(8, 4, 1), newBreaches: 0, avertedBreaches: 0 });
    expect(res.body.byClock.every((r: { breachChange: number }) => r.breachChange === 0)).toBe(true);
    expect(res.body.mostChanged).toEqual({ merchants: [], clocks: [] });
  });

  it('answers the same as CSV, and changes nothing in the store', async () => {
    const before = await Promise.all([caseModel(store).find({}).sort({ _id: 1 }).lean().exec(), caseViewModel(store).find({}).sort({ _id: 1 }).lean().exec()]);
    const res = await simulate('short-review').set('Accept', 'text/csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?what-if_short-review_/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('section,key,figure,actual,simulated,change');
    expect(lines).toContain('clock,merchant_review,breached,1,6,5');
    expect(lines).toContain('merchant,m-a,breached,0,4,4');
    expect(lines).toContain('default_action,approve,fired,1,6,5');
    expect(lines).toContain('cases,all,incomplete,2,2,0');
    const after = await Promise.all([caseModel(store).find({}).sort({ _id: 1 }).lean().exec(), caseViewModel(store).find({}).sort({ _id: 1 }).lean().exec()]);
    expect(after).toEqual(before);
  });

  it('refuses other roles, unknown versions and bad ranges with the field', async () => {
    for (const key of [KEYS.agent, KEYS['merchant-a'], KEYS['senior-agent']]) expect((await simulate('short-review', key)).status).toBe(403);
    const unknown = await simulate('no-such-version').expect(404);
    expect(unknown.body).toMatchObject({ code: 'policy_not_found' });
    const backwards = await simulate('short-review', KEYS.supervisor, { from: range.to, to: range.from }).expect(400);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ field: 'body.to' })]);
    const missing = await simulate('short-review', KEYS.supervisor, { from: range.from }).expect(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'body.to' })]);
  });
});

describe('deadlines coming due', () => {
  const anchor = now;
  const iso = new Date(anchor).toISOString();
  const openCase = (id: string, merchantId: string, clocks: Clock[], extra: Partial<Seed> = {}): Seed => ({ id, merchantId, openedAt: anchor - DAY, clocks, ...extra });
  const FORECAST_SEEDS: Seed[] = [
    openCase('fc-1', 'm-f1', [
      { name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'running', startedAt: anchor - DAY, deadline: anchor + 1.5 * HOUR, warned: true },
      { name: 'customer_ship_back', owner: 'customer', limit: { hours: 168 }, breachAction: 'close_abandoned', status: 'running', startedAt: anchor - DAY, deadline: anchor + 3.5 * HOUR },
    ]),
    openCase('fc-2', 'm-f2', [{ name: 'refund_start', owner: 'merchant', ...REFUND, status: 'running', startedAt: anchor - DAY, deadline: anchor + 1.2 * HOUR }]),
    // Due after the first 24 h; paused (no deadline running); already breached; a closed case's.
    openCase('fc-3', 'm-f2', [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'running', startedAt: anchor, deadline: anchor + 30 * HOUR }]),
    openCase('fc-4', 'm-f2', [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'paused', startedAt: anchor - DAY, deadline: anchor + 2 * HOUR, pausedAt: anchor - HOUR, remainingMs: 3 * HOUR }]),
    openCase('fc-5', 'm-f2', [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'breached', startedAt: anchor - 3 * DAY, deadline: anchor - HOUR, breachedAt: anchor - HOUR }]),
    openCase('fc-6', 'm-f2', [{ name: 'merchant_review', owner: 'merchant', ...REVIEW, status: 'running', startedAt: anchor - DAY, deadline: anchor + 2 * HOUR }], { closedAt: anchor - HOUR }),
  ];
  const forecast = (query: string, key = KEYS.supervisor) => request(app).get(`/supervisor/forecast?${query}`).set(auth(key));
  const perHour = (hours: number, at: Record<number, number>) => Array.from({ length: hours }, (_, i) => at[i] ?? 0);

  beforeAll(async () => {
    const views = FORECAST_SEEDS.map((s) => toView(s));
    // fc-2 waits in the platform's queue.
    views[1] = { ...views[1], escalations: [{ at: anchor - HOUR, to: 'platform', reason: 'refund overdue' }], escalated: true };
    await write(store, views);
  });

  it('counts each running deadline in its hour, per owing party, queue, clock and merchant, with those warned', async () => {
    // fc-1's two clocks, fc-2's refund, and wi-d1's review (18 h after the what-if cases were written, warned).
    const res = await forecast(`from=${iso}&hours=24`).expect(200);
    expect(res.body).toMatchObject({ from: iso, to: new Date(anchor + DAY).toISOString(), total: { due: 4, atRisk: 2 }, merchantsOmitted: 0 });
    expect(res.body.hours).toHaveLength(24);
    const hours = res.body.hours.map((h: { due: number; atRisk: number }) => [h.due, h.atRisk]);
    expect(hours.filter(([due]: number[]) => due > 0)).toEqual([[2, 1], [1, 0], [1, 1]]);
    expect([hours[1], hours[3], hours[18]]).toEqual([[2, 1], [1, 0], [1, 1]]);
    expect(res.body.byOwingParty).toEqual([
      { key: 'customer', due: 1, atRisk: 0, perHour: perHour(24, { 3: 1 }) },
      { key: 'merchant', due: 3, atRisk: 2, perHour: perHour(24, { 1: 2, 18: 1 }) },
    ]);
    expect(res.body.byQueue).toEqual([
      { key: '(none)', due: 3, atRisk: 2, perHour: perHour(24, { 1: 1, 3: 1, 18: 1 }) },
      { key: 'platform', due: 1, atRisk: 0, perHour: perHour(24, { 1: 1 }) },
    ]);
    expect(res.body.byClock.map((r: { key: string; due: number; atRisk: number }) => [r.key, r.due, r.atRisk])).toEqual([['customer_ship_back', 1, 0], ['merchant_review', 2, 2], ['refund_start', 1, 0]]);
    expect(res.body.byMerchant.map((r: { key: string; due: number }) => [r.key, r.due])).toEqual([['m-f1', 2], ['m-d', 1], ['m-f2', 1]]);
    // 48 h reach fc-3's review at 30 h.
    const longer = await forecast(`from=${iso}&hours=48`).expect(200);
    expect(longer.body.total).toEqual({ due: 5, atRisk: 2 });
    expect(longer.body.hours[30].due).toBe(1);
  });

  it('follows the store: a case closed since the last read drops out within seconds', async () => {
    const closed = toView({ ...FORECAST_SEEDS[0], closedAt: anchor }, 3);
    await write(store, [{ ...closed, clocks: closed.clocks.map((c) => ({ ...c, status: 'cancelled' as const, cancelledAt: anchor })) }]);
    // Older than 2 s, an answer reads what changed behind it: a later one has it.
    const until = Date.now() + 10_000;
    let res = await forecast(`from=${iso}`).expect(200);
    while (res.body.total.due !== 2 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      res = await forecast(`from=${iso}`).expect(200);
    }
    expect(res.body.total).toEqual({ due: 2, atRisk: 1 });
    expect(Date.parse(res.body.asOf)).toBeGreaterThan(anchor);
  });

  it('refuses other roles and a window past a week', async () => {
    for (const key of [KEYS.agent, KEYS['merchant-a']]) expect((await forecast('hours=24', key)).status).toBe(403);
    const res = await forecast('hours=169').expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.hours' })]);
  });
});
