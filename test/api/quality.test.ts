import request from 'supertest';
import { caseModel } from '../../activities/store/case-model';
import { drawSample, qaDayModel, qaSampleModel } from '../../activities/store/qa-samples';
import { QUALITY_SCHEDULE_ID, ensureQualitySchedule } from '../../worker/quality-schedule';
import { ApiHarness, KEYS, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const DAY_MS = 86_400_000;

describe('the daily quality sample', () => {
  let h: ApiHarness;
  const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
  const closedYesterday: Array<{ caseId: string; agentId: string }> = [];

  beforeAll(async () => {
    h = await startApiHarness();
    // 25 cases closed yesterday (UTC): agent-q1 10, agent-q2 12, 3 unassigned; and some closed on other days.
    const start = Date.parse(`${yesterday}T00:00:00Z`);
    const docs = Array.from({ length: 31 }, (_, i) => {
      const agentId = i < 10 ? 'agent-q1' : i < 22 ? 'agent-q2' : undefined;
      const closedAt = new Date(i < 25 ? start + (i + 1) * 3_000_000 : start - (i - 23) * DAY_MS);
      if (i < 25) closedYesterday.push({ caseId: `qa-${i}`, agentId: agentId ?? '(unassigned)' });
      return { _id: `qa-${i}`, caseId: `qa-${i}`, version: 9, kind: 'return', status: 'closed', open: false, ...(agentId && { agentId }), openedAt: new Date(closedAt.getTime() - DAY_MS), lastTransitionAt: closedAt, closedAt, openBreaches: [], openClocks: [], escalated: false, escalatedTo: [], breached: false, refundBlocked: false };
    });
    await caseModel(h.store).insertMany(docs);
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('is drawn by the schedule, reproducibly: one per agent at least, 10 % at least, and the day never twice', async () => {
    await ensureQualitySchedule(h.temporal, h.taskQueue);
    await ensureQualitySchedule(h.temporal, h.taskQueue);
    await h.temporal.schedule.getHandle(QUALITY_SCHEDULE_ID).trigger();
    const until = Date.now() + 60_000;
    while (!(await qaDayModel(h.store).findById(yesterday).lean().exec()) && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await qaDayModel(h.store).findById(yesterday).lean().exec()).toMatchObject({ closed: 25, sampled: 3, percent: 10 });

    const sampled = await qaSampleModel(h.store).find({ day: yesterday }).lean().exec();
    expect(sampled.map((s) => s.agentId).sort()).toEqual(['(unassigned)', 'agent-q1', 'agent-q2']);
    expect(sampled.map((s) => s.caseId).sort()).toEqual([...drawSample(yesterday, closedYesterday, 10)].sort());

    // Run again for the same day (as a retried schedule or an operator would): the kept sample, not a new draw.
    const again = await h.temporal.workflow.execute('qualitySamplingWorkflow', { taskQueue: h.taskQueue, workflowId: `qa-again-${Date.now()}`, args: [yesterday] });
    expect(again).toEqual({ day: yesterday, closed: 25, caseIds: sampled.map((s) => s.caseId).sort(), drawn: false });
    expect(await qaSampleModel(h.store).countDocuments({ day: yesterday })).toBe(3);
  });

  it('takes reviews of sampled cases only, from senior agents and supervisors', async () => {
    const { body } = await request(h.app).get(`/qa/samples?day=${yesterday}`).set(auth(KEYS.supervisor)).expect(200);
    expect(body.samples).toHaveLength(3);
    const caseId = body.samples[0].caseId as string;
    const review = { caseId, score: 72, findings: 'refund right, but the customer waited a day for the first answer', mishandled: true };
    const kept = await request(h.app).post('/qa/reviews').set(auth(KEYS['senior-agent'])).send(review).expect(201);
    expect(kept.body).toMatchObject({ caseId, agentId: body.samples[0].agentId, reviewer: 'senior-agent-dev', score: 72, mishandled: true });
    const after = await request(h.app).get(`/qa/samples?day=${yesterday}`).set(auth(KEYS.supervisor)).expect(200);
    expect(after.body.samples[0].reviews).toEqual([expect.objectContaining({ score: 72, findings: review.findings })]);

    const unsampled = closedYesterday.find((c) => !body.samples.some((s: { caseId: string }) => s.caseId === c.caseId))!;
    const refused = await request(h.app).post('/qa/reviews').set(auth(KEYS.supervisor)).send({ ...review, caseId: unsampled.caseId }).expect(422);
    expect(refused.body.code).toBe('not_sampled');
    const bad = await request(h.app).post('/qa/reviews').set(auth(KEYS.supervisor)).send({ ...review, score: 101 }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.score']);
    await request(h.app).post('/qa/reviews').set(auth(KEYS.agent)).send(review).expect(403);
    await request(h.app).get('/qa/samples?day=yesterday').set(auth(KEYS.supervisor)).expect(400);
  });
});
