/**
 * Supervisor read side over a seeded case store: GET /supervisor/stuck-cases and GET /queues/:role. Every list is
 * compared, page by page, with a reference model of the seeds (filter, then sort by deadline with none last, then id),
 * measured at the asOf the API answers with, so nothing depends on how long the run takes.
 */
import request from 'supertest';
import { toCaseProjection } from '../../activities/store/case-activities';
import { caseModel } from '../../activities/store/case-model';
import { durationMs } from '../../api/schemas';
import type { Party } from '../../workflows/domain/parties';
import { ApiHarness, KEYS, startApiHarness } from './harness';
import { HOUR, seedCases, seedView, type SeedCase } from './seed';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const now = Date.now();
const DAY = 24 * HOUR;

// ---- seeds ----

/**
 * 30 breached cases of one merchant, deadlines 1..30 h ago in an order unlike their ids' and their insertion order. Two
 * share a deadline (26 h ago) and fall on both sides of the first page boundary at 5 a page.
 */
const sortCases: SeedCase[] = Array.from({ length: 30 }, (_, i) => {
  const hoursAgo = i === 17 ? 26 : ((i * 11) % 30) + 1;
  return {
    id: `sup-sort-${String((i * 7) % 30).padStart(2, '0')}`,
    merchantId: 'sup-sort',
    status: 'awaiting_return_shipment',
    openedAt: now - 10 * DAY,
    lastTransitionAt: now - 2 * HOUR,
    clocks: [{ name: 'ship_back', owner: 'customer', deadline: now - hoursAgo * HOUR, ...(i % 2 === 0 && { status: 'breached' as const }) }],
    ...(i % 3 === 0 && { escalations: [{ to: 'senior_agent' as const, at: now - HOUR }] }),
  };
});

