/**
 * The opt-in trace viewer (TRACE_VIEWER=jaeger): Jaeger v2 with in-memory storage, receiving OTLP/HTTP from every process
 * and answering its query API (and UI) on its own port. Its configuration is written for the ports config/env.ts gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type ManagedProcess, spawnService, waitUntil } from './process';
import { versionedToolPath } from './tools';

export interface JaegerOptions {
  uiPort: number;
  otlpPort: number;
  /** Where its configuration file is written. */
  configDir: string;
  logFile?: string;
}

export interface Jaeger {
  process: ManagedProcess;
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the processes. */
  otlpEndpoint: string;
  uiUrl: string;
}

function jaegerConfig({ uiPort, otlpPort }: JaegerOptions): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: memory_store
    http:
      endpoint: 127.0.0.1:${uiPort}
    grpc:
      endpoint: 127.0.0.1:0
  jaeger_storage:
    backends:
      memory_store:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:${otlpPort}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: memory_store
`;
}

export async function startJaeger(options: JaegerOptions): Promise<Jaeger> {
  const configFile = path.join(options.configDir, 'jaeger.yaml');
  fs.mkdirSync(options.configDir, { recursive: true });
  fs.writeFileSync(configFile, jaegerConfig(options));
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  // Its own traces would go to an OTLP receiver on 4317 by default: none is there.
  const env = { ...process.env, OTEL_TRACES_EXPORTER: 'none' };
  const server = spawnService({ name: 'jaeger', command: versionedToolPath('jaeger'), args: [`--config=${configFile}`], env, logFile: options.logFile });
  try {
    await waitUntil(`Jaeger on ${uiUrl}`, async () => (await fetch(`${uiUrl}/api/services`, { signal: AbortSignal.timeout(1000) })).ok, { failFast: server });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { process: server, otlpEndpoint: `http://127.0.0.1:${options.otlpPort}`, uiUrl };
}
