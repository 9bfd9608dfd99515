import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import request from 'supertest';
import { ledgerModel, type LedgerEntryDocument } from '../../activities/store/ledger';
import { reportFactsModel } from '../../activities/store/reports/report-facts';
import { buildStatement, depositModel, merchantFlagModel, statementModel } from '../../activities/store/settlement';
import { previousPeriod, periodRange } from '../../workflows/contract/settlement';
import { ensureSettlementSchedule, SETTLEMENT_SCHEDULE_ID } from '../../worker/settlement-schedule';
import { ApiHarness, KEYS, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const HOUR = 3_600_000;

/**
 * Monthly settlement on the dev server, FerretDB and the sandbox: the Schedule triggered on demand settles last month's
 * ledger (seeded here), one statement per party, sent once through the sandbox (with injected failures); a second run
 * of the month issues nothing; the routes answer each party its own statements only and refuse bad input.
 */
/** With RECORD_HISTORIES set, keeps the workflow's history for test/replay/settlement-replay.test.ts. */
async function record(h: ApiHarness, workflowId: string, name: string): Promise<void> {
  const dir = process.env.RECORD_HISTORIES;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.binpb`), temporal.api.history.v1.History.encode(await h.temporal.workflow.getHandle(workflowId).fetchHistory()).finish());
}

describe('monthly settlement (dev server)', () => {
  let h: ApiHarness;
  const period = previousPeriod(Date.now());
  const { fromMs, toMs } = periodRange(period);
  const entry = (key: string, party: LedgerEntryDocument['party'], partyId: string, amountCents: number, at: number, caseId = `case-${key}`): LedgerEntryDocument => ({ _id: key, caseId, party, partyId, amountCents, currency: 'CNY', reason: `${party}_charge`, at: new Date(at), status: 'open' });
  const entries = [
    entry('c1', 'courier', 'courier', 1200, fromMs + HOUR),
    entry('c2', 'courier', 'courier', 800, fromMs + 48 * HOUR),
    entry('w1', 'warehouse', 'warehouse', 3000, fromMs + 72 * HOUR),
    entry('ma1', 'merchant', 'merchant-a', 5000, fromMs + 2 * HOUR),
    entry('ma2', 'merchant', 'merchant-a', 2500, fromMs + 3 * HOUR),
    entry('ma3', 'merchant', 'merchant-a', 700, toMs - 1),
    entry('mb1', 'merchant', 'merchant-b', 9900, fromMs + 5 * HOUR),
    // Not settled monthly, or outside the month.
    entry('cu1', 'customer', 'customer-1', 400, fromMs + HOUR),
    entry('ma-before', 'merchant', 'merchant-a', 1, fromMs - 1),
    entry('ma-after', 'merchant', 'merchant-a', 1, toMs),
  ];
  const records = async () => (await (await fetch(`${h.sandboxUrl}/_control/records`)).json()) as { statements: Array<{ party: string; partyId: string; statementId: string; totalCents: number }> };
  const statementId = (party: string, partyId: string) => `statement-${period}-${party}-${partyId}`;

  beforeAll(async () => {
    h = await startApiHarness();
    await ledgerModel(h.store).insertMany(entries);
    // merchant-a breached 4 of its own deadlines in the month (one of them decided outside it), merchant-b 1.
    const clock = (decidedAt: number, owner = 'merchant') => ({ name: 'merchant_review', owner, outcome: 'breached', deadline: decidedAt, decidedAt, limit: '48 h' });
    const facts = (id: string, merchantId: string, clocks: object[]) => ({ _id: id, version: 1, openedAt: new Date(fromMs), kind: 'return', reason: 'quality_defect', merchantId, agentId: 'a', clocks, merchantCharges: { count: 0, amountCents: 0 }, escalations: [] });
    await reportFactsModel(h.store).insertMany([
      facts('f1', 'merchant-a', [clock(fromMs + HOUR), clock(fromMs + 2 * HOUR)]),
      facts('f2', 'merchant-a', [clock(fromMs + 3 * HOUR), clock(fromMs + 4 * HOUR), clock(fromMs + 5 * HOUR, 'courier'), clock(toMs + HOUR)]),
      facts('f3', 'merchant-b', [clock(fromMs + HOUR)]),
    ]);
  }, 180_000);
  afterAll(async () => {
    // The statements wait a week for their parties: end them so the dev server stops at once.
    for (const id of [statementId('courier', 'courier'), statementId('warehouse', 'warehouse'), statementId('merchant', 'merchant-b')]) await h?.temporal.workflow.getHandle(id).terminate('test finished').catch(() => undefined);
    await h?.stop();
  });

  it('issues one statement per party for last month from the Schedule, sent once despite failures; a second run issues nothing', async () => {
    await fetch(`${h.sandboxUrl}/_control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ route: '/courier/statements', mode: 'fail', times: 2 }) });
    await ensureSettlementSchedule(h.temporal, h.taskQueue);
    await ensureSettlementSchedule(h.temporal, h.taskQueue);
    await h.temporal.schedule.getHandle(SETTLEMENT_SCHEDULE_ID).trigger();
    const until = Date.now() + 90_000;
    while ((await statementModel(h.store).countDocuments({ status: 'awaiting_party' })) < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));

    const stored = await statementModel(h.store).find().sort({ _id: 1 }).lean().exec();
    expect(stored.map((s) => [s._id, s.totalCents, s.lines.map((l) => l.key)])).toEqual([
      [statementId('courier', 'courier'), 2000, ['c1', 'c2']],
      [statementId('merchant', 'merchant-a'), 8200, ['ma1', 'ma2', 'ma3']],
      [statementId('merchant', 'merchant-b'), 9900, ['mb1']],
      [statementId('warehouse', 'warehouse'), 3000, ['w1']],
    ]);
    // Totals against the ledger route's own totals for the month.
    const ledger = await request(h.app).get(`/ledger?from=${period}-01&to=${new Date(toMs - 1).toISOString().slice(0, 10)}`).set(auth(KEYS.supervisor)).expect(200);
    for (const s of stored) expect(ledger.body.totals).toContainEqual(expect.objectContaining({ party: s.party, partyId: s.partyId, amountCents: s.totalCents }));
    expect(stored.every((s) => s.status === 'awaiting_party' && s.respondBy === s.sentAt! + 168 * HOUR)).toBe(true);
    const sent = (await records()).statements;
    expect(sent.map((s) => s.statementId).sort()).toEqual(stored.map((s) => s._id));

    // Again by the Schedule and by hand: nothing new issued, nothing sent again.
    await h.temporal.schedule.getHandle(SETTLEMENT_SCHEDULE_ID).trigger();
    const again = await request(h.app).post('/settlement/periods').set(auth(KEYS.supervisor)).send({ period }).expect(200);
    expect(again.body).toEqual({ period, issued: [], existing: stored.map((s) => s._id).sort() });
    const runs = async () => {
      const list: string[] = [];
      for await (const w of h.temporal.workflow.list({ query: `WorkflowType = 'settlementPeriodWorkflow' AND ExecutionStatus = 'Completed'` })) list.push(w.workflowId);
      return list;
    };
    while ((await runs()).length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    expect(await statementModel(h.store).countDocuments()).toBe(4);
    expect((await records()).statements).toHaveLength(4);
    const [first, second] = (await runs()).sort();
    await record(h, first, 'settlement-period-run');
    await record(h, second, 'settlement-period-rerun');
  }, 150_000);

  it('shows each party its own statements only and refuses bad input', async () => {
    const all = await request(h.app).get(`/settlement/statements?period=${period}`).set(auth(KEYS.supervisor)).expect(200);
    expect(all.body.statements).toHaveLength(4);
    const own = await request(h.app).get(`/settlement/statements?period=${period}`).set(auth(KEYS['merchant-a'])).expect(200);
    expect(own.body.statements).toEqual([expect.objectContaining({ statementId: statementId('merchant', 'merchant-a'), lineCount: 3, totalCents: 8200 })]);
    const courier = await request(h.app).get('/settlement/statements').set(auth(KEYS.courier)).expect(200);
    expect(courier.body.statements.map((s: { party: string }) => s.party)).toEqual(['courier']);
    await request(h.app).get('/settlement/statements?party=courier').set(auth(KEYS['merchant-a'])).expect(403);
    await request(h.app).get(`/settlement/statements/${statementId('merchant', 'merchant-b')}`).set(auth(KEYS['merchant-a'])).expect(403);
    await request(h.app).get(`/settlement/statements/${statementId('courier', 'courier')}`).set(auth(KEYS.warehouse)).expect(403);
    const one = await request(h.app).get(`/settlement/statements/${statementId('merchant', 'merchant-a')}`).set(auth(KEYS['merchant-a'])).expect(200);
    expect(one.body.lines.map((l: { key: string; response: string }) => [l.key, l.response])).toEqual([['ma1', 'pending'], ['ma2', 'pending'], ['ma3', 'pending']]);
    const missing = await request(h.app).get('/settlement/statements/statement-1999-01-courier-courier').set(auth(KEYS.supervisor)).expect(404);
    expect(missing.body.code).toBe('statement_not_found');

    const malformed = await request(h.app).get('/settlement/statements?period=2026-13').set(auth(KEYS.supervisor)).expect(400);
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.period']);
    const future = await request(h.app).get('/settlement/statements?period=2999-01').set(auth(KEYS.supervisor)).expect(422);
    expect(future.body).toMatchObject({ code: 'period_not_closed', errors: [expect.objectContaining({ field: 'query.period' })] });
    const current = await request(h.app).post('/settlement/periods').set(auth(KEYS.admin)).send({ period: new Date().toISOString().slice(0, 7) }).expect(422);
    expect(current.body).toMatchObject({ code: 'period_not_closed', errors: [expect.objectContaining({ field: 'body.period' })] });
    const badBody = await request(h.app).post('/settlement/periods').set(auth(KEYS.admin)).send({ period: '11/2026' }).expect(400);
    expect(badBody.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.period']);
    const unknown = await request(h.app).get('/settlement/statements?party=merchant&partyId=merchant-zz').set(auth(KEYS.supervisor)).expect(404);
    expect(unknown.body.code).toBe('unknown_party');
    await request(h.app).get('/settlement/statements?party=customer').set(auth(KEYS.supervisor)).expect(400);
    await request(h.app).post('/settlement/periods').set(auth(KEYS['merchant-a'])).send({ period }).expect(403);
    expect(await statementModel(h.store).countDocuments()).toBe(4);
  });

  it('takes answers from the statement’s party only; a supervisor reverses a disputed line by a new entry; the deposit is debited for the rest', async () => {
    const id = statementId('merchant', 'merchant-a');
    const answer = (key: string, body: object) => request(h.app).post(`/settlement/statements/${id}/responses`).set(auth(key)).send(body);
    const other = await answer(KEYS['merchant-b'], { lines: [{ key: 'ma1', decision: 'confirm' }] }).expect(403);
    expect(other.body.code).toBe('not_your_statement');
    await answer(KEYS.courier, { lines: [{ key: 'ma1', decision: 'confirm' }] }).expect(403);
    const noReason = await answer(KEYS['merchant-a'], { lines: [{ key: 'ma2', decision: 'dispute' }] }).expect(400);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.lines.0.reason']);
    const unknownLine = await answer(KEYS['merchant-a'], { lines: [{ key: 'nope', decision: 'confirm' }] }).expect(422);
    expect(unknownLine.body.code).toBe('unknown_line');

    const answered = await answer(KEYS['merchant-a'], { lines: [{ key: 'ma1', decision: 'confirm' }, { key: 'ma2', decision: 'dispute', reason: 'the customer kept the goods' }] }).expect(200);
    expect(answered.body.lines.map((l: { response: string }) => l.response)).toEqual(['confirmed', 'disputed', 'pending']);
    const twice = await answer(KEYS['merchant-a'], { lines: [{ key: 'ma1', decision: 'dispute', reason: 'changed my mind' }] }).expect(422);
    expect(twice.body.code).toBe('line_already_answered');

    const decide = (body: object, key = KEYS.supervisor) => request(h.app).post(`/settlement/statements/${id}/decisions`).set(auth(key)).send(body);
    const undisputed = await decide({ key: 'ma1', decision: 'reverse', note: 'no' }).expect(422);
    expect(undisputed.body.code).toBe('line_not_disputed');
    await decide({ key: 'ma2', decision: 'reverse', note: 'no' }, KEYS['merchant-a']).expect(403);
    await answer(KEYS['merchant-a'], { lines: [{ key: 'ma3', decision: 'confirm' }] }).expect(200);
    const reversed = await decide({ key: 'ma2', decision: 'reverse', note: 'the customer returned nothing: the refund was not the merchant’s' }).expect(200);
    expect(reversed.body.lines[1]).toMatchObject({ response: 'disputed', resolution: 'reversed', resolvedBy: 'supervisor-dev' });

    const until = Date.now() + 60_000;
    while ((await statementModel(h.store).findById(id).lean().exec())?.status !== 'settled' && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
    const settled = await request(h.app).get(`/settlement/statements/${id}`).set(auth(KEYS['merchant-a'])).expect(200);
    expect(settled.body).toMatchObject({ status: 'settled', depositDebitCents: 5700, lateHandling: 4, flagged: true });
    const late = await decide({ key: 'ma2', decision: 'uphold', note: 'again' }).expect(409);
    expect(late.body.code).toBe('statement_not_open');

    // The charge stands as it was; its reversal is an entry of its own, dated now, settled by this statement (left out
    // of its debit), so next month's statement does not credit it a second time.
    expect(await ledgerModel(h.store).findById('ma2').lean().exec()).toMatchObject({ amountCents: 2500, reason: 'merchant_charge' });
    expect(await ledgerModel(h.store).findById('ma2:reversal').lean().exec()).toMatchObject({ amountCents: -2500, party: 'merchant', partyId: 'merchant-a', caseId: 'case-ma2', reason: 'reversal_of:merchant_charge', settledIn: id });
    const nextMonth = new Date().toISOString().slice(0, 7);
    const next = await buildStatement(h.store, { period: nextMonth, party: 'merchant', partyId: 'merchant-a', confirmWindow: { hours: 168 } });
    expect(next.lines.map((l) => l.key)).not.toContain('ma2:reversal');
    const deposits = await request(h.app).get('/settlement/deposits').set(auth(KEYS['merchant-a'])).expect(200);
    expect(deposits.body.entries).toEqual([expect.objectContaining({ merchantId: 'merchant-a', period, amountCents: -5700, lineKeys: ['ma1', 'ma3'] })]);
    expect(deposits.body.totals).toEqual([{ merchantId: 'merchant-a', amountCents: -5700 }]);
    await request(h.app).get('/settlement/deposits?merchantId=merchant-b').set(auth(KEYS['merchant-a'])).expect(403);
    expect(await depositModel(h.store).countDocuments()).toBe(1);
    const flags = await request(h.app).get(`/settlement/flags?period=${period}`).set(auth(KEYS.supervisor)).expect(200);
    expect(flags.body.flags).toEqual([expect.objectContaining({ merchantId: 'merchant-a', lateHandling: 4, threshold: 3 })]);
    expect(await merchantFlagModel(h.store).countDocuments()).toBe(1);
    await record(h, id, 'statement-merchant-settled');
  }, 120_000);

  it('answers the decision that settles a courier statement with the statement it settled', async () => {
    const id = statementId('courier', 'courier');
    await request(h.app).post(`/settlement/statements/${id}/responses`).set(auth(KEYS.courier)).send({ lines: [{ key: 'c1', decision: 'dispute', reason: 'signed for intact' }, { key: 'c2', decision: 'confirm' }] }).expect(200);
    const until = Date.now() + 30_000;
    while ((await statementModel(h.store).findById(id).lean().exec())?.status !== 'awaiting_supervisor' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    // Waiting for the supervisor, the statement takes no answers: a conflict with its state, as documented.
    const waiting = await request(h.app).post(`/settlement/statements/${id}/responses`).set(auth(KEYS.courier)).send({ lines: [{ key: 'c2', decision: 'dispute', reason: 'again' }] }).expect(409);
    expect(waiting.body).toMatchObject({ code: 'statement_not_open', status: 409 });
    const decided = await request(h.app).post(`/settlement/statements/${id}/decisions`).set(auth(KEYS.supervisor)).send({ key: 'c1', decision: 'reverse', note: 'the damage happened after delivery' });
    expect(decided.body).toMatchObject({ statementId: id, lines: [expect.objectContaining({ key: 'c1', resolution: 'reversed' }), expect.objectContaining({ key: 'c2', response: 'confirmed' })] });
    expect(decided.status).toBe(200);
    expect(await ledgerModel(h.store).findById('c1:reversal').lean().exec()).toMatchObject({ amountCents: -1200, settledIn: id });
    await h.temporal.workflow.getHandle(id).result();
    await record(h, id, 'statement-courier-reversed');
  }, 60_000);
});
