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

export function createNotificationAdapter(deps: PartnerAdapterDeps) {
  const post = partnerPoster(deps);
  return {
    async notifyCustomer({ idempotencyKey, ...body }: NotifyCustomerInput): Promise<NotifyCustomerResult> {
      return post<NotifyCustomerResult>('/customer', idempotencyKey, body, ['messageId']);
    },
  };
}
