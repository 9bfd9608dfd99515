/** Runs the partner sandbox: `tsx scripts/sandbox/main.ts` on the port and host config/env.ts resolves (SANDBOX_PORT, SANDBOX_HOST). */
import path from 'node:path';
import { loadRuntimeConfig } from '../../config/env';
import { startSandbox } from './app';

async function main(): Promise<void> {
  const config = loadRuntimeConfig();
  // Its records, idempotency keys and fault rules survive a restart (scripts/sandbox/journal.ts).
  const stateDir = path.join(config.dataDir, 'sandbox');
  const sandbox = await startSandbox({ port: config.ports.sandbox, host: config.sandboxHost, stateDir });
  console.log(`partner sandbox listening on ${sandbox.url}, state in ${stateDir}`);

  const shutdown = (signal: NodeJS.Signals) => {
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`partner sandbox: error while stopping on ${signal}`, err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error('partner sandbox failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
