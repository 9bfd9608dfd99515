import { partnerPoster, type PartnerAdapterDeps } from './http';

export interface IssueRefundInput {
  /** Derive from case id + step (e.g. `${caseId}:refund:1`): a retry must reuse it so the refund happens at most once. */
  idempotencyKey: string;
  caseId: string;
  orderId: string;
  amountCents: number;
  /** ISO 4217, e.g. 'CNY' */
  currency: string;
}
export interface IssueRefundResult {
  refundId: string;
  status: 'succeeded';
}

/** Refunds always go to the original payment method. A refusal throws a non-retryable 'RefundRefused'. */
export function createPaymentAdapter(deps: PartnerAdapterDeps) {
  const post = partnerPoster(deps);
  return {
    async issueRefund({ idempotencyKey, ...body }: IssueRefundInput): Promise<IssueRefundResult> {
      return post<IssueRefundResult>('/refunds', idempotencyKey, { ...body, method: 'original' }, ['refundId', 'status']);
    },
  };
}
