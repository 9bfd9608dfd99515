import type { SendStatementInput, SendStatementResult } from '../../activities/partners/statements';
import type { SettledParty, Statement } from '../contract/settlement';

/** What the settlement workflows ask of the store and the parties (activities/settlement.ts). */
export interface SettlementActivities {
  /** The parties with ledger entries in the period, and the settlement settings of the deployment. */
  listSettlementParties(input: { period: string }): Promise<{ parties: Array<{ party: SettledParty; partyId: string }>; confirmHours: number; lateThreshold: number }>;
  buildStatement(input: { period: string; party: SettledParty; partyId: string; confirmHours: number }): Promise<Statement>;
  saveStatement(statement: Statement): Promise<'written' | 'stale'>;
  sendStatement(input: SendStatementInput): Promise<SendStatementResult>;
  recordReversal(input: { key: string; statementId: string; note: string; atMs: number }): Promise<'recorded' | 'known'>;
  debitDeposit(input: { statementId: string; merchantId: string; period: string; amountCents: number; currency: string; lineKeys: string[]; atMs: number }): Promise<'recorded' | 'known'>;
  flagLateMerchant(input: { merchantId: string; period: string; threshold: number; atMs: number }): Promise<{ lateHandling: number; flagged: boolean }>;
}
