/**
 * The Temporal runtime's logging for the bench: core and SDK warnings forwarded to one logger, which prints errors and
 * unexpected warnings in one line each and only counts the expected background noise of a loaded system — activity
 * attempts that failed (to be retried) or finished after their timeout — so the summary can report them.
 */
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';

export interface BackgroundTrouble {
  failedAttempts: number;
  lateCompletions: number;
  /** First failure's message, shortened. */
  firstFailure?: string;
}

export interface BenchRuntimeLog {
  trouble: BackgroundTrouble;
  /** Drops every later message: after an interrupt the workers only report that the servers are gone. */
  silence(): void;
}

export function installBenchRuntime(): BenchRuntimeLog {
  const trouble: BackgroundTrouble = { failedAttempts: 0, lateCompletions: 0 };
  let silent = false;
  const logger = new DefaultLogger('WARN', (entry: LogEntry) => {
    if (silent) return;
    if (entry.message === 'Activity failed') {
      trouble.failedAttempts++;
      const error = (entry.meta as { error?: { message?: string } } | undefined)?.error;
      trouble.firstFailure ??= `${entry.meta?.activityType ?? 'activity'}: ${String(error?.message ?? 'unknown error').replace(/\[[^\]]*\]\s*/g, '').slice(0, 160)}`;
      return;
    }
    if (entry.message.startsWith('Activity not found on completion')) {
      trouble.lateCompletions++;
      return;
    }
    // The no-op worker has no activities by design.
    if (entry.message.startsWith('No activities registered')) return;
    console.error(`[${entry.level}] ${entry.message}`);
  });
  // The bench stops the workers itself, on its own signal handlers.
  Runtime.install({ logger, shutdownSignals: [], telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } } });
  return { trouble, silence: () => void (silent = true) };
}
