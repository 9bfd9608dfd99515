import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { statementWorkflow } from '../../workflows';
import type { Statement, StatementLine } from '../../workflows/contract/settlement';
import type { SettlementActivities } from '../../workflows/settlement/activities';
import { decideDisputeUpdate, getStatementQuery, respondToStatementUpdate } from '../../workflows/settlement/messages';
import { addWorkingDays, DEFAULT_CALENDAR } from '../../workflows/sla/calendar';
import { createCaseWorkers } from '../../worker/create-worker';
import { timeSkippingEnv } from '../support/servers';

const HOUR = 3_600_000;
const refusal = (code: string) => ({ cause: { type: code } });

/** In-memory settlement activities: what was sent, reversed, debited and flagged. */
function fakeSettlement(lines: Array<Pick<StatementLine, 'key' | 'amountCents'>>, lateHandling = 0) {
  const sent: string[] = [];
  const reversals: string[] = [];
  const debits: Array<{ amountCents: number; lineKeys: string[] }> = [];
  const saved: Statement[] = [];
  const activities: SettlementActivities = {
    listSettlementParties: async () => ({ parties: [], confirmHours: 168, lateThreshold: 3 }),
    buildStatement: async ({ period, party, partyId, confirmWindow }) => ({
      statementId: `statement-${period}-${party}-${partyId}`,
      period,
      party,
      partyId,
      status: 'sending',
      currency: 'CNY',
      totalCents: lines.reduce((s, l) => s + l.amountCents, 0),
      lines: lines.map((l) => ({ ...l, caseId: `case-${l.key}`, currency: 'CNY', reason: 'refund_paid_on_behalf_of_merchant', at: 0, response: 'pending' as const })),
      confirmWindow,
      revision: 0,
    }),
    saveStatement: async (s) => {
      saved.push(s);
      return 'written';
    },
    sendStatement: async ({ statementId }) => {
      sent.push(statementId);
      return { receiptId: `st-${sent.length}` };
    },
    recordReversal: async ({ key }) => {
      reversals.push(key);
      return 'recorded';
    },
    debitDeposit: async ({ amountCents, lineKeys }) => {
      debits.push({ amountCents, lineKeys });
      return 'recorded';
    },
    flagLateMerchant: async ({ threshold }) => ({ lateHandling, flagged: lateHandling > threshold }),
  };
  return { activities, sent, reversals, debits, saved };
}

