import { Client, Connection } from '@temporalio/client';
import { loadApiKeys } from '../config/api-keys';
import { loadRuntimeConfig } from '../config/env';
import { loadPolicy } from '../config/policy';
import { openStore } from '../activities/store/connection';
import { createApp } from './app';
import { jsonLogLine } from './request-log';

const logLine = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  const connection = Connection.lazy({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const policy = loadPolicy();
  const apiKeys = loadApiKeys();
  const store = await openStore(config.mongodbUri);
  const app = createApp({ temporal, store, taskQueue: config.taskQueue, policy, apiKeys, logLine, partsStatusFile: config.partsStatusFile });
  const keySource = process.env.API_KEYS_FILE ? 'API_KEYS_FILE' : process.env.API_KEYS ? 'API_KEYS' : 'development defaults';
  logLine(jsonLogLine('INFO', `API keys loaded: ${apiKeys.length} (${keySource})`));
  const server = app.listen(config.apiPort, config.apiHost, () => {
    logLine(jsonLogLine('INFO', `API listening on http://${config.apiHost}:${config.apiPort}`));
  });
  const shutdown = () => {
    server.close(() => void Promise.all([store.close(), connection.close()]).then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`${jsonLogLine('ERROR', `API failed to start: ${err instanceof Error ? err.message : String(err)}`)}\n`);
  process.exit(1);
});
