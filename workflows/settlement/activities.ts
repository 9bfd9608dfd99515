import type { SendStatementInput, SendStatementResult } from '../../activities/partners/statements';
import type { SettledParty, Statement } from '../contract/settlement';
import type { BusinessCalendar, Limit } from '../sla/calendar';

/** How long a party has to answer its statement: the policy's window, counted on its calendar. */
export interface ConfirmWindow {
  confirmWindow: Limit;
  calendar: BusinessCalendar;
}

/** The settlement settings in force when a month is settled. */
export type SettlementSettings = { lateThreshold: number } & (ConfirmWindow | LegacyConfirmHours);

/** Results and inputs recorded before statement windows came from the policy: whole hours. */
export interface LegacyConfirmHours {
  confirmHours: number;
}

/** What the settlement workflows ask of the store and the parties (activities/settlement.ts). */
export interface SettlementActivities {
  /** The parties with ledger entries in the period, and the settlement settings in force (the active policy's window). */
  listSettlementParties(input: { period: string }): Promise<{ parties: Array<{ party: SettledParty; partyId: string }> } & SettlementSettings>;
  buildStatement(input: { period: string; party: SettledParty; partyId: string; confirmWindow: Limit }): Promise<Statement>;
  saveStatement(statement: Statement): Promise<'written' | 'stale'>;
  sendStatement(input: SendStatementInput): Promise<SendStatementResult>;
  recordReversal(input: { key: string; statementId: string; note: string; atMs: number }): Promise<'recorded' | 'known'>;
  debitDeposit(input: { statementId: string; merchantId: string; period: string; amountCents: number; currency: string; lineKeys: string[]; atMs: number }): Promise<'recorded' | 'known'>;
  flagLateMerchant(input: { merchantId: string; period: string; threshold: number; atMs: number }): Promise<{ lateHandling: number; flagged: boolean }>;
}
