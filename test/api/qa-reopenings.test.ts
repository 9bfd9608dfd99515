import request from 'supertest';
import { qaReopeningModel, qaSampleModel } from '../../activities/store/qa-samples';
import { ApiHarness, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

/** A supervisor reopens a case its quality review found mishandled: a follow-up feedback ticket names the case. */
describe('reopening a mishandled case (dev server)', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  async function sampledCase(key: string) {
    const opened = await request(h.app).post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', key).send(returnBody()).expect(201);
    const caseId: string = opened.body.caseId;
    // As the daily sample would have drawn it (the schedule itself is tested in quality.test.ts).
    await qaSampleModel(h.store).create({ _id: `2026-11-30:${caseId}`, day: '2026-11-30', caseId, agentId: 'agent-dev', sampledAt: new Date() });
    return { caseId, order: opened.body.order };
  }
  const review = (caseId: string, mishandled: boolean) =>
    request(h.app).post('/qa/reviews').set(auth(KEYS['senior-agent'])).send({ caseId, score: mishandled ? 35 : 90, findings: mishandled ? 'refund refused on a wrong reading of the 7-day rule' : 'fine', mishandled }).expect(201);
  const reopen = (caseId: string, key = KEYS.supervisor) => request(h.app).post('/qa/reopenings').set(auth(key)).send({ caseId, reason: 'the customer is owed the refund' });

  it('opens one linked follow-up feedback ticket for a case reviewed as mishandled', async () => {
    const { caseId, order } = await sampledCase('qa-reopen-1');
    await review(caseId, true);
    await reopen(caseId, KEYS['senior-agent']).expect(403);
    const first = await reopen(caseId).expect(201);
    expect(first.body).toMatchObject({ caseId, reopenedBy: 'supervisor-dev', review: { mishandled: true, score: 35 } });
    const followUpCaseId: string = first.body.followUpCaseId;
    expect(followUpCaseId).not.toBe(caseId);
    const followUp = await request(h.app).get(`/cases/${followUpCaseId}`).set(auth(KEYS.supervisor)).expect(200);
    expect(followUp.body).toMatchObject({ kind: 'feedback', details: { kind: 'feedback', feedbackType: 'after_sales_service' }, order: { orderId: order.orderId, merchantId: order.merchantId } });
    expect(followUp.body.description).toContain(caseId);
    expect(followUp.body.description).toContain('the customer is owed the refund');

    // Again (by anyone): the same follow-up, no second ticket.
    const again = await reopen(caseId, KEYS.admin).expect(200);
    expect(again.body.followUpCaseId).toBe(followUpCaseId);
    expect(await qaReopeningModel(h.store).countDocuments()).toBe(1);
  });

  it('refuses a case not reviewed as mishandled, or not reviewed at all, and changes nothing', async () => {
    const { caseId } = await sampledCase('qa-reopen-2');
    const unreviewed = await reopen(caseId).expect(422);
    expect(unreviewed.body).toMatchObject({ code: 'not_mishandled', errors: [{ field: 'body.caseId', message: expect.any(String) }] });
    await review(caseId, false);
    expect((await reopen(caseId).expect(422)).body.code).toBe('not_mishandled');
    // A later review that finds it mishandled makes it reopenable; the latest review decides.
    await review(caseId, true);
    await reopen(caseId).expect(201);
    await review(caseId, false);
    expect((await reopen('case-unknown0000000000000000').expect(422)).body.code).toBe('not_mishandled');
    const bad = await request(h.app).post('/qa/reopenings').set(auth(KEYS.supervisor)).send({ caseId, reason: '  ' }).expect(400);
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))]).toEqual(['body.reason']);
    expect(await qaReopeningModel(h.store).countDocuments()).toBe(2);
  });
});
