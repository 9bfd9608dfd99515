import request from 'supertest';
import { ApiHarness, KEYS, returnBody, startApiHarness } from './harness';
import { HOUR, seedCases } from './seed';

/** GET /metrics on the API: Prometheus text for supervisors and admins, with the cases opened and the store's counts. */
const T0 = Date.UTC(2026, 10, 2, 9);
describe('API metrics', () => {
  let harness: ApiHarness;

  beforeAll(async () => {
    harness = await startApiHarness();
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  });

  it('counts requests and opened cases, reads the store, and is refused to other roles', async () => {
    const api = () => request(harness.app);
    const opened = await api().post('/cases').set('Authorization', `Bearer ${KEYS.agent}`).set('Idempotency-Key', 'metrics-test-0001').send(returnBody());
    expect(opened.status).toBe(201);

    expect((await api().get('/metrics').set('Authorization', `Bearer ${KEYS.agent}`)).status).toBe(403);
    const scraped = await api().get('/metrics').set('Authorization', `Bearer ${KEYS.supervisor}`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain/);
    expect(scraped.text).toContain('cases_opened_total{kind="return"} 1');
    expect(scraped.text).toContain('api_requests_total{method="POST",route="/cases",status="201"} 1');
    expect(scraped.text).toContain('api_requests_total{method="GET",route="/metrics",status="403"} 1');
    expect(scraped.text).toContain('case_store_up 1');
    expect(scraped.text).toMatch(/^process_cpu_seconds_total \d/m);
  });

  it('reads the SLA clocks of stored cases by outcome, their warnings, and escalations by role', async () => {
    const clock = (status: 'running' | 'breached' | 'satisfied', warned = false) => ({
      name: 'metrics_probe',
      owner: 'merchant' as const,
      deadline: T0 + 24 * HOUR,
      status,
      warned,
      ...(status === 'satisfied' && { satisfiedAt: T0 + HOUR }),
    });
    await seedCases(harness.store, [
      { id: 'metrics-1', openedAt: T0, clocks: [clock('breached', true)], escalations: [{ to: 'platform', at: T0 + 24 * HOUR, clock: 'metrics_probe' }] },
      { id: 'metrics-2', openedAt: T0, clocks: [clock('breached')], escalations: [{ to: 'platform', at: T0 + 24 * HOUR }, { to: 'cs_lead', at: T0 + 30 * HOUR }] },
      { id: 'metrics-3', openedAt: T0, clocks: [clock('satisfied', true)] },
      { id: 'metrics-4', openedAt: T0, clocks: [clock('running')] },
    ]);
    const scraped = await request(harness.app).get('/metrics').set('Authorization', `Bearer ${KEYS.admin}`);
    expect(scraped.status).toBe(200);
    const lines = scraped.text.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'sla_clocks_stored{clock="metrics_probe",outcome="breached"} 2',
      'sla_clocks_stored{clock="metrics_probe",outcome="met"} 1',
      'sla_clocks_stored{clock="metrics_probe",outcome="pending"} 1',
      'sla_warnings_stored{clock="metrics_probe"} 2',
      'escalations_stored{role="platform"} 2',
      'escalations_stored{role="cs_lead"} 1',
    ]));
  });
});
