/**
 * Partner adapters against the partner sandbox over real HTTP (sandbox on an ephemeral port in
 * this process). Proves the adapters' failure classification and that a refund happens exactly
 * once whatever fails and is retried with the same idempotency key.
 */
import { createServer } from 'node:net';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createPartnerActivities,
  partnerUrlsFor,
  PartnerFailureType,
  postJson,
  type IssueRefundInput,
  type IssueRefundResult,
  type PartnerActivities,
} from '../../activities/partners';
import { loadRuntimeConfig } from '../../config/env';
import { startSandbox, type RefundRecord, type RequestLogEntry, type RunningSandbox } from '../../sandbox/app';

let sandbox: RunningSandbox;
let partners: PartnerActivities;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  partners = createPartnerActivities({ urls: partnerUrlsFor(sandbox.url), timeoutMs: 5_000 });
});

afterEach(async () => {
  await control('POST', '/reset');
  expect(sandbox.state.timers.size).toBe(0);
});

afterAll(async () => {
  await sandbox?.close();
});

// ---------- helpers ----------

async function control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.url}/_control${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const addFault = (fault: { route: string; mode: 'fail' | 'delay' | 'timeout' | 'refuse'; times?: number; status?: number; delayMs?: number }) =>
  control('POST', '/faults', fault);

const ledger = async (): Promise<RefundRecord[]> => (await control<{ refunds: RefundRecord[] }>('GET', '/refunds')).refunds;

const requestLog = async (route: string): Promise<RequestLogEntry[]> =>
  (await control<{ requests: RequestLogEntry[] }>('GET', `/requests?route=${encodeURIComponent(route)}`)).requests;

function refundInput(overrides: Partial<IssueRefundInput> = {}): IssueRefundInput {
  return { idempotencyKey: 'case-1:refund:1', caseId: 'case-1', orderId: 'order-1', amountCents: 12_900, currency: 'CNY', ...overrides };
}

/** Awaits a rejection and asserts it is an ApplicationFailure. */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err: unknown = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

/** What Temporal's activity retry policy does: call again while the failure is retryable. */
async function retryLikeTemporal<T>(attempt: () => Promise<T>, maxAttempts = 10): Promise<{ result: T; failures: ApplicationFailure[] }> {
  const failures: ApplicationFailure[] = [];
  for (;;) {
    try {
      return { result: await attempt(), failures };
    } catch (err) {
      if (!(err instanceof ApplicationFailure) || err.nonRetryable || failures.length + 1 >= maxAttempts) throw err;
      failures.push(err);
    }
  }
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

// ---------- tests ----------

describe('partner URLs (config/env.ts)', () => {
  it('defaults every partner to the sandbox plus its prefix', () => {
    expect(loadRuntimeConfig({}).partnerUrls).toEqual({
      merchant: 'http://127.0.0.1:4100/merchant',
      courier: 'http://127.0.0.1:4100/courier',
      payment: 'http://127.0.0.1:4100/payment',
      notification: 'http://127.0.0.1:4100/notifications',
      erp: 'http://127.0.0.1:4100/erp',
      oncall: 'http://127.0.0.1:4100/oncall',
      warehouse: 'http://127.0.0.1:4100/warehouse',
      repair: 'http://127.0.0.1:4100/repair',
    });
  });

  it('follows a moved sandbox port', () => {
    expect(loadRuntimeConfig({ SANDBOX_PORT: '4300' }).partnerUrls.payment).toBe('http://127.0.0.1:4300/payment');
  });

  it('takes PARTNER_SANDBOX_URL and per-partner overrides', () => {
    const { partnerUrls: urls } = loadRuntimeConfig({
      PARTNER_SANDBOX_URL: 'http://sandbox:9000/',
      PAYMENT_API_URL: 'https://pay.example.com/v2/',
      ERP_API_URL: '',
    });
    expect(urls.payment).toBe('https://pay.example.com/v2');
    expect(urls.erp).toBe('http://sandbox:9000/erp');
    expect(urls.oncall).toBe('http://sandbox:9000/oncall');
  });
});

describe('sandbox basics', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${sandbox.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('requires an Idempotency-Key on partner calls', async () => {
    const res = await fetch(`${sandbox.url}/payment/refunds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ caseId: 'c', orderId: 'o', amountCents: 1, currency: 'CNY', method: 'original' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'idempotency_key_missing' });
    expect(await ledger()).toHaveLength(0);
  });

  it('rejects a fault for an unknown route', async () => {
    await expect(addFault({ route: '/payment/refundz', mode: 'fail' })).rejects.toThrow(/400/);
  });
});

describe('each adapter against the sandbox', () => {
  it('notifyMerchant', async () => {
    const r = await partners.notifyMerchant({
      idempotencyKey: 'case-1:merchant:review-requested',
      caseId: 'case-1',
      merchantId: 'm-1',
      event: 'return_requested',
      message: 'Customer requests a return of order-1',
    });
    expect(r.notificationId).toEqual(expect.any(String));
    const records = await control<{ merchantNotifications: unknown[] }>('GET', '/records');
    expect(records.merchantNotifications).toEqual([
      expect.objectContaining({ notificationId: r.notificationId, merchantId: 'm-1', idempotencyKey: 'case-1:merchant:review-requested' }),
    ]);
  });

  it('requestCourierPickup', async () => {
    const r = await partners.requestCourierPickup({
      idempotencyKey: 'case-1:pickup:1',
      caseId: 'case-1',
      orderId: 'order-1',
      address: { city: 'Hangzhou', line1: '1 Example Road' },
    });
    expect(r).toEqual({ pickupId: expect.any(String), trackingNumber: expect.stringMatching(/^SBX\d{12}$/) });
  });

  it('checkOutboundWeight: default agrees, a preset answer is returned for its order', async () => {
    const plain = await partners.checkOutboundWeight({ idempotencyKey: 'case-2:weight', caseId: 'case-2', orderId: 'order-2' });
    expect(plain).toEqual({ recordedWeightGrams: 1000, measuredWeightGrams: 1000, mismatch: false });

    await control('POST', '/weights', { orderId: 'order-3', recordedWeightGrams: 1500, measuredWeightGrams: 1180 });
    const preset = await partners.checkOutboundWeight({
      idempotencyKey: 'case-3:weight',
      caseId: 'case-3',
      orderId: 'order-3',
      trackingNumber: 'SBX000000000001',
    });
    expect(preset).toEqual({ recordedWeightGrams: 1500, measuredWeightGrams: 1180, mismatch: true });
  });

  it('fileCourierClaim (charged to the monthly settlement)', async () => {
    const r = await partners.fileCourierClaim({ idempotencyKey: 'case-4:claim', caseId: 'case-4', reason: 'transit damage', amountCents: 4_500 });
    expect(r.claimId).toEqual(expect.any(String));
    const records = await control<{ courierClaims: Array<{ settlement: string }> }>('GET', '/records');
    expect(records.courierClaims).toEqual([expect.objectContaining({ claimId: r.claimId, settlement: 'monthly', amountCents: 4_500 })]);
  });

  it('issueRefund (to the original method)', async () => {
    const r = await partners.issueRefund(refundInput());
    expect(r).toEqual({ refundId: expect.any(String), status: 'succeeded' });
    expect(await ledger()).toEqual([
      expect.objectContaining({ refundId: r.refundId, orderId: 'order-1', amountCents: 12_900, currency: 'CNY', method: 'original' }),
    ]);
  });

  it('notifyCustomer', async () => {
    const r = await partners.notifyCustomer({
      idempotencyKey: 'case-1:notify:refund-issued',
      caseId: 'case-1',
      channel: 'sms',
      template: 'refund_issued',
      variables: { amount: '129.00' },
    });
    expect(r.messageId).toEqual(expect.any(String));
  });

  it('notifyStaff: a message to a role queue, kept by the sandbox; a replay with the key answers the same', async () => {
    const input = { idempotencyKey: 'case-1:escalation:1', caseId: 'case-1', role: 'senior_agent', message: 'the customer rejected the remedy' };
    const r = await partners.notifyStaff(input);
    expect(await partners.notifyStaff(input)).toEqual(r);
    const records = (await (await fetch(`${sandbox.url}/_control/records`)).json()) as { staffNotifications: Array<{ messageId: string; role: string }> };
    expect(records.staffNotifications).toEqual([expect.objectContaining({ messageId: r.messageId, role: 'senior_agent', caseId: 'case-1' })]);
  });

  it('createReshipOrder', async () => {
    const r = await partners.createReshipOrder({
      idempotencyKey: 'case-5:reship',
      caseId: 'case-5',
      orderId: 'order-5',
      items: [{ sku: 'SKU-1', quantity: 1 }],
    });
    expect(r.erpOrderId).toEqual(expect.any(String));
  });

  it('pageOnCall', async () => {
    const r = await partners.pageOnCall({ idempotencyKey: 'case-6:page:safety', caseId: 'case-6', severity: 'critical', message: 'safety incident not handled within 2 h' });
    expect(r.pageId).toEqual(expect.any(String));
  });

  it('runs inside a Temporal activity context', async () => {
    const env = new MockActivityEnvironment();
    const r: IssueRefundResult = await env.run(partners.issueRefund, refundInput({ idempotencyKey: 'case-7:refund', caseId: 'case-7' }));
    expect(r.status).toBe('succeeded');
  });
});

describe('idempotency', () => {
  it('same key → same refundId, and the ledger shows one refund', async () => {
    const first = await partners.issueRefund(refundInput());
    const second = await partners.issueRefund(refundInput());
    expect(second.refundId).toBe(first.refundId);
    expect(await ledger()).toHaveLength(1);
    const log = await requestLog('/payment/refunds');
    expect(log.map((r) => r.outcome)).toEqual(['processed', 'replayed']);
  });

  it('concurrent calls with the same key refund once', async () => {
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => partners.issueRefund(refundInput())));
    expect(new Set(results.map((r) => r.refundId)).size).toBe(1);
    expect(await ledger()).toHaveLength(1);
  });

  it('same key with a different body → non-retryable IdempotencyKeyReused', async () => {
    await partners.issueRefund(refundInput());
    const f = await failureOf(partners.issueRefund(refundInput({ amountCents: 99_900 })));
    expect(f.type).toBe(PartnerFailureType.IdempotencyKeyReused);
    expect(f.nonRetryable).toBe(true);
    expect(await ledger()).toHaveLength(1);
  });

  it('a call without an idempotency key never leaves the adapter', async () => {
    const f = await failureOf(partners.issueRefund(refundInput({ idempotencyKey: '' })));
    expect(f.type).toBe(PartnerFailureType.InvalidPartnerCall);
    expect(f.nonRetryable).toBe(true);
    expect(await requestLog('/payment/refunds')).toHaveLength(0);
  });
});

describe('failure classification', () => {
  it("fault 'fail' → retryable PartnerUnavailable, nothing refunded; the retry succeeds", async () => {
    await addFault({ route: '/payment/refunds', mode: 'fail', times: 1 });
    const f = await failureOf(partners.issueRefund(refundInput()));
    expect(f.type).toBe(PartnerFailureType.PartnerUnavailable);
    expect(f.nonRetryable).toBe(false);
    expect(f.details?.[0]).toMatchObject({ status: 503, code: 'injected_failure' });
    expect(await ledger()).toHaveLength(0);

    const r = await partners.issueRefund(refundInput());
    expect(r.status).toBe('succeeded');
    expect(await ledger()).toHaveLength(1);
  });

  it("fault 'fail' with 429 is retryable too", async () => {
    await addFault({ route: '/erp/reship-orders', mode: 'fail', status: 429 });
    const f = await failureOf(
      partners.createReshipOrder({ idempotencyKey: 'k', caseId: 'c', orderId: 'o', items: [{ sku: 's', quantity: 1 }] }),
    );
    expect(f.type).toBe(PartnerFailureType.PartnerUnavailable);
    expect(f.nonRetryable).toBe(false);
  });

  it("fault 'refuse' on payment → non-retryable RefundRefused, nothing refunded", async () => {
    await addFault({ route: '/payment/refunds', mode: 'refuse' });
    const f = await failureOf(partners.issueRefund(refundInput()));
    expect(f.type).toBe(PartnerFailureType.RefundRefused);
    expect(f.nonRetryable).toBe(true);
    expect(await ledger()).toHaveLength(0);
  });

  it("fault 'refuse' on another partner → non-retryable PartnerRefused", async () => {
    await addFault({ route: '/merchant/notifications', mode: 'refuse' });
    const f = await failureOf(
      partners.notifyMerchant({ idempotencyKey: 'k', caseId: 'c', merchantId: 'm', event: 'e', message: 'x' }),
    );
    expect(f.type).toBe(PartnerFailureType.PartnerRefused);
    expect(f.nonRetryable).toBe(true);
  });

  it('business refusals: amount <= 0 and above the per-order cap', async () => {
    const zero = await failureOf(partners.issueRefund(refundInput({ amountCents: 0 })));
    expect(zero.type).toBe(PartnerFailureType.RefundRefused);
    expect(zero.details?.[0]).toMatchObject({ status: 422, code: 'refund_refused', reason: 'amount_not_positive' });

    await control('POST', '/refund-caps', { orderId: 'order-9', capCents: 10_000 });
    await partners.issueRefund(refundInput({ idempotencyKey: 'case-9:refund:1', orderId: 'order-9', amountCents: 6_000 }));
    const over = await failureOf(partners.issueRefund(refundInput({ idempotencyKey: 'case-9:refund:2', orderId: 'order-9', amountCents: 6_000 })));
    expect(over.type).toBe(PartnerFailureType.RefundRefused);
    expect(over.nonRetryable).toBe(true);
    expect(over.details?.[0]).toMatchObject({ reason: 'exceeds_refundable_amount' });
    expect(await ledger()).toHaveLength(1);
  });

  it('a request the partner finds invalid (400) → non-retryable PartnerRejected', async () => {
    const f = await failureOf(partners.createReshipOrder({ idempotencyKey: 'k', caseId: 'c', orderId: 'o', items: [] }));
    expect(f.type).toBe(PartnerFailureType.PartnerRejected);
    expect(f.nonRetryable).toBe(true);
  });

  it('connection refused → retryable PartnerUnreachable', async () => {
    const port = await closedPort();
    const f = await failureOf(postJson(`http://127.0.0.1:${port}/payment/refunds`, {}, { idempotencyKey: 'k', timeoutMs: 2_000 }));
    expect(f.type).toBe(PartnerFailureType.PartnerUnreachable);
    expect(f.nonRetryable).toBe(false);
  });
});

describe('the double-refund trap', () => {
  it("fault 'timeout': the refund happens, the client times out (retryable); the retry with the same key gets the original refund", async () => {
    const impatient = createPartnerActivities({ urls: partnerUrlsFor(sandbox.url), timeoutMs: 300 });
    await addFault({ route: '/payment/refunds', mode: 'timeout' });

    const f = await failureOf(impatient.issueRefund(refundInput()));
    expect(f.type).toBe(PartnerFailureType.PartnerTimeout);
    expect(f.nonRetryable).toBe(false);
    const afterTimeout = await ledger();
    expect(afterTimeout).toHaveLength(1); // the side effect happened, the client never learned it

    const retry = await impatient.issueRefund(refundInput());
    expect(retry.refundId).toBe(afterTimeout[0].refundId);
    expect(await ledger()).toHaveLength(1);

    const log = await requestLog('/payment/refunds');
    expect(log).toEqual([
      expect.objectContaining({ fault: 'timeout', outcome: 'processed', held: true, delivered: false }),
      expect.objectContaining({ fault: null, outcome: 'replayed', delivered: true }),
    ]);
    // The held response was released when the client hung up: no 30 s timer left behind.
    await until(() => sandbox.state.timers.size === 0);
  });

  it('fail, fail, time out, then succeed under retries: exactly one refund', async () => {
    const impatient = createPartnerActivities({ urls: partnerUrlsFor(sandbox.url), timeoutMs: 300 });
    await addFault({ route: '/payment/refunds', mode: 'fail', times: 2 });
    await addFault({ route: '/payment/refunds', mode: 'timeout', times: 1 });

    const { result, failures } = await retryLikeTemporal(() => impatient.issueRefund(refundInput()));
    expect(failures.map((f) => f.type)).toEqual(['PartnerUnavailable', 'PartnerUnavailable', 'PartnerTimeout']);
    const refunds = await ledger();
    expect(refunds).toHaveLength(1);
    expect(result.refundId).toBe(refunds[0].refundId);
  });

  it("fault 'delay' longer than the client timeout: the late original and the retry still refund once", async () => {
    const impatient = createPartnerActivities({ urls: partnerUrlsFor(sandbox.url), timeoutMs: 200 });
    await addFault({ route: '/payment/refunds', mode: 'delay', delayMs: 600 });

    const f = await failureOf(impatient.issueRefund(refundInput()));
    expect(f.type).toBe(PartnerFailureType.PartnerTimeout);
    const retry = await impatient.issueRefund(refundInput()); // overtakes the still-delayed original
    expect(await ledger()).toHaveLength(1);
    await until(async () => (await requestLog('/payment/refunds')).every((r) => r.outcome !== 'pending'));

    const refunds = await ledger();
    expect(refunds).toHaveLength(1);
    expect(retry.refundId).toBe(refunds[0].refundId);
    // The original is processed last, after its delay, and finds the retry's result under its key.
    expect((await requestLog('/payment/refunds')).map((r) => [r.fault, r.outcome, r.delivered])).toEqual([
      ['delay', 'replayed', false],
      [null, 'processed', true],
    ]);
  });

  it("fault 'delay' shorter than the client timeout just slows the answer", async () => {
    await addFault({ route: '/oncall/pages', mode: 'delay', delayMs: 150 });
    const started = Date.now();
    const r = await partners.pageOnCall({ idempotencyKey: 'k', caseId: 'c', severity: 'high', message: 'm' });
    expect(r.pageId).toEqual(expect.any(String));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('inside an activity context the per-attempt timeout still applies (retryable PartnerTimeout)', async () => {
    const impatient = createPartnerActivities({ urls: partnerUrlsFor(sandbox.url), timeoutMs: 300 });
    await addFault({ route: '/payment/refunds', mode: 'timeout' });
    const env = new MockActivityEnvironment();
    const f = await failureOf(env.run(impatient.issueRefund, refundInput()));
    expect(f.type).toBe(PartnerFailureType.PartnerTimeout);
    expect(f.nonRetryable).toBe(false);
    expect(await ledger()).toHaveLength(1);
  });

  it('cancelling the activity aborts the call (CancelledFailure), the refund still recorded once', async () => {
    await addFault({ route: '/payment/refunds', mode: 'timeout' });
    const env = new MockActivityEnvironment();
    const running = env.run(partners.issueRefund, refundInput());
    await until(async () => (await requestLog('/payment/refunds')).some((r) => r.held));
    env.cancel();
    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
    expect(await ledger()).toHaveLength(1);
  });
});

describe('held responses never outlive the sandbox', () => {
  it('reset releases a held response (the socket is dropped)', async () => {
    await addFault({ route: '/payment/refunds', mode: 'timeout' });
    const pending = fetch(`${sandbox.url}/payment/refunds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'held-1' },
      body: JSON.stringify({ caseId: 'c', orderId: 'o', amountCents: 100, currency: 'CNY', method: 'original' }),
    });
    const outcome = pending.then(
      () => 'answered',
      () => 'dropped',
    );
    await until(() => sandbox.state.timers.size === 1);
    await control('POST', '/reset');
    expect(await outcome).toBe('dropped');
    expect(sandbox.state.timers.size).toBe(0);
  });

  it('close() releases held responses and returns promptly', async () => {
    const other = await startSandbox({ port: 0 });
    await fetch(`${other.url}/_control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ route: '/courier/claims', mode: 'timeout' }),
    });
    const pending = fetch(`${other.url}/courier/claims`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'held-2' },
      body: JSON.stringify({ caseId: 'c', reason: 'loss', amountCents: 100 }),
    }).then(
      () => 'answered',
      () => 'dropped',
    );
    await until(() => other.state.timers.size === 1);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBe('dropped');
    expect(other.state.timers.size).toBe(0);
  });
});
