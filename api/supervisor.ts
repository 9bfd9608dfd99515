import crypto from 'node:crypto';
import type { Response } from 'express';
import { z } from 'zod';
import { caseModel, type CaseDocument } from '../activities/store/case-model';
import type { ApiRole } from '../config/api-keys';
import { commandUpdates, type CommandPayloads } from '../workflows/messages';
import { actorOf } from './auth';
import { toSummary } from './cases';
import type { CaseApiContext } from './context';
import { sendToEach } from './per-case';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { BulkAssignBody, BulkAssignResultDoc, CaseCountsDoc, CaseCountsQuery, durationMs, QueueDoc, QueueQuery, queueRoleParam, StuckCasesDoc, StuckCasesQuery, type STUCK_REASONS } from './schemas';
import { executeCommandUpdate } from './workflow-update';

export const SUPERVISOR_ROLES = ['supervisor', 'admin'] as const;
/** Roles that reach GET /queues/:role at all; a senior agent reads its own queue and the CS lead's only. */
export const QUEUE_ROLES: readonly ApiRole[] = ['supervisor', 'admin', 'senior_agent'];
export const SENIOR_AGENT_QUEUES: readonly string[] = ['senior_agent', 'cs_lead'];

type Reason = (typeof STUCK_REASONS)[number];

/**
 * Paging. Every list here is ordered by the same key: the next deadline ascending (most overdue first), then the case
 * id; cases without a deadline come last, by id. A cursor holds the last key of a page, the instant the first page was
 * measured against (so every page answers the same question) and a digest of the route and filters (so a cursor from
 * another query or route is refused instead of silently paging something else).
 */
/** A find filter: plain equality and range conditions on top-level fields of `cases`. */
type Filter = Record<string, unknown>;

interface SortKey {
  /** Epoch ms of nextDeadline, or null: no deadline (sorts after every deadline). */
  d: number | null;
  id: string;
}

interface Cursor extends SortKey {
  /** asOf of the first page, epoch ms. */
  t: number;
  /** Digest of the route and its filters. */
  q: string;
}

const cursorSchema = z.strictObject({
  v: z.literal(1),
  q: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  t: z.int().min(0).max(8_640_000_000_000_000),
  d: z.int().min(0).max(8_640_000_000_000_000).nullable(),
  id: z.string().min(1).max(128),
});

const badCursor = (message: string) =>
  new ProblemError({ status: 400, code: 'validation_failed', title: 'Invalid request', detail: 'the query failed validation', errors: [{ field: 'query.cursor', message }] });

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ v: 1, q: cursor.q, t: cursor.t, d: cursor.d, id: cursor.id })).toString('base64url');
}

function decodeCursor(raw: string, digest: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw badCursor('not a cursor from a previous page of this list');
  if (result.data.q !== digest) throw badCursor('the cursor belongs to another list or other filters; start again without it');
  return result.data;
}

