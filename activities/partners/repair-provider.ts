/** The repair provider (issue 9): repair orders for goods sent to repair, instructions on them, and maintenance service bookings. Progress comes back by callback (POST /callbacks/repair). */
import { partnerPoster, type PartnerAdapterDeps } from './http';

export interface DispatchRepairInput {
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

export function createRepairProviderAdapter(deps: PartnerAdapterDeps) {
  const post = partnerPoster(deps);
  return {
    async dispatchRepair({ idempotencyKey, ...body }: DispatchRepairInput): Promise<DispatchRepairResult> {
      return post<DispatchRepairResult>('/orders', idempotencyKey, body, ['repairOrderId']);
    },
    async bookService({ idempotencyKey, ...body }: BookServiceInput): Promise<BookServiceResult> {
      return post<BookServiceResult>('/service-bookings', idempotencyKey, body, ['bookingId']);
    },
    async instructRepair({ idempotencyKey, ...body }: InstructRepairInput): Promise<InstructRepairResult> {
      return post<InstructRepairResult>('/instructions', idempotencyKey, body, ['instructionId']);
    },
  };
}
