import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PartnerActivities } from '../../activities/partners';
import type { CaseView } from '../domain/case';
import { sideTaskQueues } from '../task-queues';

export interface StoreActivities {
  /** `historyLength`: when the version was made, for a write before its workflow task completed (the store sink). */
  projectCase(view: CaseView, historyLength?: number): Promise<'written' | 'stale'>;
}

/** The daily quality sample (workflows/quality). */
export interface QualityActivities {
  sampleClosedCases(input: { day: string }): Promise<{ day: string; closed: number; caseIds: string[]; drawn: boolean }>;
}

/** Packing closed cases' clock histories for the what-if (workflows/what-if): answers how many it packed. */
export interface WhatIfActivities {
  packClosedClockHistories(): Promise<number>;
}

export type CaseActivities = PartnerActivities & StoreActivities & QualityActivities & WhatIfActivities;
export type NotificationActivities = Pick<PartnerActivities, 'notifyCustomer' | 'notifyMerchant' | 'notifyStaff' | 'pageOnCall'>;

/**
 * Money and goods: retried until they succeed or the partner refuses; the idempotency key makes retries safe. At most a
 * minute apart, so a refund goes out within a minute of the partner's recovery: with 10 minutes, ten failed attempts
 * in a row (one refund of 500 in `npm run faults`, payment failing 35 % of calls) left it waiting 8.5 minutes more.
 * The retry policy is not part of replay: older histories replay.
 */
export const partnerActions = proxyActivities<PartnerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['RefundRefused', 'PartnerRejected', 'IdempotencyKeyReused'],
  },
});

/**
 * Messages to people, on their own task queue. They run beside the case (no clock or refund waits on them), so they are
 * retried through a partner outage for up to a day before the failure goes in the audit trail: a few attempts (about
 * 15 s) skipped every message of a two-minute outage. The retry policy is not part of replay: older histories replay.
 */
export function notifications(): NotificationActivities {
  return proxyActivities<NotificationActivities>({
    taskQueue: sideTaskQueues(workflowInfo().taskQueue).notifications,
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '1 day',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });
}

/** Store writes, on their own task queue; the writer bounds each attempt, so a hung store fails the attempt and it is retried. */
export function store(): StoreActivities {
  return proxyActivities<StoreActivities>({
    taskQueue: sideTaskQueues(workflowInfo().taskQueue).projection,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
}
