import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const QUALITY_SCHEDULE_ID = 'quality-sampling';

/**
 * The Temporal Schedule that draws the daily quality sample at 00:30 UTC, created once (a schedule already there is
 * left as it is). Missed runs are caught up for a day, one at a time.
 */
export async function ensureQualitySchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: QUALITY_SCHEDULE_ID,
      spec: { calendars: [{ hour: 0, minute: 30, comment: 'the cases closed the day before (UTC)' }] },
      action: { type: 'startWorkflow', workflowType: 'qualitySamplingWorkflow', taskQueue, workflowId: 'quality-sampling' },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
