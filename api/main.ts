import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { Client, Connection } from '@temporalio/client';
import { apiKeysSource, loadApiKeys } from '../config/api-keys';
import { loadRuntimeConfig } from '../config/env';
import { loadPolicy } from '../config/policy';
import { openStore } from '../activities/store/connection';
import { deadlineIndexFor } from '../activities/store/what-if/deadline-index';
import { createLogger } from '../telemetry/logger';
import { startTracing } from '../telemetry/tracing';
import { createApp } from './app';

const config = loadRuntimeConfig();
const logger = createLogger('api', config.logLevel);

async function main(): Promise<void> {
  const tracing = startTracing('api', config);
  const connection = Connection.lazy({ address: config.temporalAddress });
  // Traced: each workflow start, update and signal is a span of the request's trace, and its context rides along in
  // the Temporal headers to the workflow and its activities.
  const interceptors = tracing ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
  const temporal = new Client({ connection, namespace: config.temporalNamespace, interceptors });
  const policy = loadPolicy();
  const apiKeys = loadApiKeys();
  const store = await openStore(config.mongodbUri);
  const app = createApp({ temporal, store, taskQueue: config.taskQueue, policy, apiKeys, logger, partsStatusFile: config.partsStatusFile });
  // The forecast's open deadlines load behind the start (7 to 17 s at 100,000 open cases): a forecast meanwhile waits.
  deadlineIndexFor(store, logger).warm();
  logger.info({ keys: apiKeys.length, source: apiKeysSource() }, 'API keys loaded');
  const server = app.listen(config.apiPort, config.apiHost, () => {
    // Printed whatever LOG_LEVEL says: supervisors wait for this line.
    logger.child({}, { level: 'info' }).info({ tracing: tracing ? [config.otlpEndpoint, config.zipkinEndpoint].filter(Boolean).join(', ') : 'off' }, `API listening on http://${config.apiHost}:${config.apiPort}`);
  });
  const shutdown = () => {
    server.close(() => void Promise.all([store.close(), connection.close(), tracing?.shutdown()]).then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  logger.fatal({ err }, 'API failed to start');
  process.exit(1);
});
