/**
 * The daily quality sample (seed 002 四(二)): started by the `quality-sampling` Temporal Schedule shortly after midnight
 * UTC, it samples the cases closed the day before (or the day it is given). The store keeps each day's sample, so a
 * second run for a day, scheduled or by hand, answers the same sample.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { QualityActivities } from '../case/activities';

const { sampleClosedCases } = proxyActivities<QualityActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export async function qualitySamplingWorkflow(day?: string): Promise<{ day: string; closed: number; caseIds: string[]; drawn: boolean }> {
  const sampled = day ?? new Date(workflowInfo().startTime.getTime() - 86_400_000).toISOString().slice(0, 10);
  return sampleClosedCases({ day: sampled });
}
