/** Runs the partner sandbox: `tsx sandbox/main.ts` on the port and host config/env.ts resolves (SANDBOX_PORT, SANDBOX_HOST). */
import path from 'node:path';
import { loadRuntimeConfig } from '../config/env';
import { createLogger } from '../telemetry/logger';
import { startTracing } from '../telemetry/tracing';
import { startSandbox } from './app';

const config = loadRuntimeConfig();
const logger = createLogger('sandbox', config.logLevel);

async function main(): Promise<void> {
  // Its answers to the worker's partner calls are spans of the cases' traces.
  const tracing = startTracing('partner-sandbox', config);
  // Its records, idempotency keys and fault rules survive a restart (sandbox/journal.ts).
  const stateDir = path.join(config.dataDir, 'sandbox');
  const sandbox = await startSandbox({ port: config.ports.sandbox, host: config.sandboxHost, stateDir });
  logger.info({ stateDir }, `partner sandbox listening on ${sandbox.url}`);

  const shutdown = (signal: NodeJS.Signals) => {
    Promise.all([sandbox.close(), tracing?.shutdown()]).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err, signal }, 'partner sandbox: error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'partner sandbox failed to start');
  process.exit(1);
});
