import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { createScheduleOnce } from './schedule-once';

export const SETTLEMENT_SCHEDULE_ID = 'monthly-settlement';

/**
 * The Temporal Schedule that settles the month before on the 1st of each month at 02:00 UTC, created once (a schedule
 * already there is left as it is). A missed run is caught up within a week.
 */
export function ensureSettlementSchedule(client: Client, taskQueue: string): Promise<void> {
  return createScheduleOnce(client, {
    scheduleId: SETTLEMENT_SCHEDULE_ID,
    spec: { calendars: [{ dayOfMonth: 1, hour: 2, minute: 0, comment: 'the month before (UTC)' }] },
    action: { type: 'startWorkflow', workflowType: 'settlementPeriodWorkflow', taskQueue, workflowId: 'monthly-settlement' },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '7 days' },
  });
}
