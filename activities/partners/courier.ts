import { companyPoster, type CompanyAdapterDeps } from './company-endpoint';
import { expectFields } from './http';

/** The courier company a call is for (the order's, or the return leg's); absent in calls scheduled before companies: the kind's URL. */
interface ForCompany {
  companyId?: string;
}

export interface RequestCourierPickupInput extends ForCompany {
  idempotencyKey: string;
  caseId: string;
  orderId: string;
  /** Pickup address: free text or a structured address. */
  address: string | Record<string, unknown>;
}
export interface RequestCourierPickupResult {
  pickupId: string;
  trackingNumber: string;
}

export interface CheckOutboundWeightInput extends ForCompany {
  idempotencyKey: string;
  caseId: string;
  orderId: string;
  trackingNumber?: string;
  /** The warehouse company whose recorded outbound weight the courier's is compared with. */
  warehouseId?: string;
}
export interface CheckOutboundWeightResult {
  recordedWeightGrams: number;
  measuredWeightGrams: number;
  /** true → the warehouse bears the missing item. */
  mismatch: boolean;
}

export interface FileCourierClaimInput extends ForCompany {
  idempotencyKey: string;
  caseId: string;
  orderId?: string;
  reason: string;
  /** Charged to the courier's monthly settlement. */
  amountCents: number;
}
export interface FileCourierClaimResult {
  claimId: string;
}

/** The platform asks the courier for specific evidence in a dispute (e.g. the handover record of a parcel). */
export interface RequestCourierEvidenceInput extends ForCompany {
  idempotencyKey: string;
  caseId: string;
  orderId: string;
  trackingNumber: string;
  request: string;
}
export interface CourierEvidenceAnswer {
  evidenceId: string;
  trackingNumber: string;
  kind: string;
  uri: string;
  events: Array<{ event: string; at: string; detail: string }>;
}
/** The courier took the request and answers later, by its callback (courier event `evidence` naming evidenceRequestId). */
export interface CourierEvidencePending {
  status: 'pending';
  evidenceRequestId: string;
  trackingNumber: string;
}
export type RequestCourierEvidenceResult = CourierEvidenceAnswer | CourierEvidencePending;

export function createCourierAdapter(deps: CompanyAdapterDeps) {
  const postFor = companyPoster(deps, 'courier');
  return {
    async requestCourierPickup({ idempotencyKey, ...body }: RequestCourierPickupInput): Promise<RequestCourierPickupResult> {
      return postFor(body.companyId)<RequestCourierPickupResult>('/pickups', idempotencyKey, body, ['pickupId', 'trackingNumber']);
    },
    async checkOutboundWeight({ idempotencyKey, ...body }: CheckOutboundWeightInput): Promise<CheckOutboundWeightResult> {
      return postFor(body.companyId)<CheckOutboundWeightResult>('/weight-checks', idempotencyKey, body, [
        'recordedWeightGrams',
        'measuredWeightGrams',
        'mismatch',
      ]);
    },
    async fileCourierClaim({ idempotencyKey, ...body }: FileCourierClaimInput): Promise<FileCourierClaimResult> {
      return postFor(body.companyId)<FileCourierClaimResult>('/claims', idempotencyKey, body, ['claimId']);
    },
    async requestCourierEvidence({ idempotencyKey, ...body }: RequestCourierEvidenceInput): Promise<RequestCourierEvidenceResult> {
      const answer = await postFor(body.companyId)<{ status?: string }>('/evidence-requests', idempotencyKey, body, []);
      if (answer.status === 'pending') return expectFields<CourierEvidencePending>('courier evidence-requests', answer, ['evidenceRequestId', 'trackingNumber']);
      return expectFields<CourierEvidenceAnswer>('courier evidence-requests', answer, ['evidenceId', 'trackingNumber', 'kind', 'uri', 'events']);
    },
  };
}
