import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadRuntimeConfig } from '../config/env';
import { openStore } from '../activities/store/connection';
import { createActivities } from '../activities';
import { createCaseWorkers } from './create-worker';
import { ensureQualitySchedule } from './quality-schedule';
import { WORKER_READY_LINE } from './ready-line';

async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const store = await openStore(config.mongodbUri);
  try {
    const workers = await createCaseWorkers({ connection, config, activities: createActivities({ store, partnerUrls: config.partnerUrls, qaSamplePercent: config.qaSamplePercent }) });
    const clientConnection = await Connection.connect({ address: config.temporalAddress });
    await ensureQualitySchedule(new Client({ connection: clientConnection, namespace: config.temporalNamespace }), config.taskQueue).finally(() => clientConnection.close());
    console.log(`${WORKER_READY_LINE}: task queue ${config.taskQueue} on ${config.temporalAddress}`);
    // Runtime's default shutdown signals (SIGINT, SIGTERM) drain the worker and resolve run().
    await workers.run();
  } finally {
    await Promise.all([connection.close(), store.close()]);
  }
}

main().catch((err) => {
  console.error('worker failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
