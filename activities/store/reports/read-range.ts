import type mongoose from 'mongoose';
import type { CaseView } from '../../../workflows/domain/case';
import { caseModel, caseViewModel, type CaseViewDocument } from '../case-model';

/**
 * The most cases one report reads. Reports are computed in Node over the full views of the cases opened in the range:
 * the ids come from the summary index { openedAt, _id } (or { merchantId, openedAt }), then each view by `_id`, which
 * FerretDB answers from PostgreSQL's primary key. A larger range is refused instead of read slowly.
 */
export const MAX_REPORT_CASES = 20_000;

/** View reads in flight at once: enough to keep FerretDB busy without starving the API's other requests. */
const VIEW_READ_CONCURRENCY = 8;

export interface ReportRange {
  from: Date;
  to: Date;
  /** Only this merchant's cases. */
  merchantId?: string;
}

export class RangeTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} cases were opened in the range`);
  }
}

/** The views of every case opened in [from, to), in opening order. Throws RangeTooLargeError past MAX_REPORT_CASES. */
export async function readCaseViews(store: mongoose.Connection, range: ReportRange, limit = MAX_REPORT_CASES): Promise<CaseView[]> {
  const filter: Record<string, unknown> = { openedAt: { $gte: range.from, $lt: range.to } };
  if (range.merchantId !== undefined) filter.merchantId = { $eq: range.merchantId };
  const ids = await caseModel(store)
    .find(filter, { _id: 1 })
    .sort({ openedAt: 1, _id: 1 })
    .limit(limit + 1)
    .lean<Array<{ _id: string }>>()
    .exec();
  if (ids.length > limit) throw new RangeTooLargeError(limit);

  const Views = caseViewModel(store);
  const views: Array<CaseView | undefined> = new Array(ids.length);
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const i = next++;
      const doc = await Views.findOne({ _id: { $eq: ids[i]._id } }, { view: 1 }).lean<CaseViewDocument>().exec();
      views[i] = doc?.view as CaseView | undefined;
    }
  };
  await Promise.all(Array.from({ length: Math.min(VIEW_READ_CONCURRENCY, ids.length) }, lane));
  // A summary without its view (written apart, so possible for an instant) is left out rather than guessed.
  return views.filter((v): v is CaseView => v !== undefined);
}
