import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { intFromEnv, loadRuntimeConfig } from '../config/env';
import { openStore } from '../activities/store/connection';
import { createActivities } from '../activities';
import { loadPartnerCompanies } from '../config/partner-companies';
import { loadPolicy } from '../config/policy';
import { createCaseWorkers } from './create-worker';
import { instrumentActivities, serveWorkerMetrics } from './metrics';
import { ensureQualitySchedule } from './quality-schedule';
import { ensureSettlementSchedule } from './settlement-schedule';
import { WORKER_READY_LINE } from './ready-line';
import { installWorkerRuntime } from './runtime';

async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  // Optional: /metrics on 127.0.0.1:WORKER_METRICS_PORT, with the SDK's own metrics from TEMPORAL_SDK_METRICS_PORT.
  const metricsPort = intFromEnv(process.env, 'WORKER_METRICS_PORT', 0) || undefined;
  const sdkMetricsPort = intFromEnv(process.env, 'TEMPORAL_SDK_METRICS_PORT', 0) || undefined;
  installWorkerRuntime(sdkMetricsPort);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  // Settlement and report activities read much at once; they are bounded by their activity timeouts, not the API's 5 s.
  const store = await openStore(config.mongodbUri, { timeoutMs: 60_000 });
  const sdkMetricsUrl = sdkMetricsPort === undefined ? undefined : `http://127.0.0.1:${sdkMetricsPort}/metrics`;
  const metrics = metricsPort === undefined ? undefined : serveWorkerMetrics(metricsPort, sdkMetricsUrl);
  try {
    const activities = instrumentActivities(createActivities({ store, partnerUrls: config.partnerUrls, companies: loadPartnerCompanies(), qaSamplePercent: config.qaSamplePercent, settlement: { policy: loadPolicy(), lateThreshold: config.merchantLateThreshold } }));
    const maxCachedWorkflows = intFromEnv(process.env, 'WORKER_MAX_CACHED_WORKFLOWS', 0) || undefined;
    const workers = await createCaseWorkers({ connection, config, activities, maxCachedWorkflows, workflowBundlePath: config.workflowBundlePath });
    const clientConnection = await Connection.connect({ address: config.temporalAddress });
    const scheduleClient = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
    // npm start runs WORKER_PROCESSES of these: whichever comes first creates the schedules, the others (even in the
    // same instant) find them there (ScheduleAlreadyRunning is tolerated).
    await Promise.all([ensureQualitySchedule(scheduleClient, config.taskQueue), ensureSettlementSchedule(scheduleClient, config.taskQueue)]).finally(() => clientConnection.close());
    console.log(`${WORKER_READY_LINE}: task queue ${config.taskQueue} on ${config.temporalAddress}`);
    // Runtime's default shutdown signals (SIGINT, SIGTERM) drain the worker and resolve run().
    await workers.run();
  } finally {
    metrics?.close();
    await Promise.all([connection.close(), store.close()]);
  }
}

main().catch((err) => {
  console.error('worker failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
