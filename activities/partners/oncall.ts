import { partnerPoster, type PartnerAdapterDeps } from './http';

export type PageSeverity = 'critical' | 'high' | 'medium' | 'low';

export interface PageOnCallInput {
  idempotencyKey: string;
  caseId: string;
  severity: PageSeverity;
  message: string;
}
export interface PageOnCallResult {
  pageId: string;
}

export function createOnCallAdapter(deps: PartnerAdapterDeps) {
  const post = partnerPoster(deps);
  return {
    async pageOnCall({ idempotencyKey, ...body }: PageOnCallInput): Promise<PageOnCallResult> {
      return post<PageOnCallResult>('/pages', idempotencyKey, body, ['pageId']);
    },
  };
}
