/**
 * Partner activities. Register the returned object on the worker:
 *   activities: { ...createPartnerActivities({ urls: loadRuntimeConfig().partnerUrls }) }
 * Each activity makes exactly one HTTP attempt and takes an explicit idempotencyKey (derive it from
 * case id + step in the workflow so every retry of the step reuses it). Business refusals are
 * non-retryable ApplicationFailures (see PartnerFailureType); transport failures are retryable and
 * are retried by the activity's RetryPolicy.
 */
import { createCourierAdapter } from './courier';
import { createErpAdapter } from './erp';
import type { PartnerAdapterDeps } from './http';
import { createMerchantAdapter } from './merchant';
import { createNotificationAdapter } from './notification';
import { createOnCallAdapter } from './oncall';
import { createPaymentAdapter } from './payment';
import type { PartnerUrls } from './urls';
import type { PartnerCompany } from '../../workflows/domain/partner-companies';
import type { NotifyMerchantInput, NotifyMerchantResult } from './merchant';
import type {
  CheckOutboundWeightInput,
  CheckOutboundWeightResult,
  FileCourierClaimInput,
  FileCourierClaimResult,
  RequestCourierEvidenceInput,
  RequestCourierEvidenceResult,
  RequestCourierPickupInput,
  RequestCourierPickupResult,
} from './courier';
import type { IssueRefundInput, IssueRefundResult } from './payment';
import type { NotifyCustomerInput, NotifyCustomerResult, NotifyStaffInput, NotifyStaffResult } from './notification';
import type { CreateReshipOrderInput, CreateReshipOrderResult } from './erp';
import type { PageOnCallInput, PageOnCallResult } from './oncall';
import { createRepairProviderAdapter, type BookServiceInput, type BookServiceResult, type DispatchRepairInput, type DispatchRepairResult, type InstructRepairInput, type InstructRepairResult } from './repair-provider';

export * from './http';
export * from './urls';
export type * from './merchant';
export type * from './courier';
export type * from './payment';
export type * from './notification';
export type * from './erp';
export type * from './oncall';
export type * from './repair-provider';
export { createMerchantAdapter } from './merchant';
export { createCourierAdapter } from './courier';
export { createPaymentAdapter } from './payment';
export { createNotificationAdapter } from './notification';
export { createErpAdapter } from './erp';
export { createOnCallAdapter } from './oncall';
export { createRepairProviderAdapter } from './repair-provider';

export interface PartnerActivities {
  notifyMerchant(input: NotifyMerchantInput): Promise<NotifyMerchantResult>;
  requestCourierPickup(input: RequestCourierPickupInput): Promise<RequestCourierPickupResult>;
  checkOutboundWeight(input: CheckOutboundWeightInput): Promise<CheckOutboundWeightResult>;
  fileCourierClaim(input: FileCourierClaimInput): Promise<FileCourierClaimResult>;
  requestCourierEvidence(input: RequestCourierEvidenceInput): Promise<RequestCourierEvidenceResult>;
  issueRefund(input: IssueRefundInput): Promise<IssueRefundResult>;
  notifyCustomer(input: NotifyCustomerInput): Promise<NotifyCustomerResult>;
  notifyStaff(input: NotifyStaffInput): Promise<NotifyStaffResult>;
  createReshipOrder(input: CreateReshipOrderInput): Promise<CreateReshipOrderResult>;
  pageOnCall(input: PageOnCallInput): Promise<PageOnCallResult>;
  dispatchRepair(input: DispatchRepairInput): Promise<DispatchRepairResult>;
  instructRepair(input: InstructRepairInput): Promise<InstructRepairResult>;
  bookService(input: BookServiceInput): Promise<BookServiceResult>;
}

export interface PartnerActivitiesDeps {
  urls: PartnerUrls;
  /** The partner companies (config/partner-companies.ts): a courier's or repair provider's call goes to its company's own URL when it has one. */
  companies?: readonly PartnerCompany[];
  /** Per-attempt HTTP timeout (default 10 s); keep it below the activities' startToCloseTimeout. */
  timeoutMs?: number;
  /** For tests. */
  fetchImpl?: typeof fetch;
}

export function createPartnerActivities(deps: PartnerActivitiesDeps): PartnerActivities {
  const common: Omit<PartnerAdapterDeps, 'baseUrl'> = { timeoutMs: deps.timeoutMs, fetchImpl: deps.fetchImpl };
  return {
    ...createMerchantAdapter({ ...common, baseUrl: deps.urls.merchant }),
    ...createCourierAdapter({ ...common, baseUrl: deps.urls.courier, companies: deps.companies }),
    ...createPaymentAdapter({ ...common, baseUrl: deps.urls.payment }),
    ...createNotificationAdapter({ ...common, baseUrl: deps.urls.notification }),
    ...createErpAdapter({ ...common, baseUrl: deps.urls.erp }),
    ...createOnCallAdapter({ ...common, baseUrl: deps.urls.oncall }),
    ...createRepairProviderAdapter({ ...common, baseUrl: deps.urls.repair, companies: deps.companies }),
  };
}
