import request from 'supertest';
import { caseModel } from '../../activities/store/case-model';
import { commandPath, commandRoles, ROUTE_ROLES } from '../../api/cases';
import { QUEUE_ROLES, SUPERVISOR_ROLES } from '../../api/supervisor';
import { CALLBACK_ROUTES } from '../../api/callbacks';
import { API_ROLES, DEV_API_KEYS, type ApiRole } from '../../config/api-keys';
import { COMMAND_NAMES } from '../../workflows/messages';
import { ApiHarness, KEYS, returnBody, startApiHarness } from './harness';

const UNKNOWN = 'case-ffffffffffffffffffffffff';

interface RouteProbe {
  name: string;
  method: 'get' | 'post';
  path: string;
  roles: readonly string[];
  /** Status an allowed role gets for this deliberately unusable request. */
  allowedStatus: number;
  headers?: Record<string, string>;
  body?: object;
}

const probes: RouteProbe[] = [
  { name: 'open case', method: 'post', path: '/cases', roles: ROUTE_ROLES.create, allowedStatus: 400, headers: { 'Idempotency-Key': 'matrix-key-0001' }, body: { nope: 1 } },
  { name: 'list cases', method: 'get', path: '/cases?limit=0', roles: ROUTE_ROLES.list, allowedStatus: 400 },
  { name: 'read case', method: 'get', path: `/cases/${UNKNOWN}`, roles: ROUTE_ROLES.read, allowedStatus: 404 },
  { name: 'audit', method: 'get', path: `/cases/${UNKNOWN}/audit`, roles: ROUTE_ROLES.audit, allowedStatus: 404 },
  { name: 'clocks', method: 'get', path: `/cases/${UNKNOWN}/clocks`, roles: ROUTE_ROLES.clocks, allowedStatus: 404 },
  { name: 'actions', method: 'get', path: `/cases/${UNKNOWN}/actions`, roles: ROUTE_ROLES.actions, allowedStatus: 404 },
  ...COMMAND_NAMES.map((name): RouteProbe => ({ name: `command ${name}`, method: 'post', path: commandPath(name).replace(':id', UNKNOWN), roles: commandRoles(name), allowedStatus: 400, body: { unknownField: true } })),
  { name: 'stuck cases', method: 'get', path: '/supervisor/stuck-cases?within=soon', roles: SUPERVISOR_ROLES, allowedStatus: 400 },
  { name: 'case counts', method: 'get', path: '/supervisor/case-counts?by=nothing', roles: SUPERVISOR_ROLES, allowedStatus: 400 },
  { name: 'role queue', method: 'get', path: '/queues/nobody', roles: QUEUE_ROLES, allowedStatus: 400 },
  // Every partner's callback, from the route table: each for its partner's role and admins.
  ...CALLBACK_ROUTES.map((route): RouteProbe => ({ name: `callback ${route.path}`, method: 'post', path: route.path, roles: route.roles as ApiRole[], allowedStatus: 400, body: {} })),
];

// The route roles the matrix probes come from the app; pin the ones that differ from the rest, so the matrix cannot
// drift with them: a decision on a refund the payment partner refused, a review override and a deadline's extension,
// pause or resumption are the platform's alone, and so are a dispute's requests for evidence, rulings and re-reviews.
const PLATFORM_ONLY_COMMANDS = ['resolve_blocked_refund', 'override_review', 'extend_deadline', 'pause_deadline', 'resume_deadline', 'request_info', 'rule_dispute', 'rule_appeal'];

