import { proxyActivities } from '@temporalio/workflow';
import type { PartnerActivities } from '../../activities/partners';
import type { CaseView } from '../domain/case';

export interface StoreActivities {
  projectCase(view: CaseView): Promise<'written' | 'stale'>;
}

export type CaseActivities = PartnerActivities & StoreActivities;

/** Money and goods: retried until they succeed or the partner refuses; the idempotency key makes retries safe. */
export const partnerActions = proxyActivities<PartnerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '10 minutes',
    nonRetryableErrorTypes: ['RefundRefused', 'PartnerRejected', 'IdempotencyKeyReused'],
  },
});

/** Messages to people: a few attempts, then the case goes on and the failure is in the audit trail. */
export const notifications = proxyActivities<Pick<PartnerActivities, 'notifyCustomer' | 'notifyMerchant' | 'pageOnCall'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

export const store = proxyActivities<StoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
