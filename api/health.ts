import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import { pingStore } from '../activities/store/connection';
import { z } from 'zod';
import { sendProblem } from './problem';
import { json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { withTimeout } from '../activities/with-timeout';

const Check = z.object({ ok: z.boolean(), error: z.string().optional() });
const ReadinessDoc = z.object({ status: z.literal('ready'), checks: z.object({ temporal: Check, store: Check }) }).openapi('Readiness');

const READINESS_TIMEOUT_MS = 2000;

export interface HealthDeps {
  temporal: Client;
  store: mongoose.Connection;
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
    summary: 'Readiness: Temporal and the case store answer within 2 s',
    responses: { 200: json('Ready', ReadinessDoc), 503: problem('dependency_unavailable: the unreachable dependencies are named, with each check') },
    async handle(deps, _request, res) {
      const [temporal, store] = await Promise.all([
        check(() => deps.temporal.connection.withDeadline(Date.now() + READINESS_TIMEOUT_MS, () => deps.temporal.workflowService.getSystemInfo({}))),
        check(() => withTimeout(pingStore(deps.store), READINESS_TIMEOUT_MS)),
      ]);
      const checks = { temporal, store };
      if (temporal.ok && store.ok) {
        res.json({ status: 'ready', checks });
        return;
      }
      const down = Object.entries(checks).filter(([, c]) => !c.ok).map(([name]) => name);
      sendProblem(res, {
        status: 503,
        code: 'dependency_unavailable',
        title: 'Service not ready',
        detail: `unreachable: ${down.join(', ')}`,
        checks,
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

