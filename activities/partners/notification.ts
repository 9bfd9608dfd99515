import { partnerPoster, type PartnerAdapterDeps } from './http';

export interface NotifyCustomerInput {
  idempotencyKey: string;
  caseId: string;
  channel: 'sms' | 'email';
  /** e.g. 'return_approved', 'refund_issued', 'satisfaction_survey' */
  template: string;
  /** Phone number or e-mail; omitted → the gateway uses the contact on file for the case. */
  to?: string;
  variables?: Record<string, string | number | boolean>;
}
export interface NotifyCustomerResult {
  messageId: string;
}

/** A message to a staff role's queue (platform, senior agents, agents): an escalation that needs someone to act. */
export interface NotifyStaffInput {
  idempotencyKey: string;
  caseId: string;
  role: string;
  message: string;
}
export interface NotifyStaffResult {
  messageId: string;
}

export function createNotificationAdapter(deps: PartnerAdapterDeps) {
  const post = partnerPoster(deps);
  return {
    async notifyCustomer({ idempotencyKey, ...body }: NotifyCustomerInput): Promise<NotifyCustomerResult> {
      return post<NotifyCustomerResult>('/customer', idempotencyKey, body, ['messageId']);
    },
    async notifyStaff({ idempotencyKey, ...body }: NotifyStaffInput): Promise<NotifyStaffResult> {
      return post<NotifyStaffResult>('/staff', idempotencyKey, body, ['messageId']);
    },
  };
}
