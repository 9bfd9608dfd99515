/**
 * Monthly settlement (seed 003 快递月结, 001 商家责任): statements by period and party, the party's answer per line, the
 * supervisor's decision on a disputed line, a period settled by hand, the merchants' deposit entries and flags. A
 * courier, warehouse or merchant key sees and answers its own statements only (another party's is 403).
 */
import crypto from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import { ledgerModel } from '../activities/store/ledger';
import { depositModel, merchantFlagModel, present, statementModel, type DepositEntryDocument, type MerchantFlagDocument, type StatementDocument } from '../activities/store/settlement';
import type { ApiRole } from '../config/api-keys';
import { DisputeDecision, id, period, SETTLED_PARTIES, Statement, StatementResponse, type StatementActor } from '../workflows/contract';
import { decideDisputeUpdate, respondToStatementUpdate } from '../workflows/settlement/messages';
import type { Caller } from './auth';
import { withDeadline, type CaseApiContext } from './context';
import { ownParty } from './ledger';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { executeCommandUpdate } from './workflow-update';

const STAFF: ApiRole[] = ['supervisor', 'admin'];
/** Each settled party answers with its own role's key. */
const PARTIES: ApiRole[] = [...SETTLED_PARTIES];
const READERS: ApiRole[] = [...STAFF, ...PARTIES];

const currentPeriod = () => new Date().toISOString().slice(0, 7);

/** A month not over yet cannot be settled: 422 naming the field. */
function requireClosed(value: string, field: string): void {
  if (value >= currentPeriod()) {
    throw new ProblemError({ status: 422, code: 'period_not_closed', title: 'Period not closed', detail: `${value} is not over yet: only a closed month is settled`, errors: [{ field, message: `a month before ${currentPeriod()}` }] });
  }
}

const actorOf = (caller: Caller): StatementActor => ({ id: caller.id, role: caller.role, ...(ownParty(caller) && { partyId: ownParty(caller)!.partyId }) });

async function statementFor(ctx: CaseApiContext, caller: Caller, statementId: string): Promise<StatementDocument> {
  const doc = await statementModel(ctx.store).findById(statementId).lean<StatementDocument>().exec();
  if (!doc) throw new ProblemError({ status: 404, code: 'statement_not_found', title: 'Statement not found', detail: `no statement ${statementId}` });
  const own = ownParty(caller);
  if (own && (own.party !== doc.party || own.partyId !== doc.partyId)) {
    throw new ProblemError({ status: 403, code: 'not_your_statement', title: 'Forbidden', detail: 'a party reads and answers its own statements only' });
  }
  return doc;
}

const StatementParams = z.strictObject({ statementId: id.openapi({ example: 'statement-2026-11-merchant-merchant-a' }) });
const StatementsQuery = z.strictObject({ period: period.optional(), party: z.enum(SETTLED_PARTIES).optional(), partyId: id.optional() });
const SettleBody = z.strictObject({ period }).openapi('SettlePeriod', { example: { period: '2026-11' } });
const SettlementRunDoc = z.object({ period: z.string(), issued: z.array(z.string()), existing: z.array(z.string()) }).openapi('SettlementRun');
const DepositDoc = z.object({ key: z.string(), merchantId: z.string(), period: z.string(), statementId: z.string(), amountCents: z.int(), currency: z.string(), lineKeys: z.array(z.string()), at: z.string() });
const FlagDoc = z.object({ merchantId: z.string(), period: z.string(), lateHandling: z.int(), threshold: z.int(), at: z.string() });

const STATEMENT_REFUSALS = { 404: problem('statement_not_found'), 409: problem('statement_not_open: the statement takes no answers (waiting for the supervisor) or was settled'), 422: problem('unknown_line, line_already_answered, duplicate_line, line_not_disputed, line_already_decided') };

async function update<A>(ctx: CaseApiContext, doc: StatementDocument, definition: UpdateDefinition<Statement, [A]>, arg: A): Promise<Statement> {
  if (doc.status === 'settled') throw new ProblemError({ status: 409, code: 'statement_not_open', title: 'Statement settled', detail: `statement ${doc._id} is settled: it takes no answers or decisions` });
  return executeCommandUpdate(ctx, ctx.temporal.workflow.getHandle(doc._id), definition, { args: [arg] });
}