const cases: SeedCase[] = [
  // Breached and still owed, with a later clock running: stays listed after its deadline, in the platform's queue.
  {
    id: 'sup-b1',
    merchantId: 'sup-m1',
    agentId: 'agent-1',
    priority: 'high',
    openedAt: now - 3 * DAY,
    lastTransitionAt: now - 6 * HOUR,
    clocks: [
      { name: 'merchant_review', owner: 'merchant', deadline: now - 5 * HOUR, status: 'breached' },
      { name: 'ship_back', owner: 'customer', deadline: now + 30 * HOUR },
    ],
    escalations: [{ to: 'platform', at: now - 4 * HOUR, clock: 'merchant_review' }],
  },
  // The deadline passed but the workflow has not marked the clock breached yet (a timer late under load).
  {
    id: 'sup-b2',
    kind: 'exchange',
    status: 'awaiting_return_shipment',
    merchantId: 'sup-m2',
    openedAt: now - 2 * DAY,
    lastTransitionAt: now - 3 * HOUR,
    clocks: [{ name: 'ship_back', owner: 'customer', deadline: now - 2 * HOUR }],
  },
  // Breached, then done late: no longer owed; the next deadline is a running clock 10 h ahead.
  {
    id: 'sup-b3',
    merchantId: 'sup-m2',
    openedAt: now - 2 * DAY,
    lastTransitionAt: now - HOUR,
    clocks: [
      { name: 'merchant_review', owner: 'merchant', deadline: now - 8 * HOUR, status: 'breached', satisfiedAt: now - HOUR },
      { name: 'inspection', owner: 'merchant', deadline: now + 10 * HOUR },
    ],
  },
  // Due within a few hours.
  {
    id: 'sup-w1',
    status: 'awaiting_inspection',
    merchantId: 'sup-m1',
    priority: 'urgent',
    openedAt: now - DAY,
    lastTransitionAt: now - 2 * HOUR,
    clocks: [{ name: 'inspection', owner: 'merchant', deadline: now + 2 * HOUR }],
  },
  // A paused clock (open, but not the next deadline) and a running one 20 h ahead.
  {
    id: 'sup-w2',
    kind: 'feedback',
    status: 'awaiting_customer',
    merchantId: 'sup-m2',
    priority: 'low',
    openedAt: now - DAY,
    lastTransitionAt: now - 5 * HOUR,
    clocks: [
      { name: 'customer_reply', owner: 'customer', deadline: now + HOUR, status: 'paused' },
      { name: 'first_response', owner: 'agent', deadline: now + 20 * HOUR },
    ],
  },
  // Idle for three days, no deadline; escalated to the CS lead and a senior agent since its last status change.
  {
    id: 'sup-i1',
    kind: 'feedback',
    status: 'registered',
    merchantId: 'sup-m1',
    agentId: 'agent-2',
    openedAt: now - 5 * DAY,
    lastTransitionAt: now - 3 * DAY,
    statusChangedAt: now - 3 * DAY,
    escalations: [
      { to: 'cs_lead', at: now - 2 * DAY },
      { to: 'senior_agent', at: now - 2 * DAY },
    ],
  },
  // Idle for two days, its deadline 50 h ahead.
  {
    id: 'sup-i2',
    merchantId: 'sup-m2',
    openedAt: now - 4 * DAY,
    lastTransitionAt: now - 2 * DAY,
    clocks: [{ name: 'merchant_review', owner: 'merchant', deadline: now + 50 * HOUR }],
  },
  // A refund the payment partner refused: without a deadline, and with one 30 h ahead.
  {
    id: 'sup-r1',
    status: 'refund_due',
    merchantId: 'sup-m1',
    openedAt: now - 6 * DAY,
    lastTransitionAt: now - HOUR,
    escalations: [{ to: 'platform', at: now - HOUR }],
    refundBlocked: true,
  },
  {
    id: 'sup-r2',
    status: 'refund_due',
    merchantId: 'sup-m2',
    openedAt: now - 6 * DAY,
    lastTransitionAt: now - HOUR,
    clocks: [{ name: 'refund_start', owner: 'merchant', deadline: now + 30 * HOUR }],
    refundBlocked: true,
  },
  // Healthy: a deadline three days ahead, recent activity.
  {
    id: 'sup-n1',
    merchantId: 'sup-m1',
    openedAt: now - DAY,
    lastTransitionAt: now - HOUR,
    clocks: [{ name: 'merchant_review', owner: 'merchant', deadline: now + 72 * HOUR }],
  },
  // Closed with a breached clock and an escalation: never listed, in no queue.
  {
    id: 'sup-c1',
    status: 'closed',
    merchantId: 'sup-m1',
    openedAt: now - 9 * DAY,
    lastTransitionAt: now - 2 * DAY,
    closedAt: now - 2 * DAY,
    clocks: [{ name: 'merchant_review', owner: 'merchant', deadline: now - 3 * DAY, status: 'breached' }],
    escalations: [{ to: 'platform', at: now - 3 * DAY }],
    refundBlocked: true,
  },
  // Escalated to the platform, then the case moved on: the escalation is answered, the queue no longer holds it.
  {
    id: 'sup-e1',
    merchantId: 'sup-m2',
    openedAt: now - 2 * DAY,
    lastTransitionAt: now - 5 * HOUR,
    statusChangedAt: now - 5 * HOUR,
    escalations: [{ to: 'platform', at: now - 10 * HOUR }],
    clocks: [{ name: 'inspection', owner: 'merchant', deadline: now + 40 * HOUR }],
  },
  ...sortCases,
];

// ---- reference model ----

interface Modeled {
  id: string;
  open: boolean;
  deadline: number | null;
  owingParty?: string;
  openClocks: string[];
  escalatedTo: Party[];
  lastTransitionAt: number;
  refundBlocked: boolean;
  kind: string;
  status: string;
  merchantId?: string;
  agentId?: string;
  priority?: string;
}

function model(c: SeedCase): Modeled {
  const open = c.closedAt === undefined;
  const clocks = open ? (c.clocks ?? []) : [];
  const owed = clocks.filter((k) => (k.status ?? 'running') === 'running' || (k.status === 'breached' && k.satisfiedAt === undefined));
  const next = [...owed].sort((a, b) => a.deadline - b.deadline)[0];
  const statusChangedAt = c.statusChangedAt ?? c.openedAt;
  return {
    id: c.id,
    open,
    deadline: next?.deadline ?? null,
    owingParty: next?.owner,
    openClocks: clocks.filter((k) => owed.includes(k) || k.status === 'paused').map((k) => k.name),
    escalatedTo: open ? (c.escalations ?? []).filter((e) => e.at >= statusChangedAt).map((e) => e.to) : [],
    lastTransitionAt: c.lastTransitionAt ?? statusChangedAt,
    refundBlocked: c.refundBlocked === true,
    kind: c.kind ?? 'return',
    status: c.status ?? 'awaiting_merchant_review',
    merchantId: c.merchantId ?? 'seed-m1',
    agentId: c.agentId,
    priority: c.priority,
  };
}

