/**
 * How late a clock's warning or breach ran after the instant it was due, recorded through the workflow metric meter
 * (Temporal SDK): not recorded while replaying, no command or history event, so it needs no patch. The worker's
 * Core exporter (TEMPORAL_SDK_METRICS_PORT) exposes it on the worker's /metrics, under this name (its `temporal_` prefix
 * is for the SDK's own metrics), with the workflow type, namespace and task queue beside its own labels.
 */
import { metricMeter } from '@temporalio/workflow';
import type { DueEvent } from './clock';

export const DEADLINE_LATENESS_METRIC = 'case_deadline_lateness_seconds';
/** Seconds: from a timer on time to a worker or server down for an hour. */
export const DEADLINE_LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** One sample per firing, labelled by clock and event (warn, breach); `now` is the workflow time the action runs at. */
export function recordDeadlineLateness(due: DueEvent, now: number): void {
  metricMeter
    .createHistogram(DEADLINE_LATENESS_METRIC, 'float', 's', 'From the instant a clock was due (its warning or deadline) to its action running in the workflow')
    .record((now - due.at) / 1000, { clock: due.name, event: due.kind });
}
