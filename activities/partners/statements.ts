/**
 * Monthly statements to the parties settled monthly (seed 003 快递月结, 001 商家责任): each courier company, warehouse
 * and merchant receives its own at its partner endpoint (`/statements` under the company's own URL when it has one,
 * else under the courier's, warehouse's or merchant's URL). One HTTP attempt per call; the statement's id is the idempotency key, so a retry never sends twice.
 */
import type { SettledParty, StatementLine } from '../../workflows/contract/settlement';
import type { PartnerCompany } from '../../workflows/domain/partner-companies';
import { companyUrl } from './company-endpoint';
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

export function createStatementAdapter(urls: Pick<PartnerUrls, SettledParty>, companies: readonly PartnerCompany[] = [], common: Omit<PartnerAdapterDeps, 'baseUrl'> = {}): StatementPartnerActivities {
  const baseUrlOf = (party: SettledParty, partyId: string) => (party === 'merchant' ? urls.merchant : companyUrl(companies, party, partyId, urls[party]));
  return {
    async sendStatement({ idempotencyKey, party, ...body }: SendStatementInput): Promise<SendStatementResult> {
      return partnerPoster({ ...common, baseUrl: baseUrlOf(party, body.partyId) })<SendStatementResult>('/statements', idempotencyKey, body, ['receiptId']);
    },
  };
}
