import { Client, Connection } from '@temporalio/client';
import { loadRuntimeConfig } from '../config/env';
import { openStore } from '../activities/store/connection';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  const connection = Connection.lazy({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const store = await openStore(config.mongodbUri);
  const app = createApp({ temporal, store });
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
