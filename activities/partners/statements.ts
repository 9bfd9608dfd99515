/**
 * Monthly statements to the parties settled monthly (seed 003 快递月结, 001 商家责任): the courier, the warehouse and
 * each merchant receive theirs at their own partner endpoint (`/statements` under the courier's, warehouse's or
 * merchant's URL). One HTTP attempt per call; the statement's id is the idempotency key, so a retry never sends twice.
 */
import type { SettledParty, StatementLine } from '../../workflows/contract/settlement';
import { partnerPoster, type PartnerAdapterDeps } from './http';
import type { PartnerUrls } from './urls';

export interface SendStatementInput {
  idempotencyKey: string;
  party: SettledParty;
  partyId: string;
  statementId: string;
  period: string;
  totalCents: number;
  currency: string;
  lines: Array<Pick<StatementLine, 'key' | 'caseId' | 'amountCents' | 'reason'>>;
}
export interface SendStatementResult {
  receiptId: string;
}

export interface StatementPartnerActivities {
  sendStatement(input: SendStatementInput): Promise<SendStatementResult>;
}

export function createStatementAdapter(urls: Pick<PartnerUrls, SettledParty>, common: Omit<PartnerAdapterDeps, 'baseUrl'> = {}): StatementPartnerActivities {
  const posters = { courier: partnerPoster({ ...common, baseUrl: urls.courier }), warehouse: partnerPoster({ ...common, baseUrl: urls.warehouse }), merchant: partnerPoster({ ...common, baseUrl: urls.merchant }) };
  return {
    async sendStatement({ idempotencyKey, party, ...body }: SendStatementInput): Promise<SendStatementResult> {
      return posters[party]<SendStatementResult>('/statements', idempotencyKey, body, ['receiptId']);
    },
  };
}
