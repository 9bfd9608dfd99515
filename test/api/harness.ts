/** The API wired to real servers: a Temporal dev server, FerretDB, the partner sandbox and a real case worker. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type express from 'express';
import type mongoose from 'mongoose';
import request from 'supertest';
import { createActivities } from '../../activities';
import { partnerUrlsFor } from '../../activities/partners/urls';
import { syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import type { AttachmentStoreKind } from '../../config/env';
import type { PartnerCompany } from '../../workflows/domain/partner-companies';
import type { CasePolicy } from '../../workflows/policy';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { createCaseWorkers } from '../../worker/create-worker';
import { DevMongo, DevTemporal, startDevServers } from '../support/servers';
import type { Logger } from '../../telemetry/logger';

export interface ApiHarness {
  app: express.Express;
  temporal: Client;
  store: mongoose.Connection;
  /** The case task queue the harness's worker serves. */
  taskQueue: string;
  temporalAddress: string;
  mongoUri: string;
  /** The partner sandbox (its /_control routes set refund caps, faults, …). */
  sandboxUrl: string;
  stop(): Promise<void>;
}

/**
 * `policy`: the policy new cases open under (default: the default policy), e.g. with deadlines of seconds.
 * `logger`: the API's logger (its line per answered request).
 */
export async function startApiHarness(
  options: { policy?: CasePolicy; logger?: Logger; dataDir?: string; attachmentStore?: AttachmentStoreKind; companies?: (sandboxUrl: string) => PartnerCompany[]; workflowBundlePath?: string } = {},
): Promise<ApiHarness> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const [devTemporal, mongo]: [DevTemporal, DevMongo] = await startDevServers();
    stops.push(() => devTemporal.stop(), () => mongo.stop());
    const sandbox: RunningSandbox = await startSandbox();
    stops.push(() => sandbox.close());
    const companies = options.companies?.(sandbox.url);
    const store = await openStore(mongo.uri);
    stops.push(() => store.close());
    await syncCaseIndexes(store);

    const taskQueue = `api-test-${process.pid}-${Date.now()}`;
    const native = await NativeConnection.connect({ address: devTemporal.address });
    stops.push(() => native.close());
    const workers = await createCaseWorkers({
      connection: native,
      ...(options.workflowBundlePath && { workflowBundlePath: options.workflowBundlePath }),
      config: { temporalNamespace: 'default', taskQueue },
      activities: createActivities({ store, partnerUrls: partnerUrlsFor(sandbox.url), ...(companies && { companies }) }),
    });
    const running = workers.run();
    stops.push(async () => {
      for (const worker of workers.workers) worker.shutdown();
      await running;
    });

    const connection = await Connection.connect({ address: devTemporal.address });
    stops.push(() => connection.close());
    const temporal = new Client({ connection });
    const app = createApp({ temporal, store, taskQueue, policy: options.policy ?? loadPolicy({}), apiKeys: DEV_API_KEYS, logger: options.logger, ...(options.dataDir && { dataDir: options.dataDir }), ...(options.attachmentStore && { attachmentStore: options.attachmentStore }), ...(companies && { companies }) });
    return { app, temporal, store, taskQueue, temporalAddress: devTemporal.address, mongoUri: mongo.uri, sandboxUrl: sandbox.url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export const KEYS = Object.fromEntries(DEV_API_KEYS.map((k) => [k.key.replace(/^dev-|-key$/g, ''), k.key])) as Record<
  'agent' | 'senior-agent' | 'supervisor' | 'admin' | 'merchant-a' | 'merchant-b' | 'courier' | 'warehouse' | 'payment' | 'customer' | 'repair-provider' | 'courier-b' | 'warehouse-b' | 'repair-provider-b',
  string
>;

export function returnBody(overrides: { merchantId?: string; description?: string; customerId?: string } = {}) {
  const now = Date.now();
  return {
    channel: 'online',
    customer: { name: 'Li Wei', phone: '+86 138 0013 8000', email: 'li.wei@example.com' },
    order: {
      orderId: `order-${now}`,
      merchantId: overrides.merchantId ?? 'merchant-a',
      customerId: overrides.customerId ?? 'customer-1',
      paidAmountCents: 25900,
      currency: 'CNY',
      purchasedAt: now - 5 * 86_400_000,
      shippedAt: now - 4 * 86_400_000,
      deliveredAt: now - 2 * 86_400_000,
      category: 'kitchen',
      items: [{ sku: 'kettle-1', name: 'Kettle', quantity: 1, unitPriceCents: 25900 }],
    },
    description: overrides.description ?? 'The kettle leaks from the base.',
    evidence: [{ kind: 'photo', uri: 'https://files.example/p/123.jpg' }],
    details: { kind: 'return', reason: 'quality_defect' },
  };
}

/** Reads the case as an agent until `done` holds of its view (a command answers before the workflow moves on). */
export async function caseWhen<V extends { status: string } = request.Response['body']>(h: ApiHarness, caseId: string, done: (view: V) => boolean, timeoutMs = 20_000): Promise<V> {
  const until = Date.now() + timeoutMs;
  let last: V | undefined;
  while (Date.now() < until) {
    last = (await request(h.app).get(`/cases/${caseId}`).set({ Authorization: `Bearer ${KEYS.agent}` })).body as V;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`case ${caseId} stayed ${last?.status ?? 'unread'}`);
}

/** caseWhen the case is in `status`. */
export const caseInStatus = (h: ApiHarness, caseId: string, status: string, timeoutMs?: number) => caseWhen(h, caseId, (v) => v.status === status, timeoutMs);
