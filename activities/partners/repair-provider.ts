/** The repair provider (issue 9): repair orders for goods sent to repair, instructions on them, and maintenance service bookings. Progress comes back by callback (POST /callbacks/repair). */
import { companyPoster, type CompanyAdapterDeps } from './company-endpoint';

export interface DispatchRepairInput {
  /** The repair provider company (the order's); absent in calls scheduled before companies: the kind's URL. */
  companyId?: string;
  /** One per case (`<caseId>:repair-dispatch`): a retry, a restarted worker or a replay never opens a second repair. */
  idempotencyKey: string;
  caseId: string;
  orderId: string;
  sku: string;
  fault: string;
  /** Out of warranty or misuse: the provider quotes before repairing. */
  chargeable: boolean;
  /** The courier's tracking number when the goods were collected. */
  inboundTrackingNumber?: string;
}
export interface DispatchRepairResult {
  repairOrderId: string;
}

export interface InstructRepairInput {
  /** The repair provider company (the order's); absent in calls scheduled before companies: the kind's URL. */
  companyId?: string;
  idempotencyKey: string;
  caseId: string;
  repairOrderId: string;
  /** proceed: the customer accepted the quote; return_unrepaired: declined, send the goods back. */
  instruction: 'proceed' | 'return_unrepaired';
}
export interface InstructRepairResult {
  instructionId: string;
}

export interface BookServiceInput {
  /** The repair provider company (the order's); absent in calls scheduled before companies: the kind's URL. */
  companyId?: string;
  /** One per booking of the case (`<caseId>:service-booking:<n>`): a reschedule is a new booking. */
  idempotencyKey: string;
  caseId: string;
  orderId: string;
  packageSku: string;
  /** Epoch ms of the slot. */
  slotAt: number;
}
export interface BookServiceResult {
  bookingId: string;
}

export function createRepairProviderAdapter(deps: CompanyAdapterDeps) {
  const postFor = companyPoster(deps, 'repair_provider');
  return {
    async dispatchRepair({ idempotencyKey, ...body }: DispatchRepairInput): Promise<DispatchRepairResult> {
      return postFor(body.companyId)<DispatchRepairResult>('/orders', idempotencyKey, body, ['repairOrderId']);
    },
    async bookService({ idempotencyKey, ...body }: BookServiceInput): Promise<BookServiceResult> {
      return postFor(body.companyId)<BookServiceResult>('/service-bookings', idempotencyKey, body, ['bookingId']);
    },
    async instructRepair({ idempotencyKey, ...body }: InstructRepairInput): Promise<InstructRepairResult> {
      return postFor(body.companyId)<InstructRepairResult>('/instructions', idempotencyKey, body, ['instructionId']);
    },
  };
}
