import { Client, Connection } from '@temporalio/client';
import { loadApiKeys } from '../config/api-keys';
import { loadRuntimeConfig } from '../config/env';
import { loadPolicy } from '../config/policy';
import { openStore } from '../activities/store/connection';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  const connection = Connection.lazy({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const policy = loadPolicy();
  const apiKeys = loadApiKeys();
  const store = await openStore(config.mongodbUri);
  const app = createApp({ temporal, store, taskQueue: config.taskQueue, policy, apiKeys });
  console.log(`API keys loaded: ${apiKeys.length} (${process.env.API_KEYS_FILE ? 'API_KEYS_FILE' : process.env.API_KEYS ? 'API_KEYS' : 'development defaults'})`);
  const server = app.listen(config.apiPort, config.apiHost, () => {
    console.log(`API listening on http://${config.apiHost}:${config.apiPort}`);
  });
  const shutdown = () => {
    server.close(() => void Promise.all([store.close(), connection.close()]).then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error('API failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