const modeled = cases.map(model);

function sortByDeadline(list: Modeled[]): string[] {
  return [...list]
    .sort((a, b) => {
      if (a.deadline !== b.deadline) return a.deadline === null ? 1 : b.deadline === null ? -1 : a.deadline - b.deadline;
      return a.id < b.id ? -1 : 1;
    })
    .map((m) => m.id);
}

/** What GET /supervisor/stuck-cases should list for these query parameters, measured at asOf. */
function expectedStuck(q: Record<string, string>, asOf: number): string[] {
  const horizon = asOf + durationMs(q.within ?? 'PT0S');
  const idleSince = q.idleFor ? asOf - durationMs(q.idleFor) : undefined;
  return sortByDeadline(
    modeled.filter((m) => {
      if (!m.open) return false;
      if (q.kind && m.kind !== q.kind) return false;
      if (q.status && m.status !== q.status) return false;
      if (q.owingParty && m.owingParty !== q.owingParty) return false;
      if (q.merchantId && m.merchantId !== q.merchantId) return false;
      if (q.clock && !m.openClocks.includes(q.clock)) return false;
      if (q.escalatedTo && !m.escalatedTo.includes(q.escalatedTo as Party)) return false;
      if (q.agentId && m.agentId !== q.agentId) return false;
      if (q.priority && m.priority !== q.priority) return false;
      const breached = m.deadline !== null && m.deadline <= asOf;
      const within = m.deadline !== null && m.deadline > asOf && m.deadline <= horizon;
      const idle = idleSince !== undefined && m.lastTransitionAt <= idleSince;
      if (q.state === 'breached') return breached;
      if (q.state === 'within') return within;
      if (q.state === 'idle') return idle;
      return breached || within || idle || m.refundBlocked;
    }),
  );
}

const expectedQueue = (role: Party) => sortByDeadline(modeled.filter((m) => m.open && m.escalatedTo.includes(role)));

// ---- tests ----

interface Page {
  asOf: string;
  items: Array<{ caseId: string; reasons: string[] } & Record<string, unknown>>;
  nextCursor?: string;
}

