/**
 * What an operator watches on the API: `GET /metrics` in Prometheus format (prom-client; admin and supervisor keys):
 * requests by route and status, cases opened by kind (201 answers to POST /cases), and, read from the store when
 * scraped, stored cases by kind and open or closed, open cases by status, the SLA clocks of stored cases by clock and
 * outcome with their warnings, and their escalations by role. One registry per app.
 */
import type { RequestHandler } from 'express';
import type mongoose from 'mongoose';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import { caseModel } from '../activities/store/case-model';
import { reportFactsModel } from '../activities/store/reports/report-facts';
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
  const clocks = new Gauge({ name: 'sla_clocks_stored', help: 'SLA clocks of stored cases by clock and outcome (met, breached, pending), read when scraped', labelNames: ['clock', 'outcome'], registers: [registry] });
  const warnings = new Gauge({ name: 'sla_warnings_stored', help: 'SLA clocks of stored cases whose warning went out, by clock, read when scraped', labelNames: ['clock'], registers: [registry] });
  const escalations = new Gauge({ name: 'escalations_stored', help: 'Escalations of stored cases by the role they went to, read when scraped', labelNames: ['role'], registers: [registry] });
  const storeUp = new Gauge({ name: 'case_store_up', help: '1 when the store answered the last scrape', registers: [registry] });

  const readStore = async () => {
    const Case = caseModel(store);
    const Facts = reportFactsModel(store);
    const timeout = { maxTimeMS: STORE_READ_TIMEOUT_MS };
    const [byKind, byStatus, byClock, byRole] = await Promise.all([
      Case.aggregate<{ _id: { kind: string; open: boolean }; count: number }>([{ $group: { _id: { kind: '$kind', open: '$open' }, count: { $sum: 1 } } }]).option(timeout),
      Case.aggregate<{ _id: string; count: number }>([{ $match: { open: true } }, { $group: { _id: '$status', count: { $sum: 1 } } }]).option(timeout),
      // Grouped by the warning too: FerretDB has no $cond to count it within a group.
      Facts.aggregate<{ _id: { clock: string; outcome: string; warned?: boolean }; count: number }>([
        { $unwind: '$clocks' },
        { $group: { _id: { clock: '$clocks.name', outcome: '$clocks.outcome', warned: '$clocks.warned' }, count: { $sum: 1 } } },
      ]).option(timeout),
      Facts.aggregate<{ _id: string; count: number }>([{ $unwind: '$escalations' }, { $group: { _id: '$escalations', count: { $sum: 1 } } }]).option(timeout),
    ]);
    for (const gauge of [stored, openByStatus, clocks, warnings, escalations]) gauge.reset();
    for (const row of byKind) stored.set({ kind: row._id.kind, state: row._id.open ? 'open' : 'closed' }, row.count);
    for (const row of byStatus) openByStatus.set({ status: row._id }, row.count);
    for (const row of byClock) {
      clocks.inc({ clock: row._id.clock, outcome: row._id.outcome }, row.count);
      if (row._id.warned) warnings.inc({ clock: row._id.clock }, row.count);
    }
    for (const row of byRole) escalations.set({ role: row._id }, row.count);
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
    summary: 'Prometheus metrics: requests by route and status, cases opened by kind; read from the store when scraped: stored and open cases, SLA clocks by outcome, warnings, escalations by role; process figures',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } }, ...COMMON_RESPONSES },
    async handle(ctx, _request, res) {
      const { contentType, body } = await ctx.metrics.scrape();
      res.type(contentType).send(body);
    },
  }),
];
