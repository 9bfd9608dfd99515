import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PORT_VARIABLES, type Ports } from '../../config/env';
import { freePort, spawnService, waitUntil, type ManagedProcess } from '../../scripts/servers/process';
import { KEYS, returnBody } from '../api/harness';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { freePorts } from '../support/free-ports';
import { waitFor } from '../support/wait-for';
import dashboard from '../../config/observability/dashboard.json';

const projectRoot = path.resolve(__dirname, '../..');

/**
 * `npm start`'s system, its processes exporting spans over OTLP to a receiver in this test (TRACE_WORKFLOWS on) and to
 * the Zipkin it runs (TRACE_VIEWER=zipkin), and sending customer e-mail to its mailpit: one return of a customer who has an e-mail address and no phone, in English,
 * goes from open to refund and survey answer through the API.
 */
describe('what an operator sees of one return (npm start with tracing)', () => {
  let system: ManagedProcess;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let ports: Ports;
  let dataDir: string;
  let caseId: string;
  let workerMetricsPort: number;
  let workerMetrics: () => Promise<string>;
  let allUp = false;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    ports = await freePorts();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'observability-'));
    fs.chmodSync(dataDir, 0o711); // as root, PostgreSQL runs as `postgres`, who must pass through it
    workerMetricsPort = await freePort();
    workerMetrics = async () => (await fetch(`http://127.0.0.1:${workerMetricsPort}/metrics`)).text();
    const sdkMetricsPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, WORKER_PROCESSES: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, TRACE_WORKFLOWS: '1', WORKER_METRICS_PORT: String(workerMetricsPort), TEMPORAL_SDK_METRICS_PORT: String(sdkMetricsPort) };
    for (const variable of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'PARTNER_SANDBOX_URL', 'NOTIFICATION_API_URL', 'PAYMENT_API_URL', 'SMTP_URL', 'OTEL_EXPORTER_ZIPKIN_ENDPOINT', 'LOG_LEVEL']) delete env[variable];
    env.TRACE_VIEWER = 'zipkin';
    for (const [key, variable] of Object.entries(PORT_VARIABLES)) env[variable] = String(ports[key as keyof Ports]);
    system = spawnService({
      name: 'start-all',
      command: process.execPath,
      args: ['--import', 'tsx', path.join(projectRoot, 'scripts/start-all.ts')],
      cwd: projectRoot,
      env,
      logFile: path.join(dataDir, 'start-all.log'),
      onLine: (line) => (allUp ||= line.startsWith('All up')),
    });
    await waitUntil('the whole system', async () => allUp, { timeoutMs: 240_000, failFast: system }).catch((err: Error) => {
      throw new Error(`${err.message}:\n${fs.readFileSync(path.join(dataDir, 'start-all.log'), 'utf8').slice(-3000)}`);
    });
  }, 270_000);

  afterAll(async () => {
    await system?.stop(20_000);
    await receiver?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (p: string, key: string, body?: object, idempotencyKey = `observability-${process.pid}`) =>
    fetch(`http://127.0.0.1:${ports.api}${p}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
      ...(body && { body: JSON.stringify(body) }),
    });
  const status = async (id: string) => ((await (await api(`/cases/${id}`, KEYS.agent)).json()) as { status: string; survey?: { rating?: number } }).status;
  const reach = (wanted: string, id = caseId) => waitUntil(`case at ${wanted}`, async () => (await status(id)) === wanted, { timeoutMs: 60_000 });

  it('drives a return from open to refund and survey answer', async () => {
    const body = returnBody();
    const created = await api('/cases', KEYS.customer, { ...body, customer: { name: 'Alex Chen', email: 'alex.chen@example.com', locale: 'en' } });
    expect(created.status).toBe(201);
    caseId = ((await created.json()) as { caseId: string }).caseId;
    await reach('awaiting_merchant_review');
    expect((await api(`/cases/${caseId}/commands/merchant-review`, KEYS['merchant-a'], { decision: 'approve' })).status).toBe(200);
    expect((await api(`/cases/${caseId}/commands/ship-back`, KEYS.customer, { trackingNumber: 'SF-OBS-1' })).status).toBe(200);
    expect((await api('/callbacks/courier', KEYS.courier, { caseId, dedupKey: `obs-${caseId}`, trackingNumber: 'SF-OBS-1', event: 'delivered', at: Date.now() })).status).toBe(202);
    await reach('awaiting_inspection');
    expect((await api(`/cases/${caseId}/commands/inspect`, KEYS['merchant-a'], { result: 'accepted', findings: 'leak confirmed' })).status).toBe(200);
    await reach('refund_due');
    expect((await api(`/cases/${caseId}/commands/start-refund`, KEYS['merchant-a'], {})).status).toBe(200);
    await reach('closed');
  }, 120_000);

  it('sends the satisfaction survey by e-mail, in English, once, to the inbox of the embedded mailpit', async () => {
    const inbox = `http://127.0.0.1:${ports.mailUi}/api/v1`;
    const listed = await waitFor('the survey mail', async () => {
      const found = (await (await fetch(`${inbox}/search?query=${encodeURIComponent(`subject:"How did we do?" ${caseId}`)}`)).json()) as { messages: Array<{ ID: string; To: Array<{ Address: string }>; Subject: string }> };
      return found.messages.length > 0 ? found.messages : undefined;
    }, 60_000);
    expect(listed).toHaveLength(1);
    expect(listed[0].To.map((to) => to.Address)).toEqual(['alex.chen@example.com']);
    const message = (await (await fetch(`${inbox}/message/${listed[0].ID}`)).json()) as { Text: string; MessageID: string };
    expect(message.Text).toContain('Dear Alex Chen,');
    expect(message.Text).toContain('Please rate our service from 1 to 5');
    expect(message.Text).toContain(`Case: ${caseId}`);
    // The refund notice went by e-mail too (one per notice), none to the notification partner's SMS gateway.
    const all = (await (await fetch(`${inbox}/search?query=${encodeURIComponent(caseId)}`)).json()) as { messages: Array<{ Subject: string }> };
    expect(all.messages.map((m) => m.Subject.replace(` (${caseId})`, '')).sort()).toEqual(expect.arrayContaining(['How did we do? Rate your after-sales service', 'Your refund is on its way', 'Your return is approved']));
    expect(new Set(all.messages.map((m) => m.Subject)).size).toBe(all.messages.length);
  }, 90_000);

  it('ties the request that opened the case to the workflow, its activities, the refund call to the payment partner and the store write, in one trace', async () => {
    // The survey answered, the workflow completes and its own span (RunWorkflow) ends and is exported.
    expect((await api(`/cases/${caseId}/commands/answer-survey`, KEYS.customer, { rating: 5 })).status).toBe(200);
    const byId = new Map<string, ReceivedSpan>();
    const find = (where: (s: ReceivedSpan) => boolean) => receiver.spans.find(where);
    const open = await waitFor('the span of POST /cases', async () => find((s) => s.service === 'api' && s.name === 'POST /cases' && s.attributes['case.id'] === caseId), 30_000);
    const inTrace = () => receiver.spans.filter((s) => s.traceId === open.traceId);
    const named = (service: string, name: string) => inTrace().find((s) => s.service === service && s.name === name);
    const spans = await waitFor('the workflow, refund and store spans', async () => {
      const refundCall = inTrace().find((s) => s.service === 'worker' && s.name === 'POST' && String(s.attributes['url.full']).endsWith('/payment/refunds'));
      const wanted = {
        start: named('api', 'UpdateWithStartWorkflow:open_case'),
        run: named('worker', 'RunWorkflow:caseWorkflow'),
        scheduleRefund: named('worker', 'StartActivity:issueRefund'),
        runRefund: named('worker', 'RunActivity:issueRefund'),
        runProjection: named('worker', 'RunActivity:projectCase'),
        storeWrite: named('worker', 'case-store write'),
        refundCall,
        paymentServer: inTrace().find((s) => s.service === 'partner-sandbox' && s.parentSpanId !== undefined && s.parentSpanId === refundCall?.spanId),
      };
      return Object.values(wanted).every(Boolean) ? (wanted as { [K in keyof typeof wanted]: ReceivedSpan }) : undefined;
    }, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}; the trace holds: ${[...new Set(inTrace().map((s) => `${s.service} ${s.name}`))].join(', ')}`);
    });
    for (const span of inTrace()) byId.set(span.spanId, span);
    const parent = (span: ReceivedSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);

    expect(open.parentSpanId).toBeUndefined();
    expect(parent(spans.start)).toBe(open);
    expect(parent(spans.run)).toBe(spans.start);
    // The workflow's spans carry its info (workflowId …), the activities' the case id as temporalWorkflowId.
    expect(spans.run.attributes.workflowId).toBe(caseId);
    expect(parent(spans.scheduleRefund)).toBe(spans.run);
    expect(parent(spans.runRefund)).toBe(spans.scheduleRefund);
    expect(spans.runRefund.attributes.temporalWorkflowId).toBe(caseId);
    // The refund's HTTP call to the payment partner (fetch), answered by the sandbox inside the same trace.
    expect(parent(spans.refundCall)).toBe(spans.runRefund);
    expect(parent(spans.paymentServer)).toBe(spans.refundCall);
    expect(spans.paymentServer.name).toMatch(/^POST/);
    // A store write of the case under its projection activity, itself scheduled by the workflow.
    const writes = inTrace().filter((s) => s.name === 'case-store write');
    expect(writes.every((w) => w.attributes['case.id'] === caseId)).toBe(true);
    expect(writes.every((w) => parent(w)?.name === 'RunActivity:projectCase' && parent(parent(w)!)?.name === 'StartActivity:projectCase')).toBe(true);
  }, 90_000);

  it("finds the same trace by the case id in Zipkin, the viewer npm start runs, and serves Zipkin's web UI", async () => {
    const zipkin = `http://127.0.0.1:${ports.zipkin}`;
    const wanted = (trace: ZipkinSpan[]) => {
      // Zipkin keeps names in lower case.
      const named = (service: string, name: string) => trace.find((s) => s.localEndpoint?.serviceName === service && s.name === name.toLowerCase());
      const refundCall = trace.find((s) => s.localEndpoint?.serviceName === 'worker' && s.name === 'post' && s.tags?.['url.full']?.endsWith('/payment/refunds'));
      const spans = {
        open: named('api', 'POST /cases'),
        start: named('api', 'UpdateWithStartWorkflow:open_case'),
        run: named('worker', 'RunWorkflow:caseWorkflow'),
        scheduleRefund: named('worker', 'StartActivity:issueRefund'),
        runRefund: named('worker', 'RunActivity:issueRefund'),
        refundCall,
        paymentServer: refundCall && trace.find((s) => s.localEndpoint?.serviceName === 'partner-sandbox' && s.parentId === refundCall.id),
      };
      return Object.values(spans).every(Boolean) ? (spans as { [K in keyof typeof spans]: ZipkinSpan }) : undefined;
    };
    // What the UI's search `case.id=<id>` asks: the traces holding a span tagged with the case id.
    const { open, start, run, scheduleRefund, runRefund, refundCall, paymentServer } = await waitFor("the opening request's trace in Zipkin, down to the payment partner's answer", async () => {
      const traces = (await (await fetch(`${zipkin}/api/v2/traces?annotationQuery=${encodeURIComponent(`case.id=${caseId}`)}&limit=100`)).json()) as ZipkinSpan[][];
      return traces.map(wanted).find(Boolean);
    }, 60_000);
    expect(open.tags?.['case.id']).toBe(caseId);
    expect(open.parentId).toBeUndefined();
    expect(start.parentId).toBe(open.id);
    expect(run.parentId).toBe(start.id);
    expect(run.tags?.workflowId).toBe(caseId);
    expect(scheduleRefund.parentId).toBe(run.id);
    expect(runRefund.parentId).toBe(scheduleRefund.id);
    expect(refundCall.parentId).toBe(runRefund.id);
    expect(paymentServer).toMatchObject({ kind: 'SERVER', name: expect.stringMatching(/^post/) });
    // The very trace the OTLP receiver got.
    expect(open.traceId).toBe(receiver.spans.find((s) => s.name === 'POST /cases' && s.attributes['case.id'] === caseId)!.traceId);

    // Its web UI (Lens): the trace's page is the app's HTML, whose script is the app itself, not a placeholder.
    const page = await fetch(`${zipkin}/zipkin/traces/${open.traceId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>Zipkin</title>');
    const script = /<script[^>]*\ssrc="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const app = await fetch(new URL(script!, zipkin));
    expect(app.status).toBe(200);
    expect((await app.text()).length).toBeGreaterThan(500_000);
  }, 90_000);

  it('writes every log line of the API and the worker through pino, with the case and trace ids where it has them', () => {
    const lines = (file: string) => fs.readFileSync(path.join(dataDir, 'logs', file), 'utf8').split('\n').filter(Boolean);
    for (const file of ['api.log', 'worker-1.log', 'sandbox.log']) {
      for (const line of lines(file)) expect({ file, line, parsed: typeof JSON.parse(line).level }).toEqual({ file, line, parsed: 'string' });
    }
    const opened = lines('api.log').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.msg === 'request' && e.route === '/cases' && e.caseId === caseId);
    expect(opened).toMatchObject({ level: 'info', name: 'api', method: 'POST', status: 201, trace_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const open = receiver.spans.find((s) => s.name === 'POST /cases' && s.attributes['case.id'] === caseId)!;
    expect(opened!.trace_id).toBe(open.traceId);
  });

  it("records on the worker's /metrics how late a breached clock's action ran after its deadline", async () => {
    // New cases open under a version whose merchant review is reminded after 3 s and breached (approved) after 6 s.
    const policy = { merchantReviewReminder: { minutes: 0.05 }, merchantReviewTimeout: { minutes: 0.1 } };
    expect((await api('/admin/policies', KEYS.admin, { version: 'lateness-probe', reason: 'a clock that breaches in seconds', policy, overrides: [] })).status).toBe(201);
    expect((await api('/admin/policies/lateness-probe/activate', KEYS.admin, { reason: 'a clock that breaches in seconds' })).status).toBe(200);
    const created = await api('/cases', KEYS.customer, returnBody(), `observability-lateness-${process.pid}`);
    expect(created.status).toBe(201);
    await reach('awaiting_return_shipment', ((await created.json()) as { caseId: string }).caseId);

    const breaches = (text: string) => {
      const series = (suffix: string) => [...text.matchAll(new RegExp(`^case_deadline_lateness_seconds_${suffix}\\{([^}]*)\\} (\\S+)$`, 'gm'))]
        .filter(([, labels]) => labels.includes('clock="merchant_review"') && labels.includes('event="breach"'))
        .map(([, labels, value]) => ({ labels, value: Number(value) }));
      const [count] = series('count');
      return count && count.value >= 1 ? { count: count.value, sum: series('sum')[0]?.value, buckets: series('bucket') } : undefined;
    };
    // The warning may not fire (a workflow task later than the deadline goes straight to the breach): only the breach is sure.
    const recorded = await waitFor('the breach in the worker metrics', async () => breaches(await workerMetrics()), 30_000);
    expect(recorded.count).toBe(1);
    expect(recorded.sum).toBeGreaterThanOrEqual(0);
    // In the buckets the worker sets for it (worker/runtime.ts), in seconds.
    expect(recorded.buckets.map((b) => b.labels.match(/le="([^"]+)"/)![1])).toEqual(expect.arrayContaining(['0.05', '60', '3600', '+Inf']));
    expect(recorded.buckets.find((b) => b.labels.includes('le="+Inf"'))!.value).toBe(1);
  }, 60_000);

  it("charts only metrics the API and the worker expose (the dashboard's queries against their /metrics)", async () => {
    const exposed = new Set<string>();
    const apiText = await (await api('/metrics', KEYS.supervisor)).text();
    const workerText = await workerMetrics();
    for (const [, name, type] of `${apiText}\n${workerText}`.matchAll(/^# TYPE (\w+) (\w+)$/gm)) {
      exposed.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exposed.add(`${name}${suffix}`);
    }
    const charted = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)));
    expect(charted.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    expect(charted.filter((name) => !exposed.has(name))).toEqual([]);
    for (const wanted of ['cases_stored', 'cases_open_by_status', 'sla_clocks_stored', 'partner_call_failures_total', 'partner_calls_total', 'case_deadline_lateness_seconds_bucket']) expect(charted).toContain(wanted);
  });
});

/** A span as Zipkin's API v2 answers it. */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

const PROMQL_WORDS = new Set(['sum', 'min', 'max', 'avg', 'count', 'by', 'without', 'rate', 'increase', 'delta', 'histogram_quantile', 'on', 'ignoring']);

/** The metric names a PromQL expression reads: identifiers that are neither functions, keywords, label names nor durations. */
function metricNames(expr: string): string[] {
  const bare = expr.replace(/\{[^}]*\}/g, '').replace(/\b(by|without)\s*\([^)]*\)/g, '').replace(/\[[^\]]*\]/g, '');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((word) => !PROMQL_WORDS.has(word));
}
