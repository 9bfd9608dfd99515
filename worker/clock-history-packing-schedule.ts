import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { createScheduleOnce } from './schedule-once';

export const CLOCK_HISTORY_PACKING_SCHEDULE_ID = 'clock-history-packing';

/**
 * The Temporal Schedule that packs closed cases' clock histories every 10 minutes (workflows/what-if), created once. A
 * run still packing when the next is due is left alone (the next skipped); a simulation reads what is not packed yet
 * from the histories themselves.
 */
export function ensureClockHistoryPackingSchedule(client: Client, taskQueue: string): Promise<void> {
  return createScheduleOnce(client, {
    scheduleId: CLOCK_HISTORY_PACKING_SCHEDULE_ID,
    spec: { intervals: [{ every: '10 minutes' }] },
    action: { type: 'startWorkflow', workflowType: 'clockHistoryPackingWorkflow', taskQueue, workflowId: 'clock-history-packing' },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
  });
}
