import type mongoose from 'mongoose';
import { reportFactsModel, type ReportFacts } from './report-facts';

/**
 * The most cases one report reads. Reports are computed in Node over the compact facts of the cases opened in the
 * range (case_report_facts), read through the index { openedAt, _id } (or { merchantId, openedAt }). A larger range is
 * refused rather than read slowly.
 */
export const MAX_REPORT_CASES = 20_000;

export interface ReportRange {
  from: Date;
  to: Date;
  /** Only this merchant's cases. */
  merchantId?: string;
  /** Only the cases this partner company handles. */
  companyId?: string;
}

export class RangeTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} cases were opened in the range`);
  }
}

/** The facts of every case opened in [from, to). Throws RangeTooLargeError past `limit`. */
export async function readReportFacts(store: mongoose.Connection, range: ReportRange, limit = MAX_REPORT_CASES): Promise<ReportFacts[]> {
  const filter: Record<string, unknown> = { openedAt: { $gte: range.from, $lt: range.to } };
  if (range.merchantId !== undefined) filter.merchantId = { $eq: range.merchantId };
  if (range.companyId !== undefined) filter.companies = { $eq: range.companyId };
  // Unsorted: the reports order what they show themselves, and a sort would make FerretDB read and sort every match.
  const facts = await reportFactsModel(store)
    .find(filter)
    .limit(limit + 1)
    .lean<ReportFacts[]>()
    .exec();
  if (facts.length > limit) throw new RangeTooLargeError(limit);
  return facts;
}
