import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { createScheduleOnce } from './schedule-once';

export const QUALITY_SCHEDULE_ID = 'quality-sampling';

/**
 * The Temporal Schedule that draws the daily quality sample at 00:30 UTC, created once (a schedule already there is
 * left as it is). Missed runs are caught up for a day, one at a time.
 */
export function ensureQualitySchedule(client: Client, taskQueue: string): Promise<void> {
  return createScheduleOnce(client, {
    scheduleId: QUALITY_SCHEDULE_ID,
    spec: { calendars: [{ hour: 0, minute: 30, comment: 'the cases closed the day before (UTC)' }] },
    action: { type: 'startWorkflow', workflowType: 'qualitySamplingWorkflow', taskQueue, workflowId: 'quality-sampling' },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
  });
}
