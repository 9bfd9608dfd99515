/**
 * What an operator watches on the worker: `/metrics` in Prometheus format (prom-client) with partner calls and their
 * failures by partner and kind, projection writes and their lag behind the transition, Node.js process figures, and
 * the Temporal SDK's own runtime metrics (Core's exporter, appended when TEMPORAL_SDK_METRICS_PORT is set).
 */
import http from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const workerRegistry = new Registry();
collectDefaultMetrics({ register: workerRegistry });

/** The partner each partner activity calls. */
const PARTNER_OF: Record<string, string> = {
  notifyMerchant: 'merchant',
  requestCourierPickup: 'courier',
  checkOutboundWeight: 'courier',
  fileCourierClaim: 'courier',
  requestCourierEvidence: 'courier',
  issueRefund: 'payment',
  notifyCustomer: 'notification',
  notifyStaff: 'notification',
  createReshipOrder: 'erp',
  pageOnCall: 'oncall',
  sendStatement: 'statements',
  dispatchRepair: 'repair',
  instructRepair: 'repair',
  bookService: 'repair',
};

const partnerCalls = new Counter({
  name: 'partner_calls_total',
  help: 'Partner calls (one per activity attempt) by partner, activity and outcome (ok, or the failure type)',
  labelNames: ['partner', 'activity', 'outcome'],
  registers: [workerRegistry],
});
const partnerFailures = new Counter({
  name: 'partner_call_failures_total',
  help: 'Failed partner calls by partner and kind (PartnerUnavailable, PartnerTimeout, RefundRefused, ...)',
  labelNames: ['partner', 'kind'],
  registers: [workerRegistry],
});
const projections = new Counter({
  name: 'case_projections_total',
  help: 'Case projection writes by outcome (written, stale, failed)',
  labelNames: ['outcome'],
  registers: [workerRegistry],
});
const projectionLag = new Histogram({
  name: 'case_projection_lag_seconds',
  help: 'From a case transition to its view written in the store',
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
  registers: [workerRegistry],
});

/** How long a workflow task's completion waited for the store write of its version (worker/projection-sink.ts). */
export const projectionTaskWait = new Histogram({
  name: 'case_projection_task_wait_seconds',
  help: 'How long a workflow task waited, before it completed, for the store write of the case version it made (bounded: a slower write goes on after)',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2],
  registers: [workerRegistry],
});

const failureKind = (err: unknown) => (err instanceof ApplicationFailure && err.type ? err.type : err instanceof Error ? err.name : 'unknown');

/** The same activities, each counted: partner calls by outcome, projections by outcome with their lag. */
export function instrumentActivities<T extends object>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    if (typeof fn !== 'function') {
      wrapped[name] = fn;
      continue;
    }
    const partner = PARTNER_OF[name];
    wrapped[name] = async (...args: unknown[]) => {
      try {
        const result: unknown = await fn(...args);
        if (partner) partnerCalls.inc({ partner, activity: name, outcome: 'ok' });
        if (name === 'projectCase') {
          projections.inc({ outcome: String(result) });
          const view = args[0] as { lastTransitionAt?: number } | undefined;
          if (result === 'written' && typeof view?.lastTransitionAt === 'number') projectionLag.observe(Math.max(0, Date.now() - view.lastTransitionAt) / 1000);
        }
        return result;
      } catch (err) {
        if (partner) {
          partnerCalls.inc({ partner, activity: name, outcome: failureKind(err) });
          partnerFailures.inc({ partner, kind: failureKind(err) });
        }
        if (name === 'projectCase') projections.inc({ outcome: 'failed' });
        throw err;
      }
    };
  }
  return wrapped as T;
}

/** Serves GET /metrics on `host`:`port`; the SDK's metrics (its own exporter at `sdkMetricsUrl`) are appended. */
export function serveWorkerMetrics(port: number, sdkMetricsUrl?: string, host = '127.0.0.1'): http.Server {
  return http
    .createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      void (async () => {
        const own = await workerRegistry.metrics();
        const sdk = sdkMetricsUrl ? await fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(2000) }).then((r) => r.text(), () => '') : '';
        res.writeHead(200, { 'Content-Type': workerRegistry.contentType }).end(`${own}\n${sdk}`);
      })().catch(() => res.writeHead(500).end());
    })
    .listen(port, host);
}
