/**
 * The opt-in trace viewer with a web UI (TRACE_VIEWER=zipkin): Zipkin server, in memory, on one loopback port for its
 * web UI (Lens, at /zipkin/), its query API (/api/v2/...) and the spans every process posts (/api/v2/spans).
 */
import { type ManagedProcess, spawnService, waitUntil } from './process';
import { versionedToolPath } from './tools';

export interface ZipkinOptions {
  port: number;
  logFile?: string;
}

/** The oldest spans are dropped past this (the server's default, 500,000, outgrows the heap its wrapper gives it). */
const MAX_SPANS = 100_000;

export async function startZipkin({ port, logFile }: ZipkinOptions): Promise<ManagedProcess> {
  const url = `http://127.0.0.1:${port}`;
  const server = spawnService({
    name: 'zipkin',
    command: versionedToolPath('zipkin'),
    // Spring Boot properties: a listed port replaces the whole default list, so each field of it is given.
    args: [`--armeria.ports[0].ip=127.0.0.1`, `--armeria.ports[0].port=${port}`, '--armeria.ports[0].protocols[0]=http', `--zipkin.storage.mem.max-spans=${MAX_SPANS}`],
    logFile,
  });
  try {
    // A JVM: 10-30 s here, depending on the load.
    await waitUntil(`Zipkin on ${url}`, async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok, { timeoutMs: 120_000, failFast: server });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}