export const SETTLEMENT_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/settlement/periods',
    roles: STAFF,
    summary: 'Settles a closed month by hand (the monthly-settlement Schedule does it on the 1st): one statement per party with ledger entries',
    description: 'A month settled before issues nothing new: its statements are listed under existing. A month not over yet is 422 period_not_closed.',
    body: SettleBody,
    responses: { 200: json('The statements issued and those that existed', SettlementRunDoc), ...COMMON_RESPONSES, 422: problem('period_not_closed') },
    async handle(ctx, { body }, res) {
      requireClosed(body.period, 'body.period');
      const run = await withDeadline(
        ctx,
        () => ctx.temporal.workflow.execute('settlementPeriodWorkflow', { taskQueue: ctx.taskQueue, workflowId: `settlement-${body.period}-${crypto.randomUUID()}`, args: [body.period] }),
        Math.max(ctx.callTimeoutMs, 30_000),
      );
      res.json(run);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/settlement/statements',
    roles: READERS,
    summary: 'Statements by period and party (without their lines)',
    description: 'A merchant, courier or warehouse key lists its own only (another party is 403). A partyId with no ledger entry at all is 404 unknown_party; a month not over yet is 422 period_not_closed.',
    query: StatementsQuery,
    responses: { 200: json('The statements', z.object({ statements: z.array(Statement.omit({ lines: true }).extend({ lineCount: z.int() })) })), ...COMMON_RESPONSES, 404: problem('unknown_party'), 422: problem('period_not_closed') },
    async handle(ctx, { caller, query }, res) {
      const own = ownParty(caller);
      if (own && ((query.party && query.party !== own.party) || (query.partyId && query.partyId !== own.partyId))) {
        throw new ProblemError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'a party reads its own statements only' });
      }
      if (query.period) requireClosed(query.period, 'query.period');
      const party = own?.party ?? query.party;
      const partyId = own?.partyId ?? query.partyId;
      if (partyId && !own && !(await ledgerModel(ctx.store).exists({ partyId: { $eq: partyId }, ...(party && { party: { $eq: party } }) }))) {
        throw new ProblemError({ status: 404, code: 'unknown_party', title: 'Unknown party', detail: `no ledger entry names ${party ?? 'a party'} ${partyId}`, errors: [{ field: 'query.partyId', message: 'unknown party' }] });
      }
      const filter: Record<string, unknown> = {};
      if (query.period) filter.period = { $eq: query.period };
      if (party) filter.party = { $eq: party };
      if (partyId) filter.partyId = { $eq: partyId };
      const docs = await statementModel(ctx.store).find(filter).sort({ period: 1, _id: 1 }).limit(5000).lean<StatementDocument[]>().exec();
      res.json({ statements: docs.map((d) => { const { lines, ...rest } = present(d); return { ...rest, lineCount: lines.length }; }) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/settlement/statements/:statementId',
    roles: READERS,
    summary: 'One statement with its lines, their answers and decisions',
    params: StatementParams,
    responses: { 200: json('The statement', Statement), ...COMMON_RESPONSES, 404: problem('statement_not_found') },
    async handle(ctx, { caller, params }, res) {
      res.json(present(await statementFor(ctx, caller, params.statementId)));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/settlement/statements/:statementId/responses',
    roles: PARTIES,
    summary: 'The party confirms or disputes lines of its statement (lines left out stay pending; at the limit they are confirmed)',
    description: 'Only the statement’s own party answers (another party is 403 not_your_statement); each line once.',
    params: StatementParams,
    body: StatementResponse,
    responses: {
      200: json('The statement after the answer', Statement),
      ...COMMON_RESPONSES,
      ...STATEMENT_REFUSALS,
      413: problem('body_too_large: a body over 256 kB; answer a long statement in several requests'),
    },
    async handle(ctx, { caller, params, body }, res) {
      const doc = await statementFor(ctx, caller, params.statementId);
      const statement = await update(ctx, doc, respondToStatementUpdate, { actor: actorOf(caller), ...body });
      res.json(statement);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/settlement/statements/:statementId/decisions',
    roles: STAFF,
    summary: 'A supervisor upholds or reverses a disputed line; a reversal is a ledger entry of its own (the charge is never edited)',
    description: 'A line not disputed is 422 line_not_disputed; a line decided already is 422 line_already_decided.',
    params: StatementParams,
    body: DisputeDecision,
    responses: { 200: json('The statement after the decision', Statement), ...COMMON_RESPONSES, ...STATEMENT_REFUSALS },
    async handle(ctx, { caller, params, body }, res) {
      const doc = await statementFor(ctx, caller, params.statementId);
      const statement = await update(ctx, doc, decideDisputeUpdate, { actor: actorOf(caller), ...body });
      res.json(statement);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/settlement/deposits',
    roles: ['supervisor', 'admin', 'merchant'],
    summary: 'Deposit entries of merchants (debits for confirmed charges), newest first, with the total per merchant',
    description: 'A merchant key reads its own only (another merchantId is 403).',
    query: z.strictObject({ merchantId: id.optional() }),
    responses: { 200: json('Deposit entries', z.object({ entries: z.array(DepositDoc), totals: z.array(z.object({ merchantId: z.string(), amountCents: z.int() })) })), ...COMMON_RESPONSES },
    async handle(ctx, { caller, query }, res) {
      if (caller.role === 'merchant' && query.merchantId && query.merchantId !== caller.merchantId) throw new ProblemError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'a merchant reads its own deposit only' });
      const merchantId = caller.role === 'merchant' ? caller.merchantId : query.merchantId;
      const docs = await depositModel(ctx.store).find(merchantId ? { merchantId: { $eq: merchantId } } : {}).sort({ at: -1 }).limit(5000).lean<DepositEntryDocument[]>().exec();
      const totals = new Map<string, number>();
      for (const d of docs) totals.set(d.merchantId, (totals.get(d.merchantId) ?? 0) + d.amountCents);
      res.json({
        entries: docs.map(({ _id, at, ...d }) => ({ key: _id, ...d, at: new Date(at).toISOString() })),
        totals: [...totals].map(([m, amountCents]) => ({ merchantId: m, amountCents })),
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/settlement/flags',
    roles: STAFF,
    summary: 'Merchants flagged for the platform: late-handling deadlines in a settled month past the threshold',
    query: z.strictObject({ period: period.optional() }),
    responses: { 200: json('Flags', z.object({ flags: z.array(FlagDoc) })), ...COMMON_RESPONSES },
    async handle(ctx, { query }, res) {
      const docs = await merchantFlagModel(ctx.store).find(query.period ? { period: { $eq: query.period } } : {}).sort({ period: 1, merchantId: 1 }).limit(5000).lean<MerchantFlagDocument[]>().exec();
      res.json({ flags: docs.map(({ _id, at, ...f }) => ({ ...f, at: new Date(at).toISOString() })) });
    },
  }),
];