describe('authorisation matrix and fuzzing', () => {
  it('every command route is for case staff, merchants and customers (no command is the warehouse’s), but platform decisions for supervisors and admins only', () => {
    for (const name of COMMAND_NAMES) {
      expect([name, [...commandRoles(name)].sort()]).toEqual([name, PLATFORM_ONLY_COMMANDS.includes(name) ? ['admin', 'supervisor'] : [...ROUTE_ROLES.command].sort()]);
    }
    expect([...ROUTE_ROLES.command].sort()).toEqual(['admin', 'agent', 'customer', 'merchant', 'senior_agent', 'supervisor']);
  });


  let h: ApiHarness;
  let caseId: string;
  beforeAll(async () => {
    h = await startApiHarness();
    const res = await request(h.app).post('/cases').set('X-API-Key', KEYS.agent).set('Idempotency-Key', 'fuzz-target-0001').send(returnBody());
    expect(res.status).toBe(201);
    caseId = res.body.caseId;
    // Let the case settle in merchant review so nothing but the fuzz could change it.
    for (let i = 0; i < 100; i++) {
      const view = await request(h.app).get(`/cases/${caseId}`).set('X-API-Key', KEYS.agent);
      if (view.body.status === 'awaiting_merchant_review') break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  function send(probe: Pick<RouteProbe, 'method' | 'path' | 'headers' | 'body'>, key?: string) {
    let req = request(h.app)[probe.method](probe.path);
    if (key) req = req.set('Authorization', `Bearer ${key}`);
    for (const [k, v] of Object.entries(probe.headers ?? {})) req = req.set(k, v);
    return probe.body === undefined ? req : req.send(probe.body);
  }

  it('each partner callback is for its partner and admins only', () => {
    expect(CALLBACK_ROUTES.map((route) => [route.path, [...route.roles].sort()])).toEqual([
      ['/callbacks/courier', ['admin', 'courier']],
      ['/callbacks/payment', ['admin', 'payment']],
      ['/callbacks/repair', ['admin', 'repair_provider']],
      ['/callbacks/service', ['admin', 'repair_provider']],
    ]);
  });

  it('every role × every route: 403 for a role the route is not for, past authorisation otherwise; 401 without a key', async () => {
    const keyFor = Object.fromEntries(API_ROLES.map((role) => [role, DEV_API_KEYS.find((k) => k.role === role)!.key]));
    const mismatches: string[] = [];
    for (const probe of probes) {
      const anonymous = await send(probe);
      if (anonymous.status !== 401) mismatches.push(`${probe.name} without key → ${anonymous.status}`);
      for (const role of API_ROLES) {
        const res = await send(probe, keyFor[role]);
        const expected = probe.roles.includes(role) ? probe.allowedStatus : 403;
        if (res.status !== expected) mismatches.push(`${probe.name} as ${role} → ${res.status}, expected ${expected}`);
        if (!res.headers['content-type']?.startsWith('application/problem+json')) mismatches.push(`${probe.name} as ${role}: not problem+json`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('1,200 malformed or random requests: no 5xx, no stack trace, no change to the case', async () => {
    const before = (await request(h.app).get(`/cases/${caseId}`).set('X-API-Key', KEYS.agent)).body;
    const storedBefore = await caseModel(h.store).countDocuments({});
    let seed = 42;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const junkValues: unknown[] = [
      { $gt: '' },
      { $where: 'sleep(1000)' },
      '{"$ne": null}',
      "' OR 1=1 --",
      '<script>alert(1)</script>',
      'x'.repeat(100_000),
      -1,
      1e308,
      null,
      true,
      [],
      [{ $gt: '' }],
      '../../etc/passwd',
      '\u0000',
      { __proto__: { admin: true } },
      { constructor: { prototype: { polluted: 1 } } },
    ];
    const randomValue = (): unknown => (rnd() < 0.6 ? pick(junkValues) : rnd() < 0.5 ? Math.floor(rnd() * 1e6) : Math.random().toString(36).slice(2));
    const randomBody = (): object | string => {
      const r = rnd();
      if (r < 0.15) return pick(['{', '{"a":', '[1,2', 'null', '"str"', '{"caseId": }', 'not json at all']);
      if (r < 0.3) return { ...returnBody(), [pick(['extra', '$set', 'actor', '__proto__'])]: randomValue() };
      if (r < 0.5) return { ...returnBody(), [pick(['channel', 'customer', 'order', 'description', 'evidence', 'details'])]: randomValue() };
      const body: Record<string, unknown> = {};
      const fields = ['caseId', 'dedupKey', 'event', 'at', 'refundId', 'status', 'decision', 'trackingNumber', 'agentId', 'rating', 'actor', 'reason', 'x'];
      for (let i = Math.floor(rnd() * 4); i > 0; i--) body[pick(fields)] = fields.includes('caseId') && rnd() < 0.3 ? caseId : randomValue();
      return body;
    };
    const randomQuery = () => {
      const keys = ['kind', 'status', 'merchantId', 'agentId', 'customerId', 'createdFrom', 'createdTo', 'nextDeadlineBefore', 'escalated', 'breached', 'limit', 'cursor', 'by', 'within', 'idleFor', 'merchantId[$ne]', 'status[$gt]', '__proto__[x]'];
      const parts: string[] = [];
      for (let i = 1 + Math.floor(rnd() * 3); i > 0; i--) {
        const v = randomValue();
        parts.push(`${encodeURIComponent(pick(keys))}=${encodeURIComponent(typeof v === 'string' ? v.slice(0, 2000) : JSON.stringify(v) ?? '')}`);
      }
      return parts.join('&');
    };
    const ids = [caseId, UNKNOWN, '%24where', 'case-%7B%22%24gt%22%3A1%7D', 'x'.repeat(300), '..%2F..%2Fadmin'];
    const keys = [...Object.values(KEYS), 'bogus-key-000000', ''];

    const failures: string[] = [];
    // A random body can still be a valid create (e.g. `customer: {}`): those cases are counted, not forbidden.
    let created = 0;
    const total = 1200;
    for (let batch = 0; batch < total / 25; batch++) {
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          const r = rnd();
          const key = pick(keys);
          let req: request.Test;
          let label: string;
          if (r < 0.3) {
            const path = commandPath(pick(COMMAND_NAMES)).replace(':id', pick(ids));
            label = `POST ${path}`;
            req = request(h.app).post(path);
          } else if (r < 0.45) {
            label = 'POST /cases';
            req = request(h.app).post('/cases').set('Idempotency-Key', `fuzz-${Math.floor(rnd() * 1e9)}`);
          } else if (r < 0.6) {
            const path = pick(CALLBACK_ROUTES.map((route) => route.path));
            label = `POST ${path}`;
            req = request(h.app).post(path);
          } else {
            const path = `${pick(['/cases', '/supervisor/stuck-cases', '/supervisor/case-counts', `/cases/${pick(ids)}`, `/cases/${pick(ids)}/audit`])}?${randomQuery()}`;
            label = `GET ${path.slice(0, 120)}`;
            req = request(h.app).get(path);
          }
          if (key) req = req.set('X-API-Key', key);
          if (label.startsWith('POST')) {
            const body = randomBody();
            req = req.set('Content-Type', 'application/json').send(typeof body === 'string' ? body : JSON.stringify(body));
          }
          const res = await req;
          if (label === 'POST /cases' && res.status === 201) created++;
          if (res.status >= 500) failures.push(`${label} → ${res.status} ${res.text.slice(0, 200)}`);
          if (/\bat .+\.(ts|js):\d+/.test(res.text)) failures.push(`${label} leaked a stack trace`);
        }),
      );
    }
    expect(failures).toEqual([]);

    const after = (await request(h.app).get(`/cases/${caseId}`).set('X-API-Key', KEYS.agent)).body;
    expect(after.version).toBe(before.version);
    expect(after.status).toBe(before.status);
    expect(after.audit.length).toBe(before.audit.length);
    // The store receives the cases the accepted creates opened (written by the worker a moment later), and no other.
    let stored = await caseModel(h.store).countDocuments({});
    for (let i = 0; i < 100 && stored < storedBefore + created; i++) {
      await new Promise((r) => setTimeout(r, 200));
      stored = await caseModel(h.store).countDocuments({});
    }
    expect(stored).toBe(storedBefore + created);
  });
});
