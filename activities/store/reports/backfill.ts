import type mongoose from 'mongoose';
import type { CaseView } from '../../../workflows/domain/case';
import { caseViewModel, type CaseViewDocument } from '../case-model';
import { reportFactsModel, toReportFacts } from './report-facts';

const PAGE = 200;

/**
 * Writes the report facts of every stored case view that has none, or older ones: for a store written before the
 * reports existed (the ProjectionWriter keeps them current from then on). Reads case_views in `_id` order, a page at a
 * time; idempotent, and safe beside a running worker (a fact is only ever replaced by a newer version).
 * Answers how many facts it wrote.
 */
export async function backfillReportFacts(store: mongoose.Connection): Promise<number> {
  const Views = caseViewModel(store);
  const Facts = reportFactsModel(store);
  let after: string | undefined;
  let written = 0;
  for (;;) {
    const page = await Views.find({ _id: after === undefined ? { $type: 'string' } : { $gt: after } })
      .sort({ _id: 1 })
      .limit(PAGE)
      .lean<CaseViewDocument[]>()
      .exec();
    if (page.length === 0) return written;
    after = page[page.length - 1]._id;
    for (const doc of page) {
      const stored = await Facts.findById(doc._id, { version: 1 }).lean<{ version: number }>().exec();
      if (stored && stored.version >= doc.version) continue;
      const facts = { ...toReportFacts(doc.view as unknown as CaseView), version: doc.version };
      const result = await Facts.replaceOne({ _id: doc._id, version: { $lt: doc.version } }, facts, { upsert: true }).exec().catch((err: { code?: number }) => {
        // Another writer inserted it meanwhile: theirs is at least as new.
        if (err.code === 11000) return undefined;
        throw err;
      });
      if (result && result.matchedCount + result.upsertedCount > 0) written += 1;
    }
  }
}
