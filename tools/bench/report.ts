/** The bench's table: one row per figure, API and direct side by side with their ratio, runs and parameters. */
import type { BenchResults, Comparison } from './measure';
import type { BenchParams } from './params';
import { percentile, type PoolResult } from './pool';
import type { BackgroundTrouble } from './runtime-log';

interface Row {
  figure: string;
  api: number;
  direct: number;
  unit: string;
  comparison: Comparison;
}

const throughput = (r: PoolResult) => (r.latenciesMs.length / r.wallMs) * 1000;

export function formatReport(results: BenchResults, params: BenchParams, totalMs: number, trouble: BackgroundTrouble): string {
  const rows: Row[] = [];
  const { create, query, update } = results;
  rows.push({ figure: 'create: throughput', api: throughput(create.api), direct: throughput(create.direct), unit: 'cases/s', comparison: create });
  for (const [name, comparison] of [['create', create], ['query', query], ['update', update]] as const) {
    for (const p of [50, 99]) {
      rows.push({ figure: `${name}: latency p${p}`, api: percentile(comparison.api.latenciesMs, p), direct: percentile(comparison.direct.latenciesMs, p), unit: 'ms', comparison });
    }
  }

  const number = (v: number) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : '-');
  const table = [
    ['figure', 'API', 'direct', 'API ÷ direct', 'samples API/direct', 'concurrency', 'duration API/direct'],
    ...rows.map((r) => [
      r.figure,
      `${number(r.api)} ${r.unit}`,
      `${number(r.direct)} ${r.unit}`,
      Number.isFinite(r.api / r.direct) ? `${(r.api / r.direct).toFixed(2)}×` : '-',
      `${r.comparison.api.latenciesMs.length}/${r.comparison.direct.latenciesMs.length}`,
      String(params.concurrency),
      `${(r.comparison.api.wallMs / 1000).toFixed(1)} s/${(r.comparison.direct.wallMs / 1000).toFixed(1)} s`,
    ]),
  ];
  const widths = table[0].map((_, col) => Math.max(...table.map((row) => row[col].length)));
  const line = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  return [
    line(table[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...table.slice(1).map(line),
    '',
    `BENCH_CASES=${params.cases} BENCH_CONCURRENCY=${params.concurrency}; whole run ${(totalMs / 1000).toFixed(1)} s (start-up and teardown included).`,
    'create: API = POST /cases (return case: start + first query, over HTTP); direct = client.workflow.start of a',
    '        no-op workflow that waits for a signal (accepted by the server, not waited on).',
    'query:  API = GET /cases/:id (agent key); direct = handle.query(getCaseQuery); one sample per case, same cases.',
    'update: API = POST /cases/:id/commands/merchant-review approve (merchant key: scope check query + update);',
    '        direct = handle.executeUpdate(merchant_review approve); each sample on a fresh case awaiting merchant review.',
    `background: ${trouble.failedAttempts} activity attempts failed and were retried, ${trouble.lateCompletions} finished after their timeout` +
      (trouble.firstFailure ? ` (first: ${trouble.firstFailure})` : ''),
  ].join('\n');
}
