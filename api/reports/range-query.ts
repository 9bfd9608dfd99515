import { z } from 'zod';
import { id } from '../../workflows/contract';
// For its side effect: extendZodWithOpenApi(z), which .openapi() below needs.
import '../schemas';

/** The widest range one report covers. */
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
export const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, 'an ISO 8601 date (2026-11-01) or date-time with its offset (2026-11-01T08:00:00Z)')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a calendar date');

/**
 * Cases opened in [from, to). A date alone is a UTC day: `from` its start, `to` its end (so from=to=2026-11-01 is
 * that whole day); a date-time is taken as it is.
 */
export const rangeFields = {
  from: instant.openapi({ description: 'First day (UTC) or instant of the range, inclusive', example: '2026-11-01' }),
  to: instant.openapi({ description: 'Last day (UTC, inclusive) or instant (exclusive) of the range', example: '2026-11-30' }),
};

/** The range's bounds in epoch ms: [fromMs, toMs). */
export function rangeMs(q: { from: string; to: string }): { fromMs: number; toMs: number } {
  return { fromMs: Date.parse(q.from), toMs: Date.parse(q.to) + (DATE_ONLY.test(q.to) ? DAY_MS : 0) };
}

export function checkRange(q: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const { fromMs, toMs } = rangeMs(q);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) return;
  if (toMs <= fromMs) ctx.addIssue({ code: 'custom', path: ['to'], message: 'the range ends before it starts: `to` must not be before `from`' });
  else if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a range covers at most ${MAX_RANGE_DAYS} days` });
}

const companyId = id.optional().openapi({ description: 'Only the cases this partner company (courier, warehouse or repair provider) handles' });

/** A report's range, with a merchant to narrow it to when the report takes one, and a partner company. */
export const ReportRangeQuery = z
  .strictObject({ ...rangeFields, companyId, merchantId: id.optional().openapi({ description: 'One merchant only (the merchant-scorecard route; a merchant key always reads its own)' }) })
  .superRefine(checkRange);
export const ReportRangeQueryWithoutMerchant = z.strictObject({ ...rangeFields, companyId }).superRefine(checkRange);
