/**
 * A kind added through the registry alone: the test's price-protection kind (test/kinds/) is registered here, in the
 * API's process and in the worker's workflow bundle, and driven through the API and a workflow with no other change.
 * The README's list of the files a new kind touches is held against what this kind needed.
 */
import '../kinds/register-definitions';
import '../kinds/register-playbooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadPolicy } from '../../config/policy';
import { writeCaseWorkflowBundle } from '../../worker/workflow-bundle';
import { ApiHarness, caseInStatus, caseWhen, KEYS, returnBody, startApiHarness } from './harness';

const auth = (key: string) => ({ Authorization: `Bearer ${key}` });

function priceProtectionBody(newPriceCents: number) {
  return { ...returnBody(), description: 'The kettle is 60.00 cheaper a week after I bought it.', details: { kind: 'price_protection', sku: 'kettle-1', newPriceCents } };
}

describe('a kind registered in test code only', () => {
  let h: ApiHarness;
  let bundleDir: string;
  beforeAll(async () => {
    bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'extra-kind-'));
    const bundle = path.join(bundleDir, 'workflow-bundle.js');
    await writeCaseWorkflowBundle(bundle, { sharedCodePath: require.resolve('../kinds/shared-code') });
    // The merchant answers within 3 s here: the silent case closes by default within the test.
    h = await startApiHarness({ policy: { ...loadPolicy({}), merchantReviewReminder: { minutes: 0.01 }, merchantReviewTimeout: { minutes: 0.05 } }, workflowBundlePath: bundle });
  }, 240_000);
  afterAll(async () => {
    await h?.stop();
    fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  const api = () => request(h.app);
  const open = (key: string, body: object) => api().post('/cases').set(auth(KEYS.agent)).set('Idempotency-Key', key).send(body);

  it('is in the OpenAPI document: its details, its facts and its command route', async () => {
    const doc = (await api().get('/openapi.json')).body;
    expect(JSON.stringify(doc.components.schemas.KindDetails)).toContain('price_protection');
    expect(doc.components.schemas.CaseFacts.properties).toHaveProperty('priceDifferenceCents');
    expect(doc.paths).toHaveProperty(['/cases/{id}/commands/answer-price-protection']);
  });

  it('opens, runs its playbook and closes on the merchant’s answer', async () => {
    const created = await open(`pp-answer-${Date.now()}`, priceProtectionBody(19_900));
    expect(created.status).toBe(201);
    const caseId = created.body.caseId as string;
    const waiting = await caseInStatus(h, caseId, 'awaiting_price_protection_answer');
    expect(waiting).toMatchObject({ kind: 'price_protection', owingParty: 'merchant', nextDeadlineClock: 'price_protection_answer', facts: { priceDifferenceCents: 6_000 } });

    const refused = await api().post(`/cases/${caseId}/commands/answer-price-protection`).set(auth(KEYS.customer)).send({ decision: 'approve' });
    expect(refused.status).toBe(403);
    const malformed = await api().post(`/cases/${caseId}/commands/answer-price-protection`).set(auth(KEYS['merchant-a'])).send({ decision: 'maybe' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.decision']);

    const answered = await api().post(`/cases/${caseId}/commands/answer-price-protection`).set(auth(KEYS['merchant-a'])).send({ decision: 'reject', reason: 'the drop was a flash sale' });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'closed', outcome: 'rejected' });
    expect(answered.body.clocks.find((c: { name: string }) => c.name === 'price_protection_answer')).toMatchObject({ status: 'satisfied' });

    const listed = await api().get('/cases?kind=price_protection').set(auth(KEYS.supervisor));
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
  });

  it('approves by default when the merchant stays silent past its deadline', async () => {
    const created = await open(`pp-silent-${Date.now()}`, priceProtectionBody(20_000));
    expect(created.status).toBe(201);
    const closed = await caseWhen(h, created.body.caseId, (v: { status: string }) => v.status === 'closed', 30_000);
    expect(closed).toMatchObject({ outcome: 'approved_by_default', breached: true });
  });

  it('refuses at intake what its definition refuses, and opens nothing', async () => {
    const key = `pp-no-drop-${Date.now()}`;
    const noDrop = await open(key, priceProtectionBody(25_900));
    expect(noDrop.status).toBe(422);
    expect(noDrop.body).toMatchObject({ code: 'no_price_drop', errors: [{ field: 'body.details.newPriceCents' }] });

    const { order: _order, ...withoutOrder } = priceProtectionBody(19_900);
    const noOrder = await open(`pp-no-order-${Date.now()}`, withoutOrder);
    expect(noOrder.status).toBe(400);
    expect(noOrder.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.order']);
  });

  it('refuses a kind that has a definition but no playbook', async () => {
    const res = await open(`unplayed-${Date.now()}`, { ...returnBody(), details: { kind: 'unplayed' } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('unsupported_case_kind');
  });
});

describe('the README’s list of what a new kind touches', () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const block = /<!-- new-kind-files -->([\s\S]*?)<!-- \/new-kind-files -->/.exec(readme)?.[1] ?? '';
  const files = [...block.matchAll(/^\s*[-*] `([^`]+)`/gm)].map((m) => m[1]);

  it('names five files or fewer, each of them there for an existing kind', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(5);
    for (const file of files) expect(fs.existsSync(path.join(__dirname, '../..', file.replace('<kind>', 'maintenance')))).toBe(true);
  });

  it('covers what the test kind needed: a definition, a playbook and one registration of each (test/kinds/)', () => {
    expect(files).toEqual(expect.arrayContaining(['workflows/kinds/<kind>/definition.ts', 'workflows/kinds/<kind>/playbook.ts', 'workflows/kinds/index.ts', 'workflows/kinds/playbooks.ts']));
  });
});
