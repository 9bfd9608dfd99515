/**
 * Every process's logger (pino): one JSON object a line on stdout, with the process's name, the trace and span ids of
 * the active OpenTelemetry span, and the case id when the caller or the Temporal SDK names one. The level comes from
 * config/env.ts (LOG_LEVEL).
 */
import { trace } from '@opentelemetry/api';
import pino from 'pino';

export type Logger = pino.Logger;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The active span's ids, in the field names OpenTelemetry's log data model uses. */
function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

export function createLogger(name: string, level: LogLevel, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    destination,
  );
}

/** A case id is a workflow id that starts with `case-` (api/cases.ts derives them from the idempotency key). */
export function caseIdOf(workflowId: unknown): string | undefined {
  return typeof workflowId === 'string' && workflowId.startsWith('case-') ? workflowId : undefined;
}
