import request from 'supertest';
import { addDuration, DEFAULT_CALENDAR, isWorkingDay, localDate, withYears } from '../../workflows/sla/calendar';
import { ApiHarness, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
const HOUR = 3_600_000;

const feedbackBody = (priority?: string) => ({
  channel: 'phone',
  customer: { name: 'Wang Fang', phone: '+86 139 0000 0000' },
  description: 'The parcel was left in the rain.',
  details: { kind: 'feedback', feedbackType: 'logistics' },
  ...(priority && { priority }),
});

const version = (name: string, overrides: object[] = [], policy: object = {}) => ({ version: name, reason: `testing ${name}`, policy, overrides });
const URGENT = { name: 'urgent-feedback', match: { kinds: ['feedback'], priorities: ['urgent'] }, set: { registration: { minutes: 15 }, firstResponse: { hours: 4 } } };
const PREMIUM = { name: 'premium-merchants', match: { merchantTiers: ['premium'] }, set: { merchantReviewReminder: { hours: 12 }, merchantReviewTimeout: { hours: 24 } } };
const ANY_FEEDBACK = { name: 'any-feedback', match: { kinds: ['feedback'] }, set: { firstResponse: { hours: 12 } } };

describe('policy versions kept in the store', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });
  const api = () => request(h.app);
  const admin = auth(KEYS.admin);

  async function open(key: string, idem: string, body: object) {
    const res = await api().post('/cases').set(auth(key)).set('Idempotency-Key', idem).send(body);
    expect(res.status).toBe(201);
    return res.body as { caseId: string; openedAt: number; policyVersion: string; policyOverride?: string; priority?: string; clocks: Array<{ name: string; deadline: number }> };
  }
  const deadline = (view: { clocks: Array<{ name: string; deadline: number }> }, name: string) => view.clocks.find((c) => c.name === name)!.deadline;

  it('lets only admins read or change policies', async () => {
    for (const key of [KEYS.supervisor, KEYS.agent, KEYS['merchant-a']]) {
      expect((await api().get('/admin/policies').set(auth(key))).status).toBe(403);
      expect((await api().post('/admin/policies').set(auth(key)).send(version('nope'))).status).toBe(403);
    }
    expect((await api().get('/admin/policies').set(admin)).body).toMatchObject({ active: null, fileVersion: '2026.3', versions: [] });
  });

  it('refuses an invalid version listing every problem, and stores nothing', async () => {
    const bad = version(
      'bad-1',
      [{ name: 'late-reminder', match: { merchantTiers: ['premium'] }, set: { merchantReviewReminder: { hours: 30 }, merchantReviewTimeout: { hours: 24 } } }],
      { calendar: { timeZone: 'Mars/Olympus', holidays: ['2026-10-01'], extraWorkingDays: ['2026-10-01'] } },
    );
    const res = await api().post('/admin/policies').set(admin).send(bad);
    expect(res.status).toBe(400);
    // The default's problems and the override's, in one answer (the default's not repeated under the override).
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.overrides.0.set.merchantReviewReminder', 'body.policy.calendar.extraWorkingDays.0', 'body.policy.calendar.timeZone']);
    expect(res.body.errors).toContainEqual({ field: 'body.overrides.0.set.merchantReviewReminder', message: 'must be shorter than merchantReviewTimeout' });
    const fixedCalendar = await api().post('/admin/policies').set(admin).send({ ...bad, policy: {} });
    expect(fixedCalendar.status).toBe(400);
    expect(fixedCalendar.body.errors).toEqual([{ field: 'body.overrides.0.set.merchantReviewReminder', message: 'must be shorter than merchantReviewTimeout' }]);
    // A malformed override beside a bad default and a well-formed override with a problem: all three at once.
    const unknownField = await api()
      .post('/admin/policies')
      .set(admin)
      .send({ ...bad, version: 'bad-2', overrides: [{ ...URGENT, match: { priorities: ['panic'] } }, ...bad.overrides] });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.overrides.0.match.priorities.0',
      'body.overrides.1.set.merchantReviewReminder',
      'body.policy.calendar.extraWorkingDays.0',
      'body.policy.calendar.timeZone',
    ]);
    expect((await api().get('/admin/policies').set(admin)).body.versions).toEqual([]);
    expect((await api().get('/admin/policies/bad-1').set(admin)).status).toBe(404);
  });

  it('applies an activated version to new cases, first matching override, while running cases keep theirs', async () => {
    const before = await open(KEYS.agent, 'policy-before-0001', feedbackBody('urgent'));
    expect(before).toMatchObject({ policyVersion: '2026.3', priority: 'urgent' });
    expect(before.policyOverride).toBeUndefined();

    const created = await api().post('/admin/policies').set(admin).send(version('2026.4', [URGENT, ANY_FEEDBACK, PREMIUM]));
    expect(created.status).toBe(201);
    expect((await api().post('/admin/policies').set(admin).send(version('2026.4'))).status).toBe(409);
    // Created but not active: new cases still open under the file's policy.
    expect((await open(KEYS.agent, 'policy-inactive-0001', feedbackBody('urgent'))).policyVersion).toBe('2026.3');

    const activated = await api().post('/admin/policies/2026.4/activate').set(admin).send({ reason: 'urgent tickets answered sooner' });
    expect(activated.body).toEqual({ active: '2026.4' });
    const urgent = await open(KEYS.agent, 'policy-urgent-0001', feedbackBody('urgent'));
    expect(urgent).toMatchObject({ policyVersion: '2026.4', policyOverride: 'urgent-feedback' });
    expect(deadline(urgent, 'registration') - urgent.openedAt).toBeLessThanOrEqual(15 * 60_000);
    expect(deadline(urgent, 'first_response') - urgent.openedAt).toBeLessThanOrEqual(4 * HOUR);
    const normal = await open(KEYS.agent, 'policy-normal-0001', feedbackBody('normal'));
    expect(normal).toMatchObject({ policyVersion: '2026.4', policyOverride: 'any-feedback' });
    expect(deadline(normal, 'first_response') - normal.openedAt).toBeGreaterThan(11 * HOUR);
    const premium = await open(KEYS.agent, 'policy-premium-0001', { ...returnBody(), order: { ...returnBody().order, merchantTier: 'premium' } });
    expect(premium).toMatchObject({ policyVersion: '2026.4', policyOverride: 'premium-merchants' });
    expect(deadline(premium, 'merchant_review') - premium.openedAt).toBeLessThanOrEqual(24 * HOUR + 60_000);
    const standard = await open(KEYS.agent, 'policy-standard-0001', returnBody());
    expect(standard.policyOverride).toBeUndefined();
    expect(deadline(standard, 'merchant_review') - standard.openedAt).toBeGreaterThan(47 * HOUR);

    const running = (await api().get(`/cases/${before.caseId}`).set(auth(KEYS.agent))).body;
    expect(running.policyVersion).toBe('2026.3');
    expect(deadline(running, 'registration')).toBe(deadline(before, 'registration'));

    const listed = (await api().get('/admin/policies').set(admin)).body;
    expect(listed.active).toBe('2026.4');
    expect(listed.events.map((e: { action: string; version: string; by: string }) => [e.action, e.version, e.by])).toEqual([
      ['activated', '2026.4', 'admin-dev'],
      ['created', '2026.4', 'admin-dev'],
    ]);
    expect((await api().post('/admin/policies/2099.1/activate').set(admin).send({ reason: 'typo' })).status).toBe(404);
  });

  it('takes a year’s holidays from the store for the working-day deadlines of new cases', async () => {
    const bad = { year: 2027, holidays: ['2026-12-31', '2027-01-01', '2027-01-01'], extraWorkingDays: ['2027-01-01'], reason: 'draft' };
    const refused = await api().post('/admin/calendars').set(admin).send(bad);
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.extraWorkingDays.0', 'body.holidays.0', 'body.holidays.2']);
    expect((await api().post('/admin/calendars').set(auth(KEYS.supervisor)).send({ ...bad, holidays: [], extraWorkingDays: [] })).status).toBe(403);
    expect((await api().get('/admin/calendars').set(admin)).body).toEqual({ years: [], history: [], applications: [] });

    // The next two working days become holidays (a typhoon closure, say): the year's list is sent whole.
    const next: string[] = [];
    for (let t = Date.now() + 86_400_000; next.length < 2; t += 86_400_000) if (isWorkingDay(t, DEFAULT_CALENDAR)) next.push(localDate(t, DEFAULT_CALENDAR));
    const years = [...new Set(next.map((d) => Number(d.slice(0, 4))))].map((year) => ({
      year,
      holidays: [...DEFAULT_CALENDAR.holidays.filter((d) => d.startsWith(`${year}-`)), ...next.filter((d) => d.startsWith(`${year}-`))].sort(),
      extraWorkingDays: DEFAULT_CALENDAR.extraWorkingDays.filter((d) => d.startsWith(`${year}-`)),
    }));
    for (const year of years) expect((await api().post('/admin/calendars').set(admin).send({ ...year, reason: 'closure' })).status).toBe(201);
    expect((await api().get('/admin/calendars').set(admin)).body.years.map((y: { year: number }) => y.year)).toEqual(years.map((y) => y.year));

    const ticket = await open(KEYS.agent, 'calendar-after-0001', feedbackBody('normal'));
    const calendar = withYears(DEFAULT_CALENDAR, years);
    expect(deadline(ticket, 'initial_investigation')).toBe(addDuration(ticket.openedAt, { workingDays: 1 }, calendar));
    expect(deadline(ticket, 'initial_investigation')).toBeGreaterThan(addDuration(ticket.openedAt, { workingDays: 1 }, DEFAULT_CALENDAR));
  });

  it('applies a year published after a case opened to the running cases: their working-day deadlines re-timed, audited on the case and in the admin audit', async () => {
    const ticket = await open(KEYS.agent, 'calendar-apply-0001', feedbackBody('normal'));
    const stored = (await api().get('/admin/calendars').set(admin)).body.years as Array<{ year: number; holidays: string[]; extraWorkingDays: string[] }>;
    const before = withYears(DEFAULT_CALENDAR, stored);
    expect(deadline(ticket, 'initial_investigation')).toBe(addDuration(ticket.openedAt, { workingDays: 1 }, before));

    // The first working day after the ticket's day becomes a holiday, published after it opened.
    let t = ticket.openedAt + 86_400_000;
    while (!isWorkingDay(t, before)) t += 86_400_000;
    const day = localDate(t, before);
    const yearOf = Number(day.slice(0, 4));
    const year = { year: yearOf, holidays: [...before.holidays.filter((d) => d.startsWith(`${yearOf}-`)), day].sort(), extraWorkingDays: before.extraWorkingDays.filter((d) => d.startsWith(`${yearOf}-`)) };
    expect((await api().post('/admin/calendars').set(admin).send({ ...year, reason: 'a holiday announced late' })).status).toBe(201);
    const after = withYears(before, [year]);
    const moved = addDuration(ticket.openedAt, { workingDays: 1 }, after);
    expect(moved).toBeGreaterThan(deadline(ticket, 'initial_investigation'));
    // Publishing alone leaves the running ticket as it was.
    expect(deadline((await api().get(`/cases/${ticket.caseId}`).set(auth(KEYS.agent))).body, 'initial_investigation')).toBe(deadline(ticket, 'initial_investigation'));

    expect((await api().post(`/admin/calendars/${yearOf}/apply`).set(auth(KEYS.supervisor)).send({ reason: 'x' })).status).toBe(403);
    const noReason = await api().post(`/admin/calendars/${yearOf}/apply`).set(admin).send({});
    expect([noReason.status, noReason.body.errors?.[0]?.field]).toEqual([400, 'body.reason']);
    const unknown = await api().post('/admin/calendars/2099/apply').set(admin).send({ reason: 'x' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'calendar_year_not_found']);

    const applied = await api().post(`/admin/calendars/${yearOf}/apply`).set(admin).send({ reason: 'State Council notice' });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ year: yearOf, by: 'admin-dev', reason: 'State Council notice', failed: 0, failures: [] });
    expect(applied.body.cases).toBe(applied.body.applied + applied.body.unchanged + applied.body.closed);
    expect(applied.body.retimed).toBe(applied.body.retimedCases.length);
    expect(applied.body.retimedCases).toContainEqual({
      caseId: ticket.caseId,
      clocks: expect.arrayContaining([{ clock: 'initial_investigation', from: new Date(deadline(ticket, 'initial_investigation')).toISOString(), to: new Date(moved).toISOString() }]),
    });
    const view = (await api().get(`/cases/${ticket.caseId}`).set(auth(KEYS.agent))).body;
    expect(deadline(view, 'initial_investigation')).toBe(moved);
    expect(view.audit.find((a: { action: string }) => a.action === 'calendar_applied')).toMatchObject({ actor: { id: 'admin-dev', role: 'admin' }, reason: 'State Council notice', data: { year: yearOf } });

    // The same year again: every case already counts with it.
    const again = (await api().post(`/admin/calendars/${yearOf}/apply`).set(admin).send({ reason: 'once more' })).body;
    expect(again).toMatchObject({ applied: 0, retimed: 0, unchanged: applied.body.applied });
    const audit = (await api().get('/admin/calendars').set(admin)).body.applications;
    expect(audit.map((a: { reason: string; retimed: number }) => [a.reason, a.retimed])).toEqual([
      ['once more', 0],
      ['State Council notice', applied.body.retimed],
    ]);
  });
});
