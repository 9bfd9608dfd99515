/**
 * One-off: writes the reports' facts (case_report_facts) for the cases of a store written before the reports existed.
 * `npx tsx tools/backfill-report-facts.ts` against MONGODB_URI (default: the embedded store of `npm start`, which must
 * be running). Idempotent; safe while the worker runs.
 */
import { syncCaseIndexes } from '../activities/store/case-model';
import { openStore } from '../activities/store/connection';
import { backfillReportFacts } from '../activities/store/reports/backfill';
import { loadRuntimeConfig } from '../config/env';

async function main(): Promise<void> {
  const store = await openStore(loadRuntimeConfig().mongodbUri);
  try {
    await syncCaseIndexes(store);
    console.log(`report facts written: ${await backfillReportFacts(store)}`);
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
