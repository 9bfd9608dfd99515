/**
 * The worker process's Temporal runtime: logs as JSON lines (with the case id: a workflow's and an activity's log
 * carry their workflowId, which is the case id) and, when TEMPORAL_SDK_METRICS_PORT is set, the SDK's Prometheus
 * exporter on that port (worker/metrics.ts appends it to the worker's /metrics).
 */
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

export function jsonLine(entry: LogEntry): string {
  const meta = entry.meta ?? {};
  const caseId = (meta as { caseId?: unknown }).caseId ?? (meta as { workflowId?: unknown }).workflowId;
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return JSON.stringify({ time, level: entry.level, message: entry.message, ...(typeof caseId === 'string' && caseId.startsWith('case-') && { caseId }), ...meta });
}

export function installWorkerRuntime(sdkMetricsPort?: number): void {
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry) => process.stdout.write(`${jsonLine(entry)}\n`)),
    ...(sdkMetricsPort !== undefined && { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}` } } } }),
  });
}
