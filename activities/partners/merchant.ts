import { partnerPoster, type PartnerAdapterDeps } from './http';

export interface NotifyMerchantInput {
  idempotencyKey: string;
  caseId: string;
  merchantId: string;
  /** e.g. 'return_requested', 'review_reminder', 'goods_shipped_back' */
  event: string;
  message: string;
}
export interface NotifyMerchantResult {
  notificationId: string;
}

export function createMerchantAdapter(deps: PartnerAdapterDeps) {
  const post = partnerPoster(deps);
  return {
    async notifyMerchant({ idempotencyKey, ...body }: NotifyMerchantInput): Promise<NotifyMerchantResult> {
      return post<NotifyMerchantResult>('/notifications', idempotencyKey, body, ['notificationId']);
    },
  };
}
