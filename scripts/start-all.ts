/**
 * The README's start command: brings up the whole embedded system on one machine (Temporal dev server,
 * PostgreSQL and FerretDB on it, partner sandbox, WORKER_PROCESSES workers, API), waits until each is healthy, keeps
 * each one running (servers/supervisor.ts: a part that exits is started again with backoff), and stops every child on
 * Ctrl-C/SIGTERM.
 * With --cluster (`npm run start:cluster`) it starts the production shape instead: the Temporal server built from the
 * Go module proxy on PostgreSQL, its UI server, at least two workers, and API_PROCESSES (default 2) API processes behind
 * the one API address; its data in `.data/cluster/` unless DATA_DIR says otherwise.
 * A server whose address is given by environment (TEMPORAL_ADDRESS, MONGODB_URI, PARTNER_SANDBOX_URL) is used
 * as it is and not started.
 */
import fs from 'node:fs';
import path from 'node:path';
import { intFromEnv, loadRuntimeConfig, PORT_VARIABLES } from '../config/env';
import { createLogger } from '../telemetry/logger';
import { startStoreFerretDb, startStorePostgres } from './servers/case-store';
import { startJaeger } from './servers/jaeger';
import { startMailpit } from './servers/mailpit';
import type { PostgresServer } from './servers/postgres';
import { freePort, isPortFree, ManagedProcess, spawnService, waitUntil } from './servers/process';
import { Supervisor } from './servers/supervisor';
import { startTcpBalancer, type TcpBalancer } from './servers/tcp-balancer';
import { startTemporalCluster, startTemporalUi, temporalClusterPorts } from './servers/temporal-cluster';
import { startTemporalDevServer } from './servers/temporal-dev';
import { startZipkin } from './servers/zipkin';
import { projectRoot } from './servers/tools';
import { workerProcessArgs } from '../worker/process-args';
import { WORKER_READY_LINE } from '../worker/ready-line';
import { writeCaseWorkflowBundle } from '../worker/workflow-bundle';

interface PortClaim {
  port: number;
  variable: string;
  what: string;
}

