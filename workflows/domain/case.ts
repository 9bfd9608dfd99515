/** The case's domain types, inferred from the contract (workflows/contract/case.ts), and what a case is opened with. */
import type { z } from 'zod';
import type * as contract from '../contract/case';
import type { CasePolicy, RecordedPolicy } from '../policy';
import type { PolicyRules, PriorityLevel } from '../policy-rules';
import type { Actor, EvidenceRef } from './parties';

export { CASE_KINDS, REFUND_ONLY_GROUNDS, RETURN_REASONS } from '../contract/case';

export type CaseKind = (typeof contract.CASE_KINDS)[number];
export type CaseStatus = (typeof contract.CASE_STATUSES)[number];
export type ReturnReason = (typeof contract.RETURN_REASONS)[number];
export type RefundOnlyGround = (typeof contract.REFUND_ONLY_GROUNDS)[number];
export type OrderSnapshot = z.infer<typeof contract.OrderSnapshot>;
export type CustomerContact = z.infer<typeof contract.CustomerContact>;
export type KindDetails = z.infer<typeof contract.KindDetails>;
export type AuditEntry = z.infer<typeof contract.AuditEntry>;
export type RefundRecord = z.infer<typeof contract.RefundRecord>;
export type ReshipRecord = z.infer<typeof contract.ReshipRecord>;
export type ChargeRecord = z.infer<typeof contract.ChargeRecord>;
export type Escalation = z.infer<typeof contract.Escalation>;
export type OpenBreach = z.infer<typeof contract.OpenBreach>;
export type CaseFacts = z.infer<typeof contract.CaseFacts>;
export type ClaimItem = z.infer<typeof contract.ClaimItem>;
export type RefundLine = z.infer<typeof contract.RefundLine>;
export type ItemInspection = z.infer<typeof contract.ItemInspection>;
/** Everything a query returns about a case; also the projection written to the case store. */
export type CaseView = z.infer<typeof contract.CaseView>;
export type PartnerCaseView = z.infer<typeof contract.PartnerCaseView>;

export interface CaseInput {
  caseId: string;
  kind: CaseKind;
  /** The policy the case was opened under, as recorded: keys added since may be absent. */
  policy: RecordedPolicy;
  openedBy: Actor;
  /** Epoch ms when the request was received (the registration clock counts from here). */
  receivedAt: number;
  channel: 'online' | 'phone' | 'email';
  customer: CustomerContact;
  order?: OrderSnapshot;
  description: string;
  evidence: EvidenceRef[];
  details: KindDetails;
  /** Priority given when the case was opened (a ticket may get one at registration instead). */
  priority?: PriorityLevel;
  /** The rules of the policy version, when it has overrides: a change of priority matches them again. */
  policyRules?: PolicyRules;
  /** The override of the version that matched when the case opened. */
  policyOverride?: string;
  /** A complaint about the result of this closed case (POST /cases/:id/complaints). */
  aboutCaseId?: string;
  /** Hash of the create request the case was opened by (its Idempotency-Key's body); absent on older cases. */
  requestHash?: string;
}

/** A case's input as the workflow runs it: its policy, and its version's rules, completed (completePolicy). */
export type CompletedCaseInput = Omit<CaseInput, 'policy' | 'policyRules'> & { policy: CasePolicy; policyRules?: PolicyRules<CasePolicy> };
