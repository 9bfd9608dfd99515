/**
 * Times the report routes at their target size: REPORT_CASES (default 10,000) cases opened in the range, plus as many
 * opened before it (which the range's index read skips), each a full case view written as the worker writes it
 * (toCaseProjection). Not part of `npm test`; run it by hand: `npx tsx tools/bench/report-query.ts` (after
 * `bash scripts/provision.sh`). Starts FerretDB on PostgreSQL over a temporary directory, and the API in this process
 * (called over real HTTP); prints wall time p50 / max per route over REPORT_SAMPLES (default 5) requests, one at a time.
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { toCaseProjection } from '../../activities/store/case-activities';
import { caseModel, caseViewModel, syncCaseIndexes } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { reportFactsModel } from '../../activities/store/reports/report-facts';
import { createApp } from '../../api/app';
import { DEV_API_KEYS } from '../../config/api-keys';
import { loadPolicy } from '../../config/policy';
import { seedView } from '../../test/api/seed';
import { startDevMongo } from '../../test/support/servers';
import type { CaseView } from '../../workflows/domain/case';

const IN_RANGE = Number(process.env.REPORT_CASES ?? 10_000);
const SAMPLES = Number(process.env.REPORT_SAMPLES ?? 5);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RANGE_START = Date.UTC(2026, 9, 1);

/** A closed or open case with a met or breached review clock, a survey and audit entries like a real one's. */
function benchView(i: number, openedAt: number): CaseView {
  const closed = i % 3 !== 0;
  const breached = i % 7 === 0;
  const view = seedView({
    id: `case-bench-${String(i).padStart(6, '0')}`,
    merchantId: `merchant-${i % 40}`,
    agentId: i % 5 === 0 ? undefined : `agent-${i % 25}`,
    openedAt,
    ...(closed && { closedAt: openedAt + ((i * 7919) % 120) * HOUR }),
    clocks: [
      { name: 'merchant_review', owner: 'merchant', deadline: openedAt + 48 * HOUR, status: breached ? 'breached' : 'satisfied', ...(breached ? {} : { satisfiedAt: openedAt + 5 * HOUR }) },
      { name: 'refund_start', owner: 'merchant', deadline: openedAt + 3 * DAY, status: closed ? 'satisfied' : 'running' },
    ],
  });
  const audit = Array.from({ length: 12 }, (_, k) => ({ seq: k + 1, at: openedAt + k * HOUR, actor: { id: 'case-workflow', role: 'system' as const }, action: `step_${k}`, fromStatus: 'a', toStatus: 'b', reason: 'a reason of some length for the audit trail' }));
  return { ...view, audit, ...(closed && { survey: { sentAt: openedAt + DAY, ...(i % 2 === 0 && { rating: 1 + (i % 5) }) } }) };
}

async function main(): Promise<void> {
  const mongo = await startDevMongo('report_bench');
  const store = await openStore(mongo.uri);
  try {
    await syncCaseIndexes(store);
    const total = IN_RANGE * 2;
    const loadStart = performance.now();
    for (let start = 0; start < total; start += 1000) {
      const batch = Array.from({ length: Math.min(1000, total - start) }, (_, k) => {
        const i = start + k;
        // The first half opens before the range, the second half in it (30 days).
        const openedAt = i < IN_RANGE ? RANGE_START - DAY - (i % 60) * DAY : RANGE_START + ((i - IN_RANGE) % 30) * DAY + (i % 24) * HOUR;
        return toCaseProjection(benchView(i, openedAt));
      });
      await caseModel(store).collection.insertMany(batch.map((p) => p.summary) as never[], { ordered: false });
      await caseViewModel(store).collection.insertMany(batch.map((p) => p.view) as never[], { ordered: false });
      await reportFactsModel(store).collection.insertMany(batch.map((p) => p.reportFacts) as never[], { ordered: false });
    }
    const sampleView = JSON.stringify(benchView(1, RANGE_START)).length;
    console.log(`loaded ${total} cases (${IN_RANGE} in the range; a view is ~${(sampleView / 1024).toFixed(1)} KB as JSON) in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

    const server = createApp({ temporal: {} as Client, store, taskQueue: 'report-bench', policy: loadPolicy({}), apiKeys: DEV_API_KEYS }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const range = 'from=2026-10-01&to=2026-10-30';
    const rows: string[] = [];
    for (const route of ['sla-compliance', 'handling-time', 'distribution', 'csat', 'merchant-scorecard']) {
      const times: number[] = [];
      let cases = 0;
      for (let s = 0; s < SAMPLES; s++) {
        const t = performance.now();
        const res = await fetch(`${base}/reports/${route}?${range}`, { headers: { Authorization: 'Bearer dev-supervisor-key' } });
        const body = (await res.json()) as { cases: number };
        if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(body)}`);
        cases = body.cases;
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      rows.push(`GET /reports/${route.padEnd(20)} cases=${cases}  p50 ${(times[Math.floor(times.length / 2)] / 1000).toFixed(2)} s  max ${(times[times.length - 1] / 1000).toFixed(2)} s  (n=${SAMPLES})`);
    }
    server.close();
    console.log(rows.join('\n'));
  } finally {
    await store.close();
    await mongo.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