async function main(): Promise<void> {
  const began = Date.now();
  const cluster = process.argv.includes('--cluster');
  // Children resolve the same configuration from the same environment (config/env.ts).
  const baseEnv = cluster ? clusterEnv(process.env) : process.env;
  const config = loadRuntimeConfig(baseEnv);
  const { ports, dataDir } = config;
  const logDir = path.join(dataDir, 'logs');
  const startTemporal = !config.external.temporal;
  const startMongo = !config.external.store;
  const startSandbox = !config.external.sandbox;
  const startMail = !config.external.mail;
  const startJaegerViewer = config.traceViewer === 'jaeger';
  const startZipkinViewer = config.traceViewer === 'zipkin';
  // The supervisor's own events (a part's exit, its restart, the stop) as log lines; the banner below is for the person.
  const logger = createLogger('start-all', config.logLevel);
  // The cluster's Temporal keeps its databases in the case store's PostgreSQL cluster.
  const startPostgres = startMongo || (cluster && startTemporal);

  const claims: PortClaim[] = [{ port: ports.api, variable: PORT_VARIABLES.api, what: 'the API' }];
  if (startTemporal && cluster) {
    for (const port of temporalClusterPorts(ports.temporal)) {
      claims.push({ port, variable: PORT_VARIABLES.temporal, what: `the Temporal server (it takes ${ports.temporal} and the ports after it)` });
    }
  } else if (startTemporal) {
    claims.push({ port: ports.temporal, variable: PORT_VARIABLES.temporal, what: 'the Temporal dev server' });
  }
  if (startTemporal) claims.push({ port: ports.temporalUi, variable: PORT_VARIABLES.temporalUi, what: 'the Temporal Web UI' });
  if (startMongo) {
    claims.push({ port: ports.ferretdb, variable: PORT_VARIABLES.ferretdb, what: 'FerretDB' });
    claims.push({ port: ports.ferretdbDebug, variable: PORT_VARIABLES.ferretdbDebug, what: "FerretDB's debug handler" });
  }
  if (startPostgres) claims.push({ port: ports.postgres, variable: PORT_VARIABLES.postgres, what: 'PostgreSQL' });
  if (startSandbox) claims.push({ port: ports.sandbox, variable: PORT_VARIABLES.sandbox, what: 'the partner sandbox' });
  if (startMail) {
    claims.push({ port: ports.mailSmtp, variable: PORT_VARIABLES.mailSmtp, what: "mailpit's SMTP" });
    claims.push({ port: ports.mailUi, variable: PORT_VARIABLES.mailUi, what: "mailpit's web inbox" });
  }
  if (startZipkinViewer) claims.push({ port: ports.zipkin, variable: PORT_VARIABLES.zipkin, what: "Zipkin's web UI, query API and span intake" });
  if (startJaegerViewer) {
    claims.push({ port: ports.jaegerUi, variable: PORT_VARIABLES.jaegerUi, what: "Jaeger's UI and query API" });
    claims.push({ port: ports.jaegerOtlp, variable: PORT_VARIABLES.jaegerOtlp, what: "Jaeger's OTLP receiver" });
  }
  for (const claim of claims) {
    if (!(await isPortFree(claim.port))) {
      throw new Error(`port ${claim.port} (${claim.what}) is already in use: stop what holds it or set ${claim.variable} to another port`);
    }
  }

  const partsStatusFile = path.join(dataDir, 'parts.json');
  // The API's /readyz names a part the supervisor is restarting (api/parts-status.ts).
  // Customer e-mail to the embedded mailpit, unless given from outside; spans to the embedded trace viewer too.
  const childEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    PARTS_STATUS_FILE: partsStatusFile,
    ...(startMail && { SMTP_URL: `smtp://127.0.0.1:${ports.mailSmtp}` }),
    ...(startJaegerViewer && { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.jaegerOtlp}` }),
    ...(startZipkinViewer && { OTEL_EXPORTER_ZIPKIN_ENDPOINT: `http://127.0.0.1:${ports.zipkin}/api/v2/spans` }),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  // The workflow code bundled once, while the servers start, for every worker and every restart of one.
  const bundleFile = config.workflowBundlePath ?? path.join(dataDir, 'workflow-bundle.js');
  // With TRACE_WORKFLOWS, the bundle carries Temporal's workflow interceptors for the workers to trace workflow code.
  const { traceWorkflows } = loadRuntimeConfig(childEnv);
  const bundled = config.workflowBundlePath ? Promise.resolve() : writeCaseWorkflowBundle(bundleFile, { traceWorkflows });
  bundled.catch(() => undefined); // awaited before the workers start
  const supervisor = new Supervisor({ statusFile: partsStatusFile, log: (line) => logger.warn(line) });
  const workerNames = Array.from({ length: config.workerProcesses }, (_, i) => `worker-${i + 1}`);
  const apiNames = cluster ? Array.from({ length: intFromEnv(baseEnv, 'API_PROCESSES', 2) || 1 }, (_, i) => `api-${i + 1}`) : ['api'];
  let balancer: TcpBalancer | undefined;
  let stopping = false;
  const stopAll = async (code: number, reason?: string) => {
    if (stopping) return;
    stopping = true;
    if (reason) logger.error(`stopping: ${reason}`);
    logger.info('stopping...');
    // The API first, the workers while Temporal still answers their drain, the servers last (PostgreSQL after Temporal).
    await balancer?.close();
    await supervisor.stopAll([apiNames, workerNames, ['sandbox', 'mailpit'], ['temporal-ui'], ['ferretdb'], ['temporal', 'jaeger', 'zipkin'], ['postgres']]);
    fs.rmSync(partsStatusFile, { force: true });
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  // A closed terminal or pipe must not crash the supervisor before it has stopped its children.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  void supervisor.gaveUp.then((reason) => stopAll(1, `${reason}; see ${logDir}`));

  try {
    // PostgreSQL in .data/postgres/, FerretDB's state in .data/ferretdb/; each restarted on its own (FerretDB and the
    // Temporal server reconnect to a restarted PostgreSQL).
    const postgres = startPostgres
      ? ((await supervisor.add({
          name: 'postgres',
          start: () => startStorePostgres({ dataDir, port: ports.postgres, logFile: path.join(logDir, 'postgres.log') }),
        })) as PostgresServer)
      : undefined;
    if (postgres) console.log(`✓ PostgreSQL           127.0.0.1:${ports.postgres}, data in ${path.join(dataDir, 'postgres')}`);
    if (startTemporal && postgres && cluster) {
      const temporalPostgres = { port: ports.postgres, user: new URL(postgres.url).username };
      await supervisor.add({
        name: 'temporal',
        start: () => startTemporalCluster({ port: ports.temporal, postgres: temporalPostgres, namespace: config.temporalNamespace, logFile: path.join(logDir, 'temporal.log') }),
      });
      console.log(`✓ Temporal server      ${config.temporalAddress}, on PostgreSQL (databases temporal, temporal_visibility)`);
      await supervisor.add({
        name: 'temporal-ui',
        start: () => startTemporalUi({ port: ports.temporalUi, temporalAddress: config.temporalAddress, logFile: path.join(logDir, 'temporal-ui.log') }),
      });
    } else if (startTemporal) {
      await supervisor.add({
        name: 'temporal',
        start: () => startTemporalDevServer({ port: ports.temporal, uiPort: ports.temporalUi, dbFile: path.join(dataDir, 'temporal.db'), logFile: path.join(logDir, 'temporal.log') }),
      });
      console.log(`✓ Temporal dev server  ${config.temporalAddress}`);
    }
    if (startMongo && postgres) {
      const backend = { handler: 'postgresql' as const, url: postgres.url };
      await supervisor.add({
        name: 'ferretdb',
        start: () => startStoreFerretDb({ dataDir, backend, port: ports.ferretdb, debugPort: ports.ferretdbDebug, logFile: path.join(logDir, 'ferretdb.log') }),
      });
      console.log(`✓ FerretDB             ${config.mongodbUri}`);
      if (fs.readdirSync(path.join(dataDir, 'ferretdb')).some((file) => file.endsWith('.sqlite'))) {
        console.log(`  note: ${path.join(dataDir, 'ferretdb')} still holds the former SQLite case store (*.sqlite); it is no longer read`);
      }
    }
    if (startZipkinViewer) {
      await supervisor.add({ name: 'zipkin', start: () => startZipkin({ port: ports.zipkin, logFile: path.join(logDir, 'zipkin.log') }) });
      console.log(`✓ Zipkin               http://127.0.0.1:${ports.zipkin}/zipkin/`);
    }
    if (startJaegerViewer) {
      await supervisor.add({
        name: 'jaeger',
        start: async () => (await startJaeger({ uiPort: ports.jaegerUi, otlpPort: ports.jaegerOtlp, configDir: dataDir, logFile: path.join(logDir, 'jaeger.log') })).process,
      });
      console.log(`✓ Jaeger               http://127.0.0.1:${ports.jaegerUi}  (OTLP on ${ports.jaegerOtlp})`);
    }
    if (startMail) {
      await supervisor.add({
        name: 'mailpit',
        start: async () => (await startMailpit({ smtpPort: ports.mailSmtp, uiPort: ports.mailUi, dbFile: path.join(dataDir, 'mailpit', 'mailpit.db'), logFile: path.join(logDir, 'mailpit.log') })).process,
      });
      console.log(`✓ mailpit              smtp://127.0.0.1:${ports.mailSmtp}`);
    }
    if (startSandbox) {
      await supervisor.add({
        name: 'sandbox',
        start: () => startNodeService('sandbox', 'sandbox/main.ts', childEnv, logDir, () => httpOk(`${config.partnerSandboxUrl}/healthz`)),
      });
      console.log(`✓ partner sandbox      ${config.partnerSandboxUrl}`);
    }
    await bundled;
    const workersEnv = { ...childEnv, WORKFLOW_BUNDLE_PATH: bundleFile };
    await Promise.all(
      workerNames.map((name, i) => supervisor.add({ name, start: () => startWorkerProcess(name, workerEnv(workersEnv, i), logDir) })),
    );
    console.log(`✓ worker × ${workerNames.length}           task queue ${config.taskQueue}`);
    const apiUrl = `http://${config.apiHost}:${config.apiPort}`;
    if (cluster) {
      // Each API process on a port of its own, chosen once (a restarted one comes back on it), behind the API address.
      const backends = [];
      for (const name of apiNames) {
        const backend = { host: '127.0.0.1', port: await freePort() };
        const env = { ...childEnv, API_HOST: backend.host, API_PORT: String(backend.port) };
        await supervisor.add({ name, start: () => startNodeService(name, 'api/main.ts', env, logDir, () => httpOk(`http://127.0.0.1:${backend.port}/healthz`)) });
        backends.push(backend);
      }
      balancer = await startTcpBalancer({ host: config.apiHost, port: config.apiPort }, backends);
    } else {
      await supervisor.add({ name: 'api', start: () => startNodeService('api', 'api/main.ts', childEnv, logDir, () => httpOk(`${apiUrl}/healthz`)) });
    }
    await waitUntil('API', () => httpOk(`${apiUrl}/readyz`));
    console.log(`✓ API${cluster ? ` × ${apiNames.length}` : '    '}              ${apiUrl}`);
    console.log('');
    console.log(`All up in ${((Date.now() - began) / 1000).toFixed(1)} s. Logs in ${logDir}`);
    console.log(`  API:              ${apiUrl}  (OpenAPI at ${apiUrl}/openapi.json)`);
    console.log(`  Console:          ${apiUrl}/console  (sign in with an API key, e.g. dev-supervisor-key)`);
    if (startTemporal) console.log(`  Temporal Web UI:  http://127.0.0.1:${ports.temporalUi}`);
    if (startMail) console.log(`  Mail inbox:       http://127.0.0.1:${ports.mailUi}  (customer e-mail)`);
    if (startZipkinViewer) console.log(`  Traces:           http://127.0.0.1:${ports.zipkin}/zipkin/?annotationQuery=case.id%3D<case id>  (a case's traces)`);
    if (startJaegerViewer) console.log(`  Traces:           http://127.0.0.1:${ports.jaegerUi}/api/traces?service=api&tags={"case.id":"<case id>"}`);
    console.log(`  Try:              curl -s ${apiUrl}/readyz`);
    console.log(`A part that exits is started again (logged here, counted in /readyz and ${partsStatusFile}).`);
    console.log('Press Ctrl-C to stop everything.');
  } catch (err) {
    logger.error(err instanceof Error ? err.message : String(err));
    await stopAll(1);
  }
}

/** start:cluster's defaults: its own data directory (its Temporal keeps other histories than the dev server's), two workers at least. */
function clusterEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    DATA_DIR: env.DATA_DIR || path.join(projectRoot, '.data', 'cluster'),
    WORKER_PROCESSES: env.WORKER_PROCESSES || String(Math.max(2, loadRuntimeConfig(env).workerProcesses)),
  };
}

