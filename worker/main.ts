import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadRuntimeConfig } from '../config/env';
import { openStore } from '../activities/store/connection';
import { createActivities } from '../activities';
import { loadPartnerCompanies } from '../config/partner-companies';
import { loadPolicy } from '../config/policy';
import { createCaseWorkers } from './create-worker';
import { instrumentActivities, projectionTaskWait, serveWorkerMetrics } from './metrics';
import { ensureClockHistoryPackingSchedule } from './clock-history-packing-schedule';
import { ensureQualitySchedule } from './quality-schedule';
import { ensureSettlementSchedule } from './settlement-schedule';
import { WORKER_READY_LINE } from './ready-line';
import { installWorkerRuntime } from './runtime';
import { createLogger } from '../telemetry/logger';
import { startTracing } from '../telemetry/tracing';

const config = loadRuntimeConfig();
const logger = createLogger('worker', config.logLevel);

async function main(): Promise<void> {
  const tracing = startTracing('worker', config);
  // Optional: /metrics on WORKER_METRICS_HOST:WORKER_METRICS_PORT, with the SDK's own metrics from TEMPORAL_SDK_METRICS_PORT.
  const { workerMetricsPort, sdkMetricsPort } = config;
  installWorkerRuntime(logger, sdkMetricsPort);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  // Settlement and report activities read much at once; they are bounded by their activity timeouts, not the API's 5 s.
  const store = await openStore(config.mongodbUri, { timeoutMs: 60_000 });
  const sdkMetricsUrl = sdkMetricsPort === undefined ? undefined : `http://127.0.0.1:${sdkMetricsPort}/metrics`;
  const metrics = workerMetricsPort === undefined ? undefined : serveWorkerMetrics(workerMetricsPort, sdkMetricsUrl, config.workerMetricsHost);
  try {
    const activities = instrumentActivities(createActivities({ store, partnerUrls: config.partnerUrls, companies: loadPartnerCompanies(), qaSamplePercent: config.qaSamplePercent, settlement: { policy: loadPolicy(), lateThreshold: config.merchantLateThreshold }, ...(config.smtpUrl && { mail: { smtpUrl: config.smtpUrl, from: config.mailFrom } }) }));
    const workers = await createCaseWorkers({ connection, config, activities, maxCachedWorkflows: config.workerMaxCachedWorkflows, workflowBundlePath: config.workflowBundlePath, tracing, traceWorkflows: config.traceWorkflows, onProjectionWait: (ms) => projectionTaskWait.observe(ms / 1000) });
    const clientConnection = await Connection.connect({ address: config.temporalAddress });
    const scheduleClient = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
    // npm start runs WORKER_PROCESSES of these: whichever comes first creates the schedules, the others (even in the
    // same instant) find them there (ScheduleAlreadyRunning is tolerated).
    await Promise.all([ensureQualitySchedule(scheduleClient, config.taskQueue), ensureSettlementSchedule(scheduleClient, config.taskQueue), ensureClockHistoryPackingSchedule(scheduleClient, config.taskQueue)]).finally(() => clientConnection.close());
    // Printed whatever LOG_LEVEL says: supervisors wait for this line.
    logger.child({}, { level: 'info' }).info({ taskQueue: config.taskQueue, temporalAddress: config.temporalAddress, tracing: tracing ? (config.traceWorkflows ? 'activities and workflows' : 'activities') : 'off' }, WORKER_READY_LINE);
    // Runtime's default shutdown signals (SIGINT, SIGTERM) drain the worker and resolve run().
    await workers.run();
  } finally {
    metrics?.close();
    await Promise.all([connection.close(), store.close(), tracing?.shutdown()]);
  }
}

main().catch((err) => {
  logger.fatal({ err }, 'worker failed');
  process.exit(1);
});
