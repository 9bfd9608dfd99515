/**
 * What an operator watches on the API: `GET /metrics` in Prometheus format (prom-client; admin and supervisor keys):
 * requests by route and status, cases opened by kind (201 answers to POST /cases), and, read from the store when
 * scraped, stored cases by kind and open or closed and open cases by status. One registry per app.
 */
import type { RequestHandler } from 'express';
import type mongoose from 'mongoose';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import { caseModel } from '../activities/store/case-model';
import { COMMON_RESPONSES } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { withTimeout } from '../activities/with-timeout';

const STORE_READ_TIMEOUT_MS = 2000;

export interface ApiMetrics {
  /** Counts every answer; mount before the routes. */
  count: RequestHandler;
  /** The registry's text, the store's figures read first (case_store_up says whether they could be). */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export function apiMetrics(store: mongoose.Connection): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'api_requests_total', help: 'Answers by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const opened = new Counter({ name: 'cases_opened_total', help: 'Cases opened through the API (201 to POST /cases) by kind', labelNames: ['kind'], registers: [registry] });
  const stored = new Gauge({ name: 'cases_stored', help: 'Cases in the store by kind and state (open or closed), read when scraped', labelNames: ['kind', 'state'], registers: [registry] });
  const openByStatus = new Gauge({ name: 'cases_open_by_status', help: 'Open cases in the store by status, read when scraped', labelNames: ['status'], registers: [registry] });
  const storeUp = new Gauge({ name: 'case_store_up', help: '1 when the store answered the last scrape', registers: [registry] });

  const readStore = async () => {
    const Case = caseModel(store);
    const timeout = { maxTimeMS: STORE_READ_TIMEOUT_MS };
    const [byKind, byStatus] = await Promise.all([
      Case.aggregate<{ _id: { kind: string; open: boolean }; count: number }>([{ $group: { _id: { kind: '$kind', open: '$open' }, count: { $sum: 1 } } }]).option(timeout),
      Case.aggregate<{ _id: string; count: number }>([{ $match: { open: true } }, { $group: { _id: '$status', count: { $sum: 1 } } }]).option(timeout),
    ]);
    stored.reset();
    openByStatus.reset();
    for (const row of byKind) stored.set({ kind: row._id.kind, state: row._id.open ? 'open' : 'closed' }, row.count);
    for (const row of byStatus) openByStatus.set({ status: row._id }, row.count);
  };

  const count: RequestHandler = (req, res, next) => {
    res.once('finish', () => {
      const route = req.route?.path ? String(req.route.path) : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      const kind = (req.body as { details?: { kind?: unknown } } | undefined)?.details?.kind;
      if (req.method === 'POST' && route === '/cases' && res.statusCode === 201 && typeof kind === 'string') opened.inc({ kind });
    });
    next();
  };

  const scrape = async () => {
    try {
      await withTimeout(readStore(), STORE_READ_TIMEOUT_MS);
      storeUp.set(1);
    } catch {
      storeUp.set(0);
    }
    return { contentType: registry.contentType, body: await registry.metrics() };
  };
  return { count, scrape };
}

export const METRICS_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/metrics',
    roles: ['admin', 'supervisor'],
    summary: 'Prometheus metrics: requests by route and status, cases opened by kind, stored and open cases (read from the store when scraped), process figures',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } }, ...COMMON_RESPONSES },
    async handle(ctx, _request, res) {
      const { contentType, body } = await ctx.metrics.scrape();
      res.type(contentType).send(body);
    },
  }),
];