/** Digest of a route and its filters (canonical: sorted keys), so a cursor only pages the query it came from. */
function queryDigest(route: string, filters: Record<string, unknown>): string {
  const canonical = JSON.stringify([route, Object.keys(filters).sort().map((k) => [k, filters[k] ?? null])]);
  return crypto.createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

const keyOf = (doc: CaseDocument): SortKey => ({ d: doc.nextDeadline ? new Date(doc.nextDeadline).getTime() : null, id: doc._id });

/**
 * The condition of a source of cases without a deadline, sorted by _id: the summary has no nextDeadline (the projection
 * never stores null there), and case ids are strings (a cursor's `_id: { $gt }` replaces that, and says it too). Both
 * let FerretDB on PostgreSQL read such a source in the order of the index { open, nextDeadline, _id } and stop at the
 * limit (scripts/ferretdb/postgresql-sorted-find.patch): `$exists: false` is a range of that index where `$eq: null`
 * is two, and PostgreSQL's jsonb orders strings as MongoDB does, but not values of different types.
 */
const UNDATED = { nextDeadline: { $exists: false }, _id: { $type: 'string' } } as const;

/** Store order: deadline ascending with none last, then id by code unit (ids are ASCII, so this is MongoDB's order). */
function compareKeys(a: SortKey, b: SortKey): number {
  if (a.d !== b.d) {
    if (a.d === null) return 1;
    if (b.d === null) return -1;
    return a.d - b.d;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One query over open cases that answers in sort order: `dated` sources hold cases with a deadline only and sort by
 * {nextDeadline, _id} (the index {open, nextDeadline, _id}); the others hold cases without one and sort by _id.
 */
interface Source {
  dated: boolean;
  filter: Filter;
  /** Upper bound of the source's deadlines: a cursor past it skips the source. */
  until?: Date;
}

/**
 * Reads the page after `after`: groups in order, each group's cases sorting after every case of the groups before it,
 * so a later group is read only when the earlier ones did not fill the page. Each source is read with the cursor's
 * condition, sorted and limited by the store; the group's sources are merged (a case can match more than one).
 * Answers up to limit + 1 cases, so the caller knows whether there is a next page.
 */
async function readPage(ctx: CaseApiContext, groups: Source[][], after: SortKey | undefined, limit: number): Promise<CaseDocument[]> {
  const Case = caseModel(ctx.store);
  const want = limit + 1;
  const out: CaseDocument[] = [];
  for (const group of groups) {
    const reads = group
      .filter((s) => !(s.dated && after && (after.d === null || (s.until && after.d > s.until.getTime()))))
      .map((s) => {
        // Keyset condition: only cases after the cursor. The deadline's lower bound joins the source's range on the
        // top-level field, where MongoDB's index bounds and FerretDB's pushdown to PostgreSQL both see it; the $or
        // only settles ties (FerretDB evaluates it itself, over what the pushed-down conditions let through).
        let filter: Filter = s.filter;
        if (after && s.dated && after.d !== null) {
          const at = new Date(after.d);
          const range = { ...(s.filter.nextDeadline as Record<string, unknown>), $gte: at };
          filter = { ...filter, nextDeadline: range, $or: [{ nextDeadline: { $gt: at } }, { _id: { $gt: after.id } }] };
        } else if (after && !s.dated && after.d === null) {
          filter = { ...filter, _id: { $gt: after.id } };
        }
        return Case.find(filter)
          .sort(s.dated ? { nextDeadline: 1, _id: 1 } : { _id: 1 })
          .limit(want - out.length)
          .lean<CaseDocument[]>()
          .exec();
      });
    if (reads.length === 0) continue;
    const byId = new Map<string, CaseDocument>();
    for (const doc of (await Promise.all(reads)).flat()) byId.set(doc._id, doc);
    const merged = [...byId.values()].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    out.push(...merged.slice(0, want - out.length));
    if (out.length >= want) break;
  }
  return out;
}

interface Measure {
  asOf: number;
  /** asOf + within. */
  horizon: number;
  /** asOf - idleFor, when idleness counts. */
  idleSince?: number;
}

function reasonsFor(doc: CaseDocument, m: Measure): Reason[] {
  const deadline = doc.nextDeadline ? new Date(doc.nextDeadline).getTime() : undefined;
  const reasons: Reason[] = [];
  if (deadline !== undefined && deadline <= m.asOf) reasons.push('deadline_breached');
  else if (deadline !== undefined && deadline <= m.horizon) reasons.push('deadline_within_window');
  if (m.idleSince !== undefined && new Date(doc.lastTransitionAt).getTime() <= m.idleSince) reasons.push('idle');
  if (doc.refundBlocked) reasons.push('refund_blocked');
  if (doc.disputePhase) reasons.push('dispute_open');
  return reasons;
}

function toItem(doc: CaseDocument, m: Measure) {
  const iso = (d: Date) => new Date(d).toISOString();
  return {
    ...toSummary(doc),
    priority: doc.priority ?? undefined,
    waitingOn: doc.waitingOn ?? undefined,
    openBreaches: (doc.openBreaches ?? []).map((b) => ({ clock: b.clock, owingParty: b.owingParty, deadline: iso(b.deadline), breachedAt: iso(b.breachedAt) })),
    escalatedTo: doc.escalatedTo ?? [],
    reasons: reasonsFor(doc, m),
  };
}

/** One page of a list: the items, and the cursor of the next page when there is one. */
async function listPage(ctx: CaseApiContext, groups: Source[][], cursor: Cursor | undefined, digest: string, limit: number, m: Measure) {
  const docs = await readPage(ctx, groups, cursor, limit);
  const page = docs.slice(0, limit);
  const last = page[page.length - 1];
  return {
    asOf: new Date(m.asOf).toISOString(),
    items: page.map((doc) => toItem(doc, m)),
    ...(docs.length > limit && last && { nextCursor: encodeCursor({ ...keyOf(last), t: m.asOf, q: digest }) }),
  };
}

/** Which open cases are stuck, as sources in page order. Every filter is an equality the store can push down. */
function stuckGroups(q: StuckCasesQuery, m: Measure): Source[][] {
  const base: Filter = { open: { $eq: true } };
  const eq = (field: string, value: unknown) => {
    if (value !== undefined) base[field] = { $eq: value };
  };
  eq('kind', q.kind);
  eq('status', q.status);
  eq('owingParty', q.owingParty);
  eq('merchantId', q.merchantId);
  // openClocks holds every running, paused or breached-and-unsatisfied clock: so also nextDeadlineClock and each open
  // breach. Equality on an array field matches an element.
  eq('openClocks', q.clock);
  eq('escalatedTo', q.escalatedTo);
  eq('agentId', q.agentId);
  eq('priority', q.priority);

  const asOf = new Date(m.asOf);
  const horizon = new Date(m.horizon);
  const idle = m.idleSince !== undefined ? { lastTransitionAt: { $lte: new Date(m.idleSince) } } : undefined;
  const dated = (filter: Filter, until?: Date): Source => ({ dated: true, filter: { ...base, ...filter }, ...(until && { until }) });
  const undated = (filter: Filter): Source => ({ dated: false, filter: { ...base, ...filter, ...UNDATED } });

  switch (q.state) {
    case 'breached':
      return [[dated({ nextDeadline: { $lte: asOf } }, asOf)]];
    case 'within':
      return [[dated({ nextDeadline: { $gt: asOf, $lte: horizon } }, horizon)]];
    case 'idle':
      return idle ? [[dated({ ...idle, nextDeadline: { $type: 'date' } })], [undated(idle)]] : [];
    default: {
      // Deadlines up to the horizon first; then the cases stuck otherwise (refund blocked, idle): those whose deadline
      // is later, then those without one. The last two groups are small: they are read only once the first runs out.
      const blocked = { refundBlocked: { $eq: true } };
      const disputed = { disputePhase: { $exists: true } };
      const later = { nextDeadline: { $gt: horizon } };
      return [
        [dated({ nextDeadline: { $lte: horizon } }, horizon)],
        [dated({ ...blocked, ...later }), dated({ ...disputed, ...later }), ...(idle ? [dated({ ...idle, ...later })] : [])],
        [undated(blocked), undated(disputed), ...(idle ? [undated(idle)] : [])],
      ];
    }
  }
}

/**
 * Answers a page with an ETag of what it lists (not of asOf, which moves on every request, nor of the cursor, which
 * holds it): a poll with If-None-Match of an unchanged list answers 304 without a body (Express checks freshness).
 */
function sendPage(res: Response, page: { asOf: string; nextCursor?: string; [key: string]: unknown }): void {
  const { asOf: _asOf, nextCursor, ...listed } = page;
  const tag = crypto.createHash('sha256').update(JSON.stringify([listed, nextCursor !== undefined])).digest('base64url').slice(0, 27);
  res.set({ ETag: `W/"${tag}"`, 'Cache-Control': 'private, no-cache' }).json(page);
}

const PAGING =
  'Most overdue first: next deadline ascending, then case id; cases without a deadline last. Pass nextCursor as cursor (with the same filters) for the next page; every page is measured against the first page’s asOf. A cursor from another list, other filters or another route is refused with 400 (query.cursor).';

export const SUPERVISOR_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/supervisor/stuck-cases',
    roles: SUPERVISOR_ROLES,
    summary: 'Open cases that are stuck: next deadline past or within `within`, idle for `idleFor`, or a refund the payment partner refused',
    description: `${PAGING} Each case says why it is listed (reasons) and who it waits on. The answer's ETag covers the cases listed (not asOf): If-None-Match with it answers 304 while they are unchanged.`,
    query: StuckCasesQuery,
    responses: { 200: json('A page of stuck cases with who owes the next action and by when', StuckCasesDoc), ...COMMON_RESPONSES },
    async handle(ctx, { query: q }, res) {
      const { limit, cursor: rawCursor, ...filters } = q;
      const digest = queryDigest('stuck-cases', filters);
      const cursor = rawCursor === undefined ? undefined : decodeCursor(rawCursor, digest);
      const asOf = cursor?.t ?? Date.now();
      const m: Measure = { asOf, horizon: asOf + durationMs(q.within), ...(q.idleFor && { idleSince: asOf - durationMs(q.idleFor) }) };
      sendPage(res, await listPage(ctx, stuckGroups(q, m), cursor, digest, limit, m));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/queues/:role',
    roles: QUEUE_ROLES,
    summary: 'A role’s queue: open cases with an open escalation to the role',
    description: `${PAGING} A senior agent reads the ${SENIOR_AGENT_QUEUES.join(' and ')} queues only (403 for the others).`,
    params: queueRoleParam,
    query: QueueQuery,
    responses: { 200: json('A page of the queue', QueueDoc), ...COMMON_RESPONSES },
    async handle(ctx, { caller, params: { role }, query: q }, res) {
      if (caller.role === 'senior_agent' && !SENIOR_AGENT_QUEUES.includes(role)) {
        throw new ProblemError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: `a senior agent reads the ${SENIOR_AGENT_QUEUES.join(' and ')} queues only` });
      }
      const digest = queryDigest(`queue:${role}`, {});
      const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, digest);
      const asOf = cursor?.t ?? Date.now();
      const base = { open: { $eq: true }, escalatedTo: { $eq: role } };
      const groups: Source[][] = [
        [{ dated: true, filter: { ...base, nextDeadline: { $type: 'date' } } }],
        [{ dated: false, filter: { ...base, ...UNDATED } }],
      ];
      sendPage(res, { role, ...(await listPage(ctx, groups, cursor, digest, q.limit, { asOf, horizon: asOf })) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/supervisor/bulk-assign',
    roles: SUPERVISOR_ROLES,
    summary: 'Assigns up to 200 open cases to one agent, with a reason; each case answers for itself',
    description: 'Each case gets the assign command (audited with the reason); a case that refuses it, is closed or unknown is listed with its error and the others go on.',
    body: BulkAssignBody,
    bodyExample: { caseIds: ['case-3f2a9c0e1b7d4a65c8e91f20'], agentId: 'agent-7', reason: 'rebalancing the morning queue' },
    responses: { 200: json('One result per case: assigned (with its status) or failed (with status, code and detail)', BulkAssignResultDoc), ...COMMON_RESPONSES },
    async handle(ctx, { caller, body }, res) {
      const assign = { args: [{ agentId: body.agentId, reason: body.reason, actor: actorOf(caller) }] as [CommandPayloads['assign']] };
      const outcomes = await sendToEach(ctx, body.caseIds, (handle) => executeCommandUpdate(ctx, handle, commandUpdates.assign, assign));
      const results = outcomes.map((o) => (o.ok ? { caseId: o.caseId, outcome: 'assigned' as const, status: o.value.status } : { caseId: o.caseId, outcome: 'failed' as const, error: o.error }));
      res.json({ agentId: body.agentId, assigned: results.filter((r) => r.outcome === 'assigned').length, failed: results.filter((r) => r.outcome === 'failed').length, results });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/supervisor/case-counts',
    roles: SUPERVISOR_ROLES,
    summary: 'Case counts grouped by kind, status, owing party or merchant',
    query: CaseCountsQuery,
    responses: { 200: json('Counts', CaseCountsDoc), ...COMMON_RESPONSES },
    async handle(ctx, { query: q }, res) {
      const match = q.open === undefined ? {} : { open: { $eq: q.open } };
      const rows = await caseModel(ctx.store)
        .aggregate<{ _id: unknown; count: number }>([{ $match: match }, { $group: { _id: `$${q.by}`, count: { $sum: 1 } } }])
        .exec();
      const counts = rows
        .map((r) => ({ value: r._id === undefined || r._id === null ? null : String(r._id), count: r.count }))
        .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
      res.json({ by: q.by, counts });
    },
  }),
];