/** Polls (real time) until the statement went out; the query is there once the statement is built. */
async function sent(handle: WorkflowHandle<typeof statementWorkflow>): Promise<Statement> {
  for (let i = 0; i < 200; i++) {
    const s = await handle.query(getStatementQuery).catch(() => undefined);
    if (s?.status === 'awaiting_party') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('statement not sent');
}

async function record(handle: WorkflowHandle, name: string) {
  const dir = process.env.RECORD_HISTORIES;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.binpb`), temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
}

describe('a monthly statement (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  beforeEach(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(async () => {
    await env?.teardown().catch(() => undefined);
  });

  async function run<R>(fake: ReturnType<typeof fakeSettlement>, test: (taskQueue: string) => Promise<R>) {
    const taskQueue = `statements-${randomUUID()}`;
    const workers = await createCaseWorkers({ connection: env.nativeConnection, config: { temporalNamespace: 'default', taskQueue }, activities: fake.activities });
    return workers.runUntil(() => test(taskQueue));
  }

  it('confirms by silence exactly at the limit: answers until then, the deposit debited for every confirmed line', async () => {
    const fake = fakeSettlement([{ key: 'a', amountCents: 1000 }, { key: 'b', amountCents: 2500 }, { key: 'c', amountCents: 400 }], 4);
    await run(fake, async (taskQueue) => {
      const handle = await env.client.workflow.start(statementWorkflow, { taskQueue, workflowId: 'statement-2026-11-merchant-m1', args: [{ period: '2026-11', party: 'merchant', partyId: 'm1', confirmHours: 168, lateThreshold: 3 }] });
      const s = await sent(handle);
      expect(s.respondBy).toBe(s.sentAt! + 168 * HOUR);
      const merchant = { id: 'merchant-m1-user', role: 'merchant', partyId: 'm1' };
      await expect(handle.executeUpdate(respondToStatementUpdate, { args: [{ actor: { ...merchant, partyId: 'm2' }, lines: [{ key: 'a', decision: 'confirm' }] }] })).rejects.toMatchObject(refusal('not_your_statement'));
      await expect(handle.executeUpdate(respondToStatementUpdate, { args: [{ actor: merchant, lines: [{ key: 'zz', decision: 'confirm' }] }] })).rejects.toMatchObject(refusal('unknown_line'));

      await env.sleep(s.respondBy! - (await env.currentTimeMs()) - 1000);
      const answered = await handle.executeUpdate(respondToStatementUpdate, { args: [{ actor: merchant, lines: [{ key: 'a', decision: 'confirm' }] }] });
      expect(answered.lines.map((l) => l.response)).toEqual(['confirmed', 'pending', 'pending']);
      await expect(handle.executeUpdate(respondToStatementUpdate, { args: [{ actor: merchant, lines: [{ key: 'a', decision: 'dispute', reason: 'x' }] }] })).rejects.toMatchObject(refusal('line_already_answered'));

      const done = await handle.result();
      expect(done.status).toBe('settled');
      expect(done.lines.map((l) => [l.response, l.respondedBy])).toEqual([['confirmed', 'merchant-m1-user'], ['confirmed', 'silence'], ['confirmed', 'silence']]);
      // Silence is counted at the limit itself (the test server rounds workflow time to a few ms).
      expect(done.lines[1].respondedAt).toBeGreaterThanOrEqual(s.respondBy!);
      expect(done.lines[1].respondedAt).toBeLessThan(s.respondBy! + 1000);
      expect(fake.debits).toEqual([{ amountCents: 3900, lineKeys: ['a', 'b', 'c'] }]);
      expect(done).toMatchObject({ depositDebitCents: 3900, lateHandling: 4, flagged: true });
      expect(fake.sent).toEqual(['statement-2026-11-merchant-m1']);
      await expect(handle.executeUpdate(respondToStatementUpdate, { args: [{ actor: merchant, lines: [{ key: 'b', decision: 'dispute', reason: 'late' }] }] })).rejects.toBeDefined();
      await record(handle, 'statement-silence');
    });
  });

  it('takes its window from the policy: 3 working days on the policy’s calendar, silence confirming at their end', async () => {
    const fake = fakeSettlement([{ key: 'a', amountCents: 500 }]);
    await run(fake, async (taskQueue) => {
      const args = { period: '2026-11', party: 'courier' as const, partyId: 'courier-sf', confirmWindow: { workingDays: 3 }, calendar: DEFAULT_CALENDAR, lateThreshold: 3 };
      const handle = await env.client.workflow.start(statementWorkflow, { taskQueue, workflowId: 'statement-2026-11-courier-courier-sf', args: [args] });
      const s = await sent(handle);
      expect(s.confirmWindow).toEqual({ workingDays: 3 });
      expect(s.respondBy).toBe(addWorkingDays(s.sentAt!, 3, DEFAULT_CALENDAR));
      expect(s.respondBy! - s.sentAt!).toBeGreaterThanOrEqual(3 * 24 * HOUR);
      const done = await handle.result();
      expect(done.lines[0]).toMatchObject({ response: 'confirmed', respondedBy: 'silence' });
      expect(done.lines[0].respondedAt).toBeGreaterThanOrEqual(s.respondBy!);
      expect(done.lines[0].respondedAt).toBeLessThan(s.respondBy! + 1000);
      await record(handle, 'statement-working-days');
    });
  });

  it('sends a disputed line to a supervisor: a reversal is its own entry and leaves the deposit', async () => {
    const fake = fakeSettlement([{ key: 'a', amountCents: 1000 }, { key: 'b', amountCents: 2500 }, { key: 'c', amountCents: 400 }]);
    await run(fake, async (taskQueue) => {
      const handle = await env.client.workflow.start(statementWorkflow, { taskQueue, workflowId: 'statement-2026-11-merchant-m2', args: [{ period: '2026-11', party: 'merchant', partyId: 'm2', confirmHours: 168, lateThreshold: 3 }] });
      await sent(handle);
      const merchant = { id: 'merchant-m2-user', role: 'merchant', partyId: 'm2' };
      const supervisor = { id: 'supervisor-1', role: 'supervisor' };
      await handle.executeUpdate(respondToStatementUpdate, { args: [{ actor: merchant, lines: [{ key: 'a', decision: 'confirm' }, { key: 'b', decision: 'dispute', reason: 'customer kept the goods' }, { key: 'c', decision: 'dispute', reason: 'refund was the courier’s' }] }] });
      await expect(handle.executeUpdate(decideDisputeUpdate, { args: [{ actor: supervisor, key: 'a', decision: 'reverse', note: 'n' }] })).rejects.toMatchObject(refusal('line_not_disputed'));
      await expect(handle.executeUpdate(decideDisputeUpdate, { args: [{ actor: merchant, key: 'b', decision: 'reverse', note: 'n' }] })).rejects.toMatchObject(refusal('role_not_allowed'));
      const reversed = await handle.executeUpdate(decideDisputeUpdate, { args: [{ actor: supervisor, key: 'b', decision: 'reverse', note: 'the customer returned nothing' }] });
      expect(reversed.status).toBe('awaiting_supervisor');
      await expect(handle.executeUpdate(decideDisputeUpdate, { args: [{ actor: supervisor, key: 'b', decision: 'uphold', note: 'again' }] })).rejects.toMatchObject(refusal('line_already_decided'));
      // Waiting on the supervisor has no limit: a month later the statement still waits.
      await env.sleep(720 * HOUR);
      expect((await handle.query(getStatementQuery)).status).toBe('awaiting_supervisor');
      await handle.executeUpdate(decideDisputeUpdate, { args: [{ actor: supervisor, key: 'c', decision: 'uphold', note: 'the merchant refunded late' }] });
      const done = await handle.result();
      expect(done.lines.map((l) => [l.response, l.resolution])).toEqual([['confirmed', undefined], ['disputed', 'reversed'], ['disputed', 'upheld']]);
      expect(fake.reversals).toEqual(['b']);
      expect(fake.debits).toEqual([{ amountCents: 1400, lineKeys: ['a', 'c'] }]);
      expect(done).toMatchObject({ status: 'settled', depositDebitCents: 1400, flagged: false });
      // Saves may arrive out of order (a handler's beside the main flow's): the newest revision is the settled statement.
      const newest = fake.saved.reduce((a, b) => (b.revision > a.revision ? b : a));
      expect(newest).toEqual(done);
      await record(handle, 'statement-dispute');
    });
  });
});
