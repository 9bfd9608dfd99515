import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import { pingStore } from '../activities/store/connection';
import { z } from 'zod';
import { sendProblem } from './problem';
import { json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { withTimeout } from '../activities/with-timeout';
import { readPartsStatus } from './parts-status';

const Check = z.object({ ok: z.boolean(), error: z.string().optional() });
const PartDoc = z.object({
  name: z.string(),
  state: z.enum(['starting', 'up', 'restarting']),
  pid: z.number().int().optional(),
  restarts: z.number().int(),
  lastExit: z.object({ code: z.number().int().nullable(), at: z.string() }).optional(),
});
const ReadinessDoc = z
  .object({
    status: z.literal('ready'),
    checks: z.object({ temporal: Check, store: Check, parts: Check.optional() }),
    parts: z.array(PartDoc).optional().openapi({ description: 'Under npm start: each supervised part, its state and restarts' }),
  })
  .openapi('Readiness');

const READINESS_TIMEOUT_MS = 2000;

export interface HealthDeps {
  temporal: Client;
  store: mongoose.Connection;
  /** Under npm start: the supervisor's parts status file; a part that is not up makes the API not ready. */
  partsStatusFile?: string;
}

export const HEALTH_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    roles: 'public',
    summary: 'Liveness: the API process answers',
    responses: { 200: json('Alive', z.object({ status: z.literal('ok') })) },
    handle(_ctx, _request, res) {
      res.json({ status: 'ok' });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    roles: 'public',
    summary: 'Readiness: Temporal and the case store answer within 2 s (under npm start: every supervised part is up)',
    responses: { 200: json('Ready', ReadinessDoc), 503: problem('dependency_unavailable: the unreachable dependencies (and, under npm start, the parts being restarted) are named, with each check') },
    async handle(deps, _request, res) {
      const [temporal, store, parts] = await Promise.all([
        check(() => deps.temporal.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () => deps.temporal.workflowService.getSystemInfo({}))),
        check(() => withTimeout(pingStore(deps.store), READINESS_TIMEOUT_MS)),
        deps.partsStatusFile ? readPartsStatus(deps.partsStatusFile).catch(() => undefined) : undefined,
      ]);
      const partsDown = (parts ?? []).filter((p) => p.state !== 'up').map((p) => `${p.name} (${p.state})`);
      const checks = { temporal, store, ...(parts && { parts: partsDown.length ? { ok: false, error: `down: ${partsDown.join(', ')}` } : { ok: true } }) };
      if (temporal.ok && store.ok && partsDown.length === 0) {
        res.json({ status: 'ready', checks, ...(parts && { parts }) });
        return;
      }
      const down = [...Object.entries({ temporal, store }).filter(([, c]) => !c.ok).map(([name]) => name), ...partsDown];
      sendProblem(res, {
        status: 503,
        code: 'dependency_unavailable',
        title: 'Service not ready',
        detail: `unreachable: ${down.join(', ')}`,
        checks,
        ...(parts && { parts }),
      });
    },
  }),
];

async function check(probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

