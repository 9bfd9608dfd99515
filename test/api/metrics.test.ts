import request from 'supertest';
import { ApiHarness, KEYS, returnBody, startApiHarness } from './harness';

/** GET /metrics on the API: Prometheus text for supervisors and admins, with the cases opened and the store's counts. */
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
});
