/**
 * The worker's part of a trace: each activity a span (a child of the workflow's, or of the client call's when the
 * workflow is traced too), its logs carrying the trace id; with TRACE_WORKFLOWS, the workflow's own spans, made inside
 * its sandbox by Temporal's workflow interceptors and handed out through the `exporter` sink. The interceptor module
 * has to be bundled with the workflow code (worker/workflow-bundle.ts), so the bundle and the sink go together.
 */
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Tracing } from '../telemetry/tracing';

/** Temporal's workflow interceptors (inbound, outbound and internals), as a module the bundler adds. */
export const WORKFLOW_TRACING_MODULE = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

export function workerTracingOptions(tracing: Tracing | undefined, traceWorkflows: boolean): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!tracing) return {};
  return {
    interceptors: {
      activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
    },
    ...(traceWorkflows && { sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } }),
  };
}
