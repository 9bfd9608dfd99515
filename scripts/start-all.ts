/**
 * The README's start command: brings up the whole embedded system on one machine (Temporal dev server,
 * PostgreSQL and FerretDB on it, partner sandbox, worker, API), waits until each is healthy, and stops every child on
 * Ctrl-C/SIGTERM.
 * A server whose address is given by environment (TEMPORAL_ADDRESS, MONGODB_URI, PARTNER_SANDBOX_URL) is used
 * as it is and not started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadRuntimeConfig, PORT_VARIABLES } from '../config/env';
import { startCaseStore } from './servers/case-store';
import { isPortFree, ManagedProcess, spawnService, waitUntil } from './servers/process';
import { startTemporalDevServer } from './servers/temporal-dev';
import { projectRoot } from './servers/tools';
import { WORKER_READY_LINE } from '../worker/ready-line';


interface PortClaim {
  port: number;
  variable: string;
  what: string;
}

async function main(): Promise<void> {
  const began = Date.now();
  // Children resolve the same configuration from the same environment (config/env.ts).
  const childEnv = process.env;
  const config = loadRuntimeConfig(childEnv);
  const { ports, dataDir } = config;
  const logDir = path.join(dataDir, 'logs');
  const startTemporal = !config.external.temporal;
  const startMongo = !config.external.store;
  const startSandbox = !config.external.sandbox;

  const claims: PortClaim[] = [{ port: ports.api, variable: PORT_VARIABLES.api, what: 'the API' }];
  if (startTemporal) {
    claims.push({ port: ports.temporal, variable: PORT_VARIABLES.temporal, what: 'the Temporal dev server' });
    claims.push({ port: ports.temporalUi, variable: PORT_VARIABLES.temporalUi, what: 'the Temporal Web UI' });
  }
  if (startMongo) {
    claims.push({ port: ports.ferretdb, variable: PORT_VARIABLES.ferretdb, what: 'FerretDB' });
    claims.push({ port: ports.ferretdbDebug, variable: PORT_VARIABLES.ferretdbDebug, what: "FerretDB's debug handler" });
    claims.push({ port: ports.postgres, variable: PORT_VARIABLES.postgres, what: "the case store's PostgreSQL" });
  }
  if (startSandbox) claims.push({ port: ports.sandbox, variable: PORT_VARIABLES.sandbox, what: 'the partner sandbox' });
  for (const claim of claims) {
    if (!(await isPortFree(claim.port))) {
      throw new Error(`port ${claim.port} (${claim.what}) is already in use: stop what holds it or set ${claim.variable} to another port`);
    }
  }

  const children: ManagedProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('stopping...');
    for (const child of [...children].reverse()) await child.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  // Stopped by stopAll from now on; an exit of its own stops everything once it is watched.
  const watch = (child: ManagedProcess) => {
    child.exited.then((code) => {
      if (stopping) return;
      console.error(`${child.name} exited unexpectedly (code ${code}); see ${path.join(logDir, child.name + '.log')}`);
      void stopAll(1);
    });
  };
  const supervise = (child: ManagedProcess) => {
    children.push(child);
    watch(child);
    return child;
  };

  try {
    if (startTemporal) {
      supervise(
        await startTemporalDevServer({
          port: ports.temporal,
          uiPort: ports.temporalUi,
          dbFile: path.join(dataDir, 'temporal.db'),
          logFile: path.join(logDir, 'temporal.log'),
        }),
      );
      console.log(`✓ Temporal dev server  ${config.temporalAddress}`);
    }
    if (startMongo) {
      // PostgreSQL in .data/postgres/, FerretDB's state in .data/ferretdb/. Each is stopped by stopAll as soon as it is
      // up, but watched only once both are: when FerretDB fails to start, startCaseStore stops PostgreSQL itself.
      const store = await startCaseStore({
        dataDir,
        ferretDbPort: ports.ferretdb,
        ferretDbDebugPort: ports.ferretdbDebug,
        postgresPort: ports.postgres,
        logDir,
        onStarted: (server) => {
          children.push(server);
          if (server.name === 'postgres') console.log(`✓ PostgreSQL           127.0.0.1:${ports.postgres}, data in ${path.join(dataDir, 'postgres')}`);
          else console.log(`✓ FerretDB             ${config.mongodbUri}`);
        },
      });
      store.servers.forEach(watch);
      if (fs.readdirSync(path.join(dataDir, 'ferretdb')).some((file) => file.endsWith('.sqlite'))) {
        console.log(`  note: ${path.join(dataDir, 'ferretdb')} still holds the former SQLite case store (*.sqlite); it is no longer read`);
      }
    }
    if (startSandbox) {
      const sandbox = supervise(startNodeService('sandbox', 'scripts/sandbox/main.ts', childEnv, logDir));
      await waitUntil('partner sandbox', () => httpOk(`${config.partnerSandboxUrl}/healthz`), { failFast: sandbox });
      console.log(`✓ partner sandbox      ${config.partnerSandboxUrl}`);
    }
    let workerReady = false;
    const worker = supervise(
      startNodeService('worker', 'worker/main.ts', childEnv, logDir, (line) => {
        if (line.includes(WORKER_READY_LINE)) workerReady = true;
      }),
    );
    await waitUntil('worker', async () => workerReady, { failFast: worker });
    console.log(`✓ worker               task queue ${config.taskQueue}`);
    const apiUrl = `http://${config.apiHost}:${config.apiPort}`;
    const api = supervise(startNodeService('api', 'api/main.ts', childEnv, logDir));
    await waitUntil('API', () => httpOk(`${apiUrl}/readyz`), { failFast: api });
    console.log(`✓ API                  ${apiUrl}`);
    console.log('');
    console.log(`All up in ${((Date.now() - began) / 1000).toFixed(1)} s. Logs in ${logDir}`);
    console.log(`  API:              ${apiUrl}  (OpenAPI at ${apiUrl}/openapi.json)`);
    console.log(`  Console:          ${apiUrl}/console  (sign in with an API key, e.g. dev-supervisor-key)`);
    if (startTemporal) console.log(`  Temporal Web UI:  http://127.0.0.1:${ports.temporalUi}`);
    console.log(`  Try:              curl -s ${apiUrl}/readyz`);
    console.log('Press Ctrl-C to stop everything.');
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await stopAll(1);
  }
}

function startNodeService(name: string, entry: string, env: NodeJS.ProcessEnv, logDir: string, onLine?: (line: string) => void): ManagedProcess {
  return spawnService({
    name,
    command: process.execPath,
    args: ['--import', 'tsx', path.join(projectRoot, entry)],
    cwd: projectRoot,
    env,
    logFile: path.join(logDir, `${name}.log`),
    onLine,
  });
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  return response.ok;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
