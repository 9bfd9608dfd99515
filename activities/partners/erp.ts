import { partnerPoster, type PartnerAdapterDeps } from './http';

export interface ReshipItem {
  sku: string;
  quantity: number;
  name?: string;
}
export interface CreateReshipOrderInput {
  idempotencyKey: string;
  caseId: string;
  orderId: string;
  items: ReshipItem[];
}
export interface CreateReshipOrderResult {
  erpOrderId: string;
}

export function createErpAdapter(deps: PartnerAdapterDeps) {
  const post = partnerPoster(deps);
  return {
    async createReshipOrder({ idempotencyKey, ...body }: CreateReshipOrderInput): Promise<CreateReshipOrderResult> {
      return post<CreateReshipOrderResult>('/reship-orders', idempotencyKey, body, ['erpOrderId']);
    },
  };
}
