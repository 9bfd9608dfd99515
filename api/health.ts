import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type mongoose from 'mongoose';
import { pingStore } from '../activities/store/connection';
import { sendProblem } from './problem';

const READINESS_TIMEOUT_MS = 2000;

export interface HealthDeps {
  temporal: Client;
  store: mongoose.Connection;
}

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
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
  });
  return router;
}

async function check(probe: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
