/**
 * Packs the clock histories of cases closed since the last packing (activities/store/what-if/history-store.ts), started
 * by the `clock-history-packing` Temporal Schedule every few minutes, so that a what-if simulation reads packed chunks
 * and never packs inside its request.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { WhatIfActivities } from '../case/activities';

const { packClosedClockHistories } = proxyActivities<WhatIfActivities>({
  // 100,000 closings at once took 25 to 55 s on 2 loaded cores.
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes' },
});

export async function clockHistoryPackingWorkflow(): Promise<{ packed: number }> {
  return { packed: await packClosedClockHistories() };
}