/** Each worker its own metrics ports when they are asked for (WORKER_METRICS_PORT, TEMPORAL_SDK_METRICS_PORT + its index). */
function workerEnv(env: NodeJS.ProcessEnv, index: number): NodeJS.ProcessEnv {
  const moved = { ...env };
  for (const variable of ['WORKER_METRICS_PORT', 'TEMPORAL_SDK_METRICS_PORT']) {
    const base = intFromEnv(env, variable, 0);
    if (base) moved[variable] = String(base + index);
  }
  return moved;
}

async function startWorkerProcess(name: string, env: NodeJS.ProcessEnv, logDir: string): Promise<ManagedProcess> {
  let ready = false;
  const worker = spawnNode(name, workerProcessArgs(), env, logDir, (line) => {
    if (line.includes(WORKER_READY_LINE)) ready = true;
  });
  return whenReady(worker, name, async () => ready);
}

async function startNodeService(name: string, entry: string, env: NodeJS.ProcessEnv, logDir: string, ready: () => Promise<boolean>): Promise<ManagedProcess> {
  return whenReady(spawnNode(name, ['--import', 'tsx', path.join(projectRoot, entry)], env, logDir), name, ready);
}

async function whenReady(child: ManagedProcess, name: string, ready: () => Promise<boolean>): Promise<ManagedProcess> {
  try {
    await waitUntil(name, ready, { timeoutMs: 120_000, failFast: child });
  } catch (err) {
    await child.stop(2000);
    throw err;
  }
  return child;
}

function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, onLine?: (line: string) => void): ManagedProcess {
  return spawnService({
    name,
    command: process.execPath,
    args,
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