describe('supervisor read side: stuck cases and role queues', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
    await seedCases(h.store, cases);
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  const api = () => request(h.app);

  /** Every page of a list, following nextCursor; checks each page's size and that asOf stays the first page's. */
  async function allPages(path: string, query: Record<string, string>, limit: number, key = KEYS.supervisor) {
    const pages: Page[] = [];
    let cursor: string | undefined;
    do {
      const res = await api()
        .get(path)
        .query({ ...query, limit: String(limit), ...(cursor && { cursor }) })
        .set(auth(key));
      expect([path, query, res.status, res.body.errors]).toEqual([path, query, 200, undefined]);
      const page = res.body as Page;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.nextCursor) expect(page.items).toHaveLength(limit);
      if (pages.length > 0) expect(page.asOf).toBe(pages[0].asOf);
      pages.push(page);
      cursor = page.nextCursor;
      if (pages.length > 50) throw new Error(`${path} does not stop paging`);
    } while (cursor);
    return { pages, ids: pages.flatMap((p) => p.items.map((i) => i.caseId)), asOf: Date.parse(pages[0].asOf), items: pages.flatMap((p) => p.items) };
  }

  it('sorts before it limits: 30 breached cases, 5 a page, most overdue first across pages, none twice or missed', async () => {
    const { pages, ids, asOf } = await allPages('/supervisor/stuck-cases', { merchantId: 'sup-sort' }, 5);
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(pages[5].nextCursor).toBeUndefined();
    expect(new Set(ids).size).toBe(30);
    expect(ids).toEqual(expectedStuck({ merchantId: 'sup-sort' }, asOf));
    // The most overdue case (30 h) leads, although it is neither the first inserted nor the lowest id.
    const mostOverdue = sortCases.reduce((a, b) => (a.clocks![0].deadline <= b.clocks![0].deadline ? a : b));
    expect(ids[0]).toBe(mostOverdue.id);
    expect(ids[0]).not.toBe(sortCases[0].id);
    // Two cases share a deadline: they come by id, across the boundary between the first and second page.
    const tied = [sortCases[5].id, sortCases[17].id].sort();
    expect([pages[0].items[4].caseId, pages[1].items[0].caseId]).toEqual(tied);
    const deadlines = pages.flatMap((p) => p.items.map((i) => Date.parse(i.nextDeadline as string)));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
  });

  it('pages the same list for a page size of 1, 4 and 500', async () => {
    const whole = await allPages('/supervisor/stuck-cases', { within: 'P2D', idleFor: 'P1D' }, 500);
    expect(whole.pages).toHaveLength(1);
    expect(whole.ids).toEqual(expectedStuck({ within: 'P2D', idleFor: 'P1D' }, whole.asOf));
    for (const limit of [1, 4]) {
      const paged = await allPages('/supervisor/stuck-cases', { within: 'P2D', idleFor: 'P1D' }, limit);
      expect(paged.ids).toEqual(expectedStuck({ within: 'P2D', idleFor: 'P1D' }, paged.asOf));
    }
  });

  const filterCases: Array<Record<string, string>> = [
    {},
    { within: 'PT4H' },
    { within: 'P2D', idleFor: 'P1D' },
    { idleFor: 'P1D' },
    { state: 'breached' },
    { state: 'within', within: 'P1D' },
    { state: 'idle', idleFor: 'P1D' },
    { state: 'idle', idleFor: 'PT1H', merchantId: 'sup-m2' },
    { kind: 'exchange' },
    { kind: 'feedback', within: 'P1D', idleFor: 'P1D' },
    { status: 'awaiting_inspection', within: 'PT4H' },
    { status: 'refund_due' },
    { owingParty: 'customer' },
    { owingParty: 'merchant', within: 'P3D' },
    { merchantId: 'sup-m1', idleFor: 'P1D' },
    { merchantId: 'sup-m2', within: 'P3D' },
    { clock: 'customer_reply', within: 'P1D' },
    { clock: 'merchant_review' },
    { clock: 'ship_back', state: 'within', within: 'P2D' },
    { escalatedTo: 'platform' },
    { escalatedTo: 'senior_agent', idleFor: 'P1D' },
    { escalatedTo: 'cs_lead', state: 'idle', idleFor: 'P2D' },
    { agentId: 'agent-1' },
    { agentId: 'agent-2', idleFor: 'P2D' },
    { priority: 'urgent', within: 'PT4H' },
    { priority: 'low', within: 'P1D' },
    { priority: 'high', kind: 'return', merchantId: 'sup-m1', agentId: 'agent-1', owingParty: 'merchant', clock: 'merchant_review', escalatedTo: 'platform', state: 'breached' },
  ];

  it.each(filterCases.map((q) => [new URLSearchParams(q).toString() || '(no filter)', q] as const))('filters: %s', async (_label, q) => {
    const { ids, asOf } = await allPages('/supervisor/stuck-cases', q, 4);
    expect(ids).toEqual(expectedStuck(q, asOf));
  });

  it('lists what each filter names, and nothing closed (explicit cases)', async () => {
    const ids = async (q: Record<string, string>) => (await allPages('/supervisor/stuck-cases', q, 100)).ids;
    expect(await ids({ merchantId: 'sup-m1' })).toEqual(['sup-b1', 'sup-r1']);
    expect(await ids({ merchantId: 'sup-m2' })).toEqual(['sup-b2', 'sup-r2']);
    expect(await ids({ merchantId: 'sup-m1', within: 'PT4H', idleFor: 'P1D' })).toEqual(['sup-b1', 'sup-w1', 'sup-i1', 'sup-r1']);
    expect(await ids({ merchantId: 'sup-m2', state: 'within', within: 'P1D' })).toEqual(['sup-b3', 'sup-w2']);
    expect(await ids({ merchantId: 'sup-m2', state: 'idle', idleFor: 'P1D' })).toEqual(['sup-i2']);
    expect(await ids({ kind: 'exchange' })).toEqual(['sup-b2']);
    expect(await ids({ clock: 'customer_reply', within: 'P1D' })).toEqual(['sup-w2']);
    expect(await ids({ escalatedTo: 'platform' })).toEqual(['sup-b1', 'sup-r1']);
    expect(await ids({ agentId: 'agent-2', idleFor: 'P2D' })).toEqual(['sup-i1']);
    expect(await ids({ priority: 'urgent', within: 'PT4H' })).toEqual(['sup-w1']);
    expect(await ids({ status: 'refund_due' })).toEqual(['sup-r2', 'sup-r1']);
    // The closed case has a breached clock, a refusal and an escalation: it is in no list at all.
    for (const q of filterCases) expect(await ids(q)).not.toContain('sup-c1');
    // Answered escalation, healthy case: only when their deadline falls in the window.
    expect(await ids({ within: 'P1D', idleFor: 'P1D' })).not.toContain('sup-e1');
    expect(await ids({ merchantId: 'sup-m1', within: 'P4D' })).toContain('sup-n1');
  });

  it('keeps a breached clock listed after its deadline, with who owes it and why', async () => {
    const { items, asOf } = await allPages('/supervisor/stuck-cases', { merchantId: 'sup-m1', within: 'PT4H', idleFor: 'P1D' }, 100);
    const b1 = items.find((i) => i.caseId === 'sup-b1');
    expect(b1).toEqual({
      caseId: 'sup-b1',
      kind: 'return',
      status: 'awaiting_merchant_review',
      merchantId: 'sup-m1',
      customerId: 'seed-c1',
      agentId: 'agent-1',
      openedAt: new Date(now - 3 * DAY).toISOString(),
      lastTransitionAt: new Date(now - 6 * HOUR).toISOString(),
      nextDeadline: new Date(now - 5 * HOUR).toISOString(),
      nextDeadlineClock: 'merchant_review',
      owingParty: 'merchant',
      // Whom the case waits on is the projection's call (workflows/domain/case-summary.ts); the route passes it on.
      waitingOn: toCaseProjection(seedView(cases[0])).summary.waitingOn,
      openBreaches: [{ clock: 'merchant_review', owingParty: 'merchant', deadline: new Date(now - 5 * HOUR).toISOString(), breachedAt: new Date(now - 5 * HOUR).toISOString() }],
      escalated: true,
      escalatedTo: ['platform'],
      breached: true,
      refundBlocked: false,
      priority: 'high',
      reasons: ['deadline_breached'],
    });
    expect(asOf).toBeGreaterThan(now - 5 * HOUR);
    // A late timer: the deadline passed but the clock is not marked breached yet; listed as breached all the same.
    const late = await allPages('/supervisor/stuck-cases', { state: 'breached', merchantId: 'sup-m2' }, 10);
    expect(late.ids).toEqual(['sup-b2']);
    expect(late.items[0]).toMatchObject({ reasons: ['deadline_breached'], breached: false, openBreaches: [], owingParty: 'customer', waitingOn: 'customer' });
    expect(cases[0].id).toBe('sup-b1');
    // Breached and then done: not owed any more, so not listed as breached.
    expect((await allPages('/supervisor/stuck-cases', { state: 'breached', merchantId: 'sup-m2' }, 10)).ids).not.toContain('sup-b3');
    const reasons = Object.fromEntries(items.map((i) => [i.caseId, i.reasons]));
    expect(reasons).toEqual({ 'sup-b1': ['deadline_breached'], 'sup-w1': ['deadline_within_window'], 'sup-i1': ['idle'], 'sup-r1': ['refund_blocked'] });
  });

  describe('role queues', () => {
    it('lists the open cases escalated to the role, most overdue first, paged by cursor', async () => {
      const platform = await allPages('/queues/platform', {}, 100);
      expect(platform.ids).toEqual(['sup-b1', 'sup-r1']);
      expect(platform.ids).toEqual(expectedQueue('platform'));
      expect(platform.items[0]).toMatchObject({ escalatedTo: ['platform'], reasons: ['deadline_breached'] });
      for (const limit of [1, 3, 100]) {
        const senior = await allPages('/queues/senior_agent', {}, limit);
        expect(senior.ids).toEqual(expectedQueue('senior_agent'));
      }
      expect(expectedQueue('senior_agent')).toHaveLength(11);
      expect((await allPages('/queues/cs_lead', {}, 100)).ids).toEqual(['sup-i1']);
      expect((await allPages('/queues/safety_owner', {}, 100)).ids).toEqual([]);
      const res = await api().get('/queues/platform').set(auth(KEYS.admin));
      expect(res.body.role).toBe('platform');
    });

    it('lets a senior agent read its own queue and the CS lead’s only; other roles not at all', async () => {
      expect((await api().get('/queues/senior_agent').set(auth(KEYS['senior-agent']))).status).toBe(200);
      expect((await api().get('/queues/cs_lead').set(auth(KEYS['senior-agent']))).status).toBe(200);
      const platform = await api().get('/queues/platform').set(auth(KEYS['senior-agent']));
      expect([platform.status, platform.body.code]).toEqual([403, 'forbidden']);
      expect(platform.headers['content-type']).toMatch(/^application\/problem\+json/);
      for (const key of [KEYS.agent, KEYS['merchant-a'], KEYS.customer, KEYS.courier]) expect((await api().get('/queues/senior_agent').set(auth(key))).status).toBe(403);
    });
  });

  describe('bad input', () => {
    async function snapshot() {
      const docs = await caseModel(h.store).find({}).sort({ _id: 1 }).lean().exec();
      return JSON.stringify(docs);
    }

    async function expect400(path: string, field: string, key = KEYS.supervisor) {
      const res = await api().get(path).set(auth(key));
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect([path, res.body.code]).toEqual([path, 'validation_failed']);
      expect([path, res.body.errors.map((e: { field: string }) => e.field)]).toEqual([path, [field]]);
    }

    it('answers 400 problem+json naming the field, and changes nothing', async () => {
      const before = await snapshot();
      const other = await api().get('/supervisor/stuck-cases').query({ merchantId: 'sup-sort', limit: '2' }).set(auth(KEYS.supervisor));
      const stuckCursor = other.body.nextCursor as string;
      expect(stuckCursor).toEqual(expect.any(String));
      const list = await api().get('/cases').query({ limit: '1' }).set(auth(KEYS.supervisor));
      const listCursor = list.body.nextCursor as string;
      expect(listCursor).toEqual(expect.any(String));
      const queue = await api().get('/queues/senior_agent').query({ limit: '1' }).set(auth(KEYS.supervisor));
      const queueCursor = queue.body.nextCursor as string;
      expect(queueCursor).toEqual(expect.any(String));

      const stuck = '/supervisor/stuck-cases';
      await expect400(`${stuck}?sort=nextDeadline`, 'query.sort');
      await expect400(`${stuck}?within=5x`, 'query.within');
      await expect400(`${stuck}?within=PT`, 'query.within');
      await expect400(`${stuck}?idleFor=P1Y`, 'query.idleFor');
      await expect400(`${stuck}?state=stale`, 'query.state');
      await expect400(`${stuck}?state=idle`, 'query.idleFor');
      await expect400(`${stuck}?state=within`, 'query.within');
      await expect400(`${stuck}?state=within&within=PT0S`, 'query.within');
      await expect400(`${stuck}?kind=repair_job`, 'query.kind');
      await expect400(`${stuck}?owingParty=nobody`, 'query.owingParty');
      await expect400(`${stuck}?escalatedTo=nobody`, 'query.escalatedTo');
      await expect400(`${stuck}?priority=whenever`, 'query.priority');
      await expect400(`${stuck}?clock=Merchant%20Review`, 'query.clock');
      await expect400(`${stuck}?status=%7B%22%24gt%22%3A%22%22%7D`, 'query.status');
      await expect400(`${stuck}?merchantId[$ne]=x`, 'query.merchantId[$ne]');
      await expect400(`${stuck}?merchantId=a&merchantId=b`, 'query.merchantId');
      for (const limit of ['0', '501', 'abc', '1.5']) await expect400(`${stuck}?limit=${limit}`, 'query.limit');
      // Cursors: garbage, a cursor of GET /cases, of other filters, of a queue.
      await expect400(`${stuck}?cursor=!!`, 'query.cursor');
      await expect400(`${stuck}?cursor=eyJhIjoxfQ`, 'query.cursor');
      await expect400(`${stuck}?cursor=${listCursor}`, 'query.cursor');
      await expect400(`${stuck}?merchantId=sup-m1&limit=2&cursor=${stuckCursor}`, 'query.cursor');
      await expect400(`${stuck}?cursor=${queueCursor}`, 'query.cursor');
      // Queues: unknown role, unknown parameter, bad limit, a cursor of another queue or list.
      await expect400('/queues/nobody', 'path.role');
      await expect400('/queues/%24where', 'path.role');
      await expect400('/queues/nobody', 'path.role', KEYS['senior-agent']);
      await expect400('/queues/platform?state=breached', 'query.state');
      await expect400('/queues/platform?limit=0', 'query.limit');
      await expect400(`/queues/cs_lead?cursor=${queueCursor}`, 'query.cursor');
      await expect400(`/queues/senior_agent?cursor=${stuckCursor}`, 'query.cursor');
      await expect400(`/cases?cursor=${stuckCursor}`, 'query.cursor');
      // The same cursor with its own query pages on.
      const next = await api().get(stuck).query({ merchantId: 'sup-sort', limit: '2', cursor: stuckCursor }).set(auth(KEYS.supervisor));
      expect(next.status).toBe(200);
      expect(await snapshot()).toBe(before);
    });

    it('600 random queries: each answers 200 or 400 problem+json, never 5xx or a stack trace, and the store stays as it was', async () => {
      const before = await snapshot();
      let seed = 7;
      const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
      const keys = ['within', 'idleFor', 'state', 'kind', 'status', 'owingParty', 'merchantId', 'clock', 'escalatedTo', 'agentId', 'priority', 'limit', 'cursor', 'merchantId[$ne]', '__proto__[x]', 'sort'];
      const values = ['PT4H', 'P1D', 'P0D', 'breached', 'within', 'idle', 'return', 'platform', 'sup-m1', 'merchant_review', 'urgent', '5', '0', '-1', '1e9', '{"$gt":""}', 'eyJ2IjoxfQ', "' OR 1=1 --", 'x'.repeat(500), '', '%00'];
      const failures: string[] = [];
      for (let batch = 0; batch < 24; batch++) {
        await Promise.all(
          Array.from({ length: 25 }, async () => {
            const parts = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => `${encodeURIComponent(pick(keys))}=${encodeURIComponent(pick(values))}`);
            const path = `${pick(['/supervisor/stuck-cases', '/queues/platform', '/queues/senior_agent', `/queues/${pick(values)}`])}?${parts.join('&')}`;
            const res = await api().get(path).set(auth(pick([KEYS.supervisor, KEYS.admin, KEYS['senior-agent']])));
            if (res.status >= 500) failures.push(`${path} → ${res.status} ${res.text.slice(0, 200)}`);
            if (![200, 400, 403, 404].includes(res.status)) failures.push(`${path} → ${res.status}`);
            if (res.status !== 200 && !res.headers['content-type']?.startsWith('application/problem+json')) failures.push(`${path}: not problem+json`);
            if (/\bat .+\.(ts|js):\d+/.test(res.text)) failures.push(`${path} leaked a stack trace`);
          }),
        );
      }
      expect(failures).toEqual([]);
      expect(await snapshot()).toBe(before);
    });

    it('403 for roles other than supervisors and admins; 401 without a key', async () => {
      for (const key of [KEYS.agent, KEYS['senior-agent'], KEYS['merchant-a'], KEYS.customer]) expect((await api().get('/supervisor/stuck-cases').set(auth(key))).status).toBe(403);
      expect((await api().get('/supervisor/stuck-cases')).status).toBe(401);
      expect((await api().get('/queues/platform')).status).toBe(401);
    });
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await api().get('/openapi.json')).body;
    const stuck = doc.paths['/supervisor/stuck-cases'].get;
    const params = stuck.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['within', 'idleFor', 'state', 'kind', 'status', 'owingParty', 'merchantId', 'clock', 'escalatedTo', 'agentId', 'priority', 'limit', 'cursor']));
    expect(stuck.responses).toEqual(expect.objectContaining({ 200: expect.anything(), 400: expect.anything(), 403: expect.anything() }));
    const queue = doc.paths['/queues/{role}'].get;
    expect(queue.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:role', 'query:limit', 'query:cursor']));
    expect(queue.description).toMatch(/senior_agent/);
    const item = doc.components.schemas.StuckCase;
    expect(JSON.stringify(item)).toEqual(expect.stringContaining('openBreaches'));
  });
});
