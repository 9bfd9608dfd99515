/**
 * GET /reports/...: every figure checked against six cases driven through the real workflows (report-scenario.ts), read
 * back from FerretDB on PostgreSQL. Counts and percentages follow from what the scenario did; handling times are
 * compared with each case's own closedAt - openedAt, read live from its workflow.
 */
import request from 'supertest';
import { caseViewModel } from '../../activities/store/case-model';
import { backfillReportFacts } from '../../activities/store/reports/backfill';
import { RangeTooLargeError, readReportFacts } from '../../activities/store/reports/read-range';
import { percentile } from '../../activities/store/reports/stats';
import type { CaseView } from '../../workflows/domain/case';
import { ApiHarness, KEYS, startApiHarness } from './harness';
import { seedView } from './seed';
import { BREACH_SECONDS, driveReportScenario, REPORT_POLICY, type ScenarioCase } from './report-scenario';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const today = new Date().toISOString().slice(0, 10);
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const range = `from=${yesterday}&to=${today}`;

let h: ApiHarness;
let views: Record<ScenarioCase, CaseView>;

beforeAll(async () => {
  h = await startApiHarness({ policy: REPORT_POLICY });
  ({ views } = await driveReportScenario(h.app, h.store));
}, 180_000);
afterAll(async () => {
  await h?.stop();
});

const get = (path: string, key = KEYS.supervisor) => request(h.app).get(path).set(auth(key));

