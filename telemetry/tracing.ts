/**
 * A process's OpenTelemetry traces, exported over OTLP/HTTP and/or as Zipkin JSON to the endpoints config/env.ts names
 * (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_ZIPKIN_ENDPOINT): incoming and outgoing HTTP (the API's requests, the
 * partner calls made with fetch, the sandbox's answers) are instrumented here; Temporal's interceptors
 * (worker/tracing.ts, api/main.ts) and the store write (activities/store/case-activities.ts) add their spans to the same
 * traces through the W3C context.
 */
import type { IncomingMessage } from 'node:http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface Tracing {
  resource: Resource;
  spanProcessor: SpanProcessor;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/** Probes and scrapes: no trace of their own. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export interface TraceExport {
  otlpEndpoint?: string;
  /** The full URL spans are posted to (Zipkin's /api/v2/spans). */
  zipkinEndpoint?: string;
}

export function startTracing(serviceName: string, { otlpEndpoint, zipkinEndpoint }: TraceExport): Tracing | undefined {
  const exporters: SpanExporter[] = [];
  if (otlpEndpoint) exporters.push(new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces` }));
  if (zipkinEndpoint) exporters.push(new ZipkinExporter({ url: zipkinEndpoint }));
  if (exporters.length === 0) return undefined;
  const resource = new Resource({ 'service.name': serviceName });
  const spanProcessor = fanOut(exporters.map((exporter) => new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const disable = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req: IncomingMessage) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
        // Only incoming requests: outgoing calls are fetch (undici, below); the exporter's own posts stay untraced.
        ignoreOutgoingRequestHook: () => true,
      }),
      new UndiciInstrumentation(),
    ],
  });
  // The instrumentation patches http when it is next required: express loaded it before this ran, so load it again.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('http');
  return {
    resource,
    spanProcessor,
    shutdown: async () => {
      disable();
      await provider.shutdown();
    },
  };
}

/** One processor for all the exporters: Temporal's workflow span sink (worker/tracing.ts) takes a single one. */
function fanOut(processors: SpanProcessor[]): SpanProcessor {
  if (processors.length === 1) return processors[0];
  return {
    onStart: (span, context) => processors.forEach((p) => p.onStart(span, context)),
    onEnd: (span) => processors.forEach((p) => p.onEnd(span)),
    forceFlush: async () => void (await Promise.all(processors.map((p) => p.forceFlush()))),
    shutdown: async () => void (await Promise.all(processors.map((p) => p.shutdown()))),
  };
}
