import { createLogger, type LogLevel } from '../../telemetry/logger';

/** A pino logger (as every process makes it) whose lines are kept, parsed. */
export function capturedLogger(level: LogLevel = 'info') {
  const entries: Array<Record<string, unknown>> = [];
  const logger = createLogger('test', level, { write: (line: string) => void entries.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, entries };
}
