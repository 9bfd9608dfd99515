/**
 * The worker process's Temporal runtime: the SDK's logs (its own, the core's forwarded ones, and every workflow's and
 * activity's `log`) go through the process's pino logger, with the case id (a workflow's and an activity's log carry
 * their workflowId, which is the case id) and, when TEMPORAL_SDK_METRICS_PORT is set, the SDK's Prometheus exporter on
 * that port (worker/metrics.ts appends it to the worker's /metrics).
 */
import type { LogLevel as SdkLogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { caseIdOf, type Logger } from '../telemetry/logger';
import { DEADLINE_LATENESS_BUCKETS, DEADLINE_LATENESS_METRIC } from '../workflows/sla/deadline-lateness';

const PINO_LEVEL: Record<SdkLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The SDK's Logger interface over pino: the meta become the line's fields, the workflow id its case id. */
export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: SdkLogLevel, message: string, meta: LogMetadata = {}) => {
    const caseId = caseIdOf(meta.caseId) ?? caseIdOf(meta.workflowId);
    logger[PINO_LEVEL[level]]({ ...meta, ...(caseId && { caseId }) }, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}

export function installWorkerRuntime(logger: Logger, sdkMetricsPort?: number): void {
  Runtime.install({
    logger: sdkLogger(logger),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(sdkMetricsPort !== undefined && { metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}`, histogramBucketOverrides: { [DEADLINE_LATENESS_METRIC]: DEADLINE_LATENESS_BUCKETS } } } }),
    },
  });
}
