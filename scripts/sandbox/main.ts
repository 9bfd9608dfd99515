/** Runs the partner sandbox: `tsx scripts/sandbox/main.ts` (SANDBOX_PORT, default 4100; SANDBOX_HOST, default 127.0.0.1). */
import { startSandbox } from './app';

async function main(): Promise<void> {
  const port = Number(process.env.SANDBOX_PORT ?? 4100);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`SANDBOX_PORT must be a port number, got ${process.env.SANDBOX_PORT}`);
  }
  const sandbox = await startSandbox({ port, host: process.env.SANDBOX_HOST ?? '127.0.0.1' });
  console.log(`partner sandbox listening on ${sandbox.url}`);

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
