/**
 * One party's statement for a closed month (seed 003 快递月结; 001 商家责任): built from the ledger and kept, sent to the
 * party through its adapter, answered line by line within the policy's `confirmWindow` (any unit, working days on the
 * policy's calendar; a line not answered by then is confirmed),
 * disputed lines decided by a supervisor (upheld, or reversed by a ledger entry of its own). A merchant's deposit is
 * then debited for its confirmed charges, and a merchant late more often than `lateThreshold` in the month is flagged.
 * The workflow id is the statement id (period and party), so a period run twice never issues a second statement.
 */
import { allHandlersFinished, ApplicationFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import { workflowNow } from '../clock-source';
import { statementWorkflowId, type SettledParty, type Statement, type StatementActor } from '../contract/settlement';
import { addDuration, DEFAULT_CALENDAR, type BusinessCalendar, type Limit } from '../sla/calendar';
import type { SettlementActivities, SettlementSettings } from './activities';
import { decideDisputeUpdate, getStatementQuery, respondToStatementUpdate } from './messages';
import { STATEMENT_HANDLERS_FINISHED_PATCH } from './patches';

export type StatementInput = {
  period: string;
  party: SettledParty;
  partyId: string;
} & SettlementSettings;

/** The window as the policy sets it; inputs from before carry whole hours. */
const confirmWindowOf = (input: StatementInput): Limit => ('confirmWindow' in input ? input.confirmWindow : { hours: input.confirmHours });
const calendarOf = (input: StatementInput): BusinessCalendar => ('calendar' in input ? input.calendar : DEFAULT_CALENDAR);

const SUPERVISORS = ['supervisor', 'admin'];

const store = proxyActivities<Omit<SettlementActivities, 'sendStatement'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const partner = proxyActivities<Pick<SettlementActivities, 'sendStatement'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['PartnerRejected', 'PartnerRefused', 'IdempotencyKeyReused'] },
});

const refuse = (code: string, message: string) => {
  throw ApplicationFailure.nonRetryable(message, code);
};

export async function statementWorkflow(input: StatementInput): Promise<Statement> {
  const statementId = statementWorkflowId(input.period, input.party, input.partyId);
  let statement = await store.buildStatement({ period: input.period, party: input.party, partyId: input.partyId, confirmWindow: confirmWindowOf(input) });
  const save = async () => {
    statement = { ...statement, revision: statement.revision + 1 };
    await store.saveStatement(statement);
  };
  const line = (key: string) => statement.lines.find((l) => l.key === key);
  const checkParty = (actor: StatementActor) => {
    if (!['courier', 'warehouse', 'merchant'].includes(actor.role) || actor.role !== statement.party || actor.partyId !== statement.partyId) refuse('not_your_statement', `statement ${statementId} is not ${actor.id}'s`);
  };

  setHandler(getStatementQuery, () => statement);
  setHandler(
    respondToStatementUpdate,
    async ({ actor, lines }) => {
      const at = workflowNow();
      for (const answer of lines) {
        const l = line(answer.key)!;
        l.response = answer.decision === 'confirm' ? 'confirmed' : 'disputed';
        l.respondedBy = actor.id;
        l.respondedAt = at;
        if (answer.reason) l.disputeReason = answer.reason;
      }
      await save();
      return statement;
    },
    {
      validator: ({ actor, lines }) => {
        checkParty(actor);
        if (statement.status !== 'awaiting_party') refuse('statement_not_open', `statement ${statementId} is ${statement.status}: it takes no answers`);
        const seen = new Set<string>();
        for (const answer of lines) {
          const l = line(answer.key);
          if (!l) refuse('unknown_line', `statement ${statementId} has no line ${answer.key}`);
          if (l!.response !== 'pending') refuse('line_already_answered', `line ${answer.key} was ${l!.response} already`);
          if (seen.has(answer.key)) refuse('duplicate_line', `line ${answer.key} is answered twice`);
          seen.add(answer.key);
        }
      },
    },
  );
  setHandler(
    decideDisputeUpdate,
    async ({ actor, key, decision, note }) => {
      const at = workflowNow();
      const l = line(key)!;
      // Set before the reversal is written: a second decision on the line is refused from now on.
      l.resolution = decision === 'reverse' ? 'reversed' : 'upheld';
      l.resolvedBy = actor.id;
      l.resolvedAt = at;
      l.resolutionNote = note;
      if (decision === 'reverse') await store.recordReversal({ key, statementId, note, atMs: at });
      await save();
      return statement;
    },
    {
      validator: ({ actor, key }) => {
        if (!SUPERVISORS.includes(actor.role)) refuse('role_not_allowed', 'only a supervisor decides a disputed line');
        const l = line(key);
        if (!l) refuse('unknown_line', `statement ${statementId} has no line ${key}`);
        if (l!.response !== 'disputed') refuse('line_not_disputed', `line ${key} is ${l!.response}, not disputed: there is nothing to decide`);
        if (l!.resolution) refuse('line_already_decided', `line ${key} was ${l!.resolution} already`);
      },
    },
  );

  if (statement.status === 'sending') {
    const { receiptId } = await partner.sendStatement({
      idempotencyKey: `statement:${statementId}`,
      party: input.party,
      partyId: input.partyId,
      statementId,
      period: input.period,
      totalCents: statement.totalCents,
      currency: statement.currency,
      lines: statement.lines.map((l) => ({ key: l.key, caseId: l.caseId, amountCents: l.amountCents, reason: l.reason })),
    });
    const sentAt = workflowNow();
    statement.sentAt = sentAt;
    statement.receiptId = receiptId;
    statement.respondBy = addDuration(sentAt, confirmWindowOf(input), calendarOf(input));
    statement.status = 'awaiting_party';
    await save();
  }

  // Silence is consent: at the limit every line not answered is confirmed.
  const answered = await condition(() => statement.lines.every((l) => l.response !== 'pending'), Math.max(1, statement.respondBy! - workflowNow()));
  if (!answered) {
    const at = workflowNow();
    for (const l of statement.lines.filter((x) => x.response === 'pending')) Object.assign(l, { response: 'confirmed', respondedBy: 'silence', respondedAt: at });
  }
  const disputed = () => statement.lines.filter((l) => l.response === 'disputed');
  statement.status = disputed().some((l) => !l.resolution) ? 'awaiting_supervisor' : statement.status;
  if (statement.status === 'awaiting_supervisor') {
    await save();
    await condition(() => disputed().every((l) => l.resolution !== undefined));
  }
  if (patched(STATEMENT_HANDLERS_FINISHED_PATCH)) await condition(allHandlersFinished);

  if (input.party === 'merchant') {
    const at = workflowNow();
    const owed = statement.lines.filter((l) => l.response === 'confirmed' || l.resolution === 'upheld');
    const amountCents = owed.reduce((sum, l) => sum + l.amountCents, 0);
    if (amountCents > 0) {
      await store.debitDeposit({ statementId, merchantId: input.partyId, period: input.period, amountCents, currency: statement.currency, lineKeys: owed.map((l) => l.key), atMs: at });
    }
    const { lateHandling, flagged } = await store.flagLateMerchant({ merchantId: input.partyId, period: input.period, threshold: input.lateThreshold, atMs: at });
    Object.assign(statement, { depositDebitCents: Math.max(0, amountCents), lateHandling, flagged });
  }
  statement.status = 'settled';
  statement.settledAt = workflowNow();
  await save();
  return statement;
}