describe('reports over cases with known outcomes', () => {
  it('SLA compliance per clock against its target, per day, and breaches per merchant', async () => {
    const res = await get(`/reports/sla-compliance?${range}`).expect(200);
    expect(res.body.cases).toBe(6);
    const byClock = Object.fromEntries(res.body.clocks.map((c: { clock: string }) => [c.clock, c]));
    // ra1, ra2 rejected and rb2 approved at once; rb1 never reviewed.
    expect(byClock.merchant_review).toMatchObject({ met: 3, breached: 1, pending: 0, percentage: 75, targetPercent: 95, targetSource: 'default', meetsTarget: false });
    // fa1 answered at once, fb1 left alone: the spec's 95 % target is missed.
    expect(byClock.first_response).toMatchObject({ met: 1, breached: 1, percentage: 50, limit: `${BREACH_SECONDS} s`, targetPercent: 95, targetSource: 'spec', meetsTarget: false });
    expect(byClock.registration).toMatchObject({ met: 1, breached: 1, percentage: 50 });
    // rb2's refund started at once; rb1 still owes its ship-back (running).
    expect(byClock.refund_start).toMatchObject({ met: 1, breached: 0, percentage: 100, meetsTarget: true });
    expect(byClock.customer_ship_back).toMatchObject({ met: 1, breached: 0, pending: 1 });
    // fa1's investigation was done, then restarted when the customer rejected the solution; fb1's still runs.
    expect(byClock.initial_investigation).toMatchObject({ met: 0, breached: 0, pending: 2, percentage: null, meetsTarget: null });
    expect(byClock.solution_reply).toMatchObject({ met: 1, breached: 0, pending: 0 });
    expect(byClock.customer_confirmation).toMatchObject({ met: 1, breached: 0, pending: 0 });

    const totals = res.body.clocks.reduce((t: { met: number; breached: number }, c: { met: number; breached: number }) => ({ met: t.met + c.met, breached: t.breached + c.breached }), { met: 0, breached: 0 });
    expect(totals.breached).toBe(3);
    const daily = res.body.daily as Array<{ day: string; met: number; breached: number }>;
    expect(daily.reduce((n, d) => n + d.met, 0)).toBe(totals.met);
    expect(daily.reduce((n, d) => n + d.breached, 0)).toBe(3);
    // Each decided deadline counts on the UTC day it was settled: satisfied in time, or breached.
    const settledDays = Object.values(views).flatMap((v) =>
      v.clocks.flatMap((c) => (c.status === 'satisfied' ? [c.satisfiedAt!] : c.status === 'breached' ? [c.breachedAt!] : [])).map((at) => new Date(at).toISOString().slice(0, 10)),
    );
    expect(daily.map((d) => d.day)).toEqual([...new Set(settledDays)].sort());
    // A breach counts against the party that owed the clock: merchant-b owed rb1's review; fb1's registration and first
    // response were its agent's.
    expect(res.body.breachesByMerchant[0]).toMatchObject({ merchantId: 'merchant-b', breached: 1 });
    expect(res.body.breachesByOwner).toEqual([expect.objectContaining({ owner: 'agent', breached: 2 }), expect.objectContaining({ owner: 'merchant', breached: 1 }), expect.objectContaining({ owner: 'customer', breached: 0 })]);
    expect(res.body.breachesByAgent.reduce((n: number, a: { breached: number }) => n + a.breached, 0)).toBe(2);
    expect(res.body.breachesByMerchant.find((m: { merchantId: string }) => m.merchantId === 'merchant-a')).toMatchObject({ breached: 0 });
  });

  it('handling time p50/p90 of the closed cases, by kind, reason, merchant and agent', async () => {
    const res = await get(`/reports/handling-time?${range}`).expect(200);
    const ms = (name: ScenarioCase) => views[name].closedAt! - views[name].openedAt;
    const closed: ScenarioCase[] = ['ra1', 'ra2', 'rb2'];
    const all = closed.map(ms);
    expect(res.body.overall).toEqual({ key: 'all', count: 3, p50Ms: percentile(all, 50), p90Ms: percentile(all, 90) });
    expect(res.body.byKind).toEqual([{ key: 'return', count: 3, p50Ms: percentile(all, 50), p90Ms: percentile(all, 90) }]);
    const defects = [ms('ra1'), ms('rb2')];
    expect(res.body.byReason).toEqual([
      { key: 'return/quality_defect', count: 2, p50Ms: percentile(defects, 50), p90Ms: percentile(defects, 90) },
      { key: 'return/wrong_item', count: 1, p50Ms: ms('ra2'), p90Ms: ms('ra2') },
    ]);
    const a = [ms('ra1'), ms('ra2')];
    expect(res.body.byMerchant).toEqual([
      { key: 'merchant-a', count: 2, p50Ms: percentile(a, 50), p90Ms: percentile(a, 90) },
      { key: 'merchant-b', count: 1, p50Ms: ms('rb2'), p90Ms: ms('rb2') },
    ]);
    const unassigned = [ms('ra2'), ms('rb2')];
    expect(res.body.byAgent).toEqual([
      { key: '(unassigned)', count: 2, p50Ms: percentile(unassigned, 50), p90Ms: percentile(unassigned, 90) },
      { key: 'agent-r1', count: 1, p50Ms: ms('ra1'), p90Ms: ms('ra1') },
    ]);
    // Every closed case took under an hour here.
    expect(res.body.histogram[0]).toEqual({ bucket: '< 1 h', count: 3 });
    expect(res.body.histogram.slice(1).every((b: { count: number }) => b.count === 0)).toBe(true);
  });

  it('agent performance: the assignee’s cases, handling time, deadlines and ratings', async () => {
    const res = await get(`/reports/agents?${range}`).expect(200);
    const ra1 = views.ra1.closedAt! - views.ra1.openedAt;
    expect(res.body.agents.map((a: { agentId: string }) => a.agentId)).toEqual(['(unassigned)', 'agent-r1']);
    expect(res.body.agents[1]).toEqual({
      agentId: 'agent-r1',
      cases: 1,
      closed: 1,
      handlingP50Ms: ra1,
      handlingP90Ms: ra1,
      agentClocksMet: 0,
      agentClocksBreached: 0,
      agentOnTimePercent: null,
      caseBreaches: 0,
      surveysAnswered: 1,
      averageRating: 5,
      qaReviews: 0,
      qaAverageScore: null,
      qaMishandled: 0,
    });
    expect(res.body.agents[0]).toMatchObject({ cases: 5, closed: 2, surveysAnswered: 1, averageRating: 2 });
    const csv = await get(`/reports/agents?${range}`).set('Accept', 'text/csv').expect(200);
    expect(csv.text.split(/\r?\n/)[0]).toBe('agent_id,cases,closed,handling_p50_ms,handling_p90_ms,agent_clocks_met,agent_clocks_breached,agent_on_time_percent,case_breaches,surveys_answered,average_rating,qa_reviews,qa_average_score,qa_mishandled');
    await get(`/reports/agents?${range}`, KEYS.agent).expect(403);
  });

  it('problem types and reasons', async () => {
    const res = await get(`/reports/distribution?${range}`).expect(200);
    expect(res.body).toMatchObject({
      total: 6,
      byKind: [
        { kind: 'feedback', count: 2, percent: 33.3 },
        { kind: 'return', count: 4, percent: 66.7 },
      ],
      byReason: [
        { kind: 'feedback', reason: 'logistics', count: 1, percent: 16.7 },
        { kind: 'feedback', reason: 'product_quality', count: 1, percent: 16.7 },
        { kind: 'return', reason: 'quality_defect', count: 3, percent: 50 },
        { kind: 'return', reason: 'wrong_item', count: 1, percent: 16.7 },
      ],
    });
  });

  it('CSAT: surveys sent to the closed cases, two of three answered', async () => {
    const res = await get(`/reports/csat?${range}`).expect(200);
    expect(res.body).toMatchObject({
      surveysSent: 3,
      responses: 2,
      responseRate: 66.7,
      average: 3.5,
      distribution: [
        { rating: 1, count: 0 },
        { rating: 2, count: 1 },
        { rating: 3, count: 0 },
        { rating: 4, count: 0 },
        { rating: 5, count: 1 },
      ],
    });
  });

  it('merchant scorecard for supervisors, and as CSV', async () => {
    const res = await get(`/reports/merchant-scorecard?${range}`).expect(200);
    expect(res.body.merchants).toEqual([
      {
        merchantId: 'merchant-a', cases: 3, closed: 2, refunded: 0, refundRate: 0, disputed: 1, disputeRate: 33.3,
        reviewOnTime: { met: 2, breached: 0, percentage: 100 }, refundOnTime: { met: 0, breached: 0, percentage: null },
        breaches: 0, charges: { count: 0, amountCents: 0 },
      },
      {
        merchantId: 'merchant-b', cases: 3, closed: 1, refunded: 1, refundRate: 33.3, disputed: 0, disputeRate: 0,
        reviewOnTime: { met: 1, breached: 1, percentage: 50 }, refundOnTime: { met: 1, breached: 0, percentage: 100 },
        breaches: 1, charges: { count: 0, amountCents: 0 },
      },
    ]);
    const csv = await get(`/reports/merchant-scorecard?${range}`).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="?merchant-scorecard_/);
    expect(csv.text.split('\r\n')).toEqual([
      'merchant_id,cases,closed,refunded,refund_rate_percent,disputed,dispute_rate_percent,review_met,review_breached,review_on_time_percent,refund_met,refund_breached,refund_on_time_percent,breaches,charges,charges_amount_cents',
      'merchant-a,3,2,0,0,1,33.3,2,0,100,0,0,,0,0,0',
      'merchant-b,3,1,1,33.3,0,0,1,1,50,1,0,100,1,0,0',
      '',
    ]);
  });

  it('CSV of SLA compliance names each clock with its target', async () => {
    const csv = await get(`/reports/sla-compliance?${range}`).set('Accept', 'text/csv').expect(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('clock,limit,met,breached,pending,percentage,target_percent,target_source,meets_target');
    expect(lines).toContain(`first_response,${BREACH_SECONDS} s,1,1,0,50,95,spec,false`);
  });

  it('a merchant reads its own scorecard only, and no other report', async () => {
    const own = await get(`/reports/merchant-scorecard?${range}`, KEYS['merchant-a']).expect(200);
    expect(own.body.merchants.map((m: { merchantId: string }) => m.merchantId)).toEqual(['merchant-a']);
    expect(own.body.cases).toBe(3);
    const other = await get(`/reports/merchant-scorecard?${range}&merchantId=merchant-b`, KEYS['merchant-a']).expect(403);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    await get(`/reports/sla-compliance?${range}`, KEYS['merchant-a']).expect(403);
    await get(`/reports/csat?${range}`, KEYS.agent).expect(403);
  });

  it('a range without cases answers zeros, not errors', async () => {
    const res = await get('/reports/csat?from=2020-01-01&to=2020-01-31').expect(200);
    expect(res.body).toMatchObject({ cases: 0, surveysSent: 0, responses: 0, responseRate: null, average: null });
  });

  it('cases stored before the reports existed are counted once their facts are backfilled', async () => {
    const old = seedView({ id: 'case-before-reports', merchantId: 'merchant-old', openedAt: Date.UTC(2021, 2, 3, 10), closedAt: Date.UTC(2021, 2, 3, 12), version: 4 });
    await caseViewModel(h.store).collection.insertOne({ _id: old.caseId, version: old.version, view: old } as never);
    const query = '/reports/distribution?from=2021-03-01&to=2021-03-31';
    expect((await get(query).expect(200)).body.total).toBe(0);
    expect(await backfillReportFacts(h.store)).toBe(1);
    expect((await get(query).expect(200)).body).toMatchObject({ total: 1, byReason: [{ kind: 'return', reason: 'quality_defect', count: 1, percent: 100 }] });
    // Idempotent: the scenario's cases already had theirs from the worker, and this one has it now.
    expect(await backfillReportFacts(h.store)).toBe(0);
  });

  it('a range holding more cases than a report reads is refused, not read', async () => {
    const range = { from: new Date(Date.now() - 2 * 86_400_000), to: new Date(Date.now() + 86_400_000) };
    await expect(readReportFacts(h.store, range, 5)).rejects.toBeInstanceOf(RangeTooLargeError);
    expect(await readReportFacts(h.store, range, 6)).toHaveLength(6);
  });

  it.each([
    ['from=2026-13-01&to=2026-12-31', 'query.from'],
    ['from=2026-11-30&to=2026-11-01', 'query.to'],
    ['from=2020-01-01&to=2026-01-01', 'query.to'],
    ['to=2026-11-01', 'query.from'],
    ['from=yesterday&to=2026-11-01', 'query.from'],
    ['from=2026-11-01&to=2026-11-02&color=red', 'query.color'],
    ['from=2026-11-01&to=2026-11-02&merchantId=merchant-a', 'query.merchantId'],
  ])('a bad range (%s) is a 400 naming %s', async (query, field) => {
    const res = await get(`/reports/handling-time?${query}`).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});
