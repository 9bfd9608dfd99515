/**
 * Monthly settlement (seed 003 快递月结, 001 商家责任): the statement a courier, the warehouse or a merchant gets for a
 * closed month, the party's answer per line and the supervisor's decision on a disputed line.
 */
import { z } from 'zod';
import { Limit } from './case';
import { id, text } from './common';

/** The parties settled monthly: the others on the ledger (customer, platform) are not. */
export const SETTLED_PARTIES = ['courier', 'warehouse', 'merchant'] as const;
export type SettledParty = (typeof SETTLED_PARTIES)[number];

/** A closed month, `YYYY-MM`. */
export const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM').openapi({ example: '2026-11' });

export const STATEMENT_STATUSES = ['sending', 'awaiting_party', 'awaiting_supervisor', 'settled'] as const;
export const LINE_RESPONSES = ['pending', 'confirmed', 'disputed'] as const;

export const StatementLine = z.object({
  key: z.string().openapi({ description: 'The ledger entry the line settles' }),
  caseId: z.string(),
  amountCents: z.int(),
  currency: z.string(),
  reason: z.string(),
  at: z.int().openapi({ description: 'When the entry was recorded (epoch ms)' }),
  response: z.enum(LINE_RESPONSES),
  /** Who answered: the party's caller id, or `silence` when the limit passed. */
  respondedBy: z.string().optional(),
  respondedAt: z.int().optional(),
  disputeReason: z.string().optional(),
  resolution: z.enum(['upheld', 'reversed']).optional(),
  resolvedBy: z.string().optional(),
  resolvedAt: z.int().optional(),
  resolutionNote: z.string().optional(),
});
export type StatementLine = z.infer<typeof StatementLine>;

export const Statement = z
  .object({
    statementId: z.string(),
    period: z.string(),
    party: z.enum(SETTLED_PARTIES),
    partyId: z.string(),
    status: z.enum(STATEMENT_STATUSES),
    currency: z.string(),
    totalCents: z.int(),
    lines: z.array(StatementLine),
    sentAt: z.int().optional(),
    receiptId: z.string().optional(),
    respondBy: z.int().optional().openapi({ description: 'Lines not answered by then are confirmed (epoch ms)' }),
    confirmWindow: Limit.optional().openapi({ description: 'How long the party had to answer, from sending: the policy’s statementConfirmWindow' }),
    /** Statements issued before the window came from the policy: whole hours. */
    confirmHours: z.int().optional(),
    /** Merchants: the deposit debited for the confirmed charges, and the late-handling flag. */
    depositDebitCents: z.int().optional(),
    lateHandling: z.int().optional(),
    flagged: z.boolean().optional(),
    settledAt: z.int().optional(),
    revision: z.int(),
  })
  .openapi('Statement');
export type Statement = z.infer<typeof Statement>;

/** The party's answer: each listed line confirmed or disputed (with a reason); lines left out stay pending. */
export const StatementResponse = z
  .strictObject({
    lines: z
      .array(z.strictObject({ key: z.string().min(1).max(300), decision: z.enum(['confirm', 'dispute']), reason: text(2000).optional() }))
      .min(1)
      .max(5000),
  })
  .superRefine((body, ctx) => {
    body.lines.forEach((line, i) => {
      if (line.decision === 'dispute' && !line.reason) ctx.addIssue({ code: 'custom', path: ['lines', i, 'reason'], message: 'a disputed line needs its reason' });
    });
  })
  .openapi('StatementResponse', { example: { lines: [{ key: 'case-1:charge:courier:transit_damage', decision: 'dispute', reason: 'parcel signed for intact' }] } });
export type StatementResponse = z.infer<typeof StatementResponse>;

/** A supervisor's decision on a disputed line: the charge stands (uphold) or is reversed by an entry of its own. */
export const DisputeDecision = z
  .strictObject({ key: z.string().min(1).max(300), decision: z.enum(['uphold', 'reverse']), note: text(2000) })
  .openapi('DisputeDecision', { example: { key: 'case-1:charge:courier:transit_damage', decision: 'reverse', note: 'signed for intact: the damage happened after delivery' } });
export type DisputeDecision = z.infer<typeof DisputeDecision>;

/** Who acts on a statement (checked by the workflow too). */
export const StatementActor = z.object({ id, role: z.string(), partyId: z.string().optional() });
export type StatementActor = z.infer<typeof StatementActor>;

export const statementWorkflowId = (p: string, party: SettledParty, partyId: string) => `statement-${p}-${party}-${partyId}`;

/** The month `YYYY-MM` as [start, end) in UTC epoch ms. */
export function periodRange(p: string): { fromMs: number; toMs: number } {
  const [y, m] = p.split('-').map(Number);
  return { fromMs: Date.UTC(y, m - 1, 1), toMs: Date.UTC(y, m, 1) };
}

/** The month before the one `atMs` falls in (UTC), `YYYY-MM`: the last closed period. */
export function previousPeriod(atMs: number): string {
  const d = new Date(atMs);
  const prev = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return `${prev.getUTCFullYear()}-${String(prev.getUTCMonth() + 1).padStart(2, '0')}`;
}
