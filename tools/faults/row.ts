/** One line of the faults table, and how the table is printed. */
export interface ScenarioRow {
  scenario: string;
  /** Cases in flight when the fault hit. */
  cases: number;
  /** What was done to the system. */
  fault: string;
  /** Cases at their expected end state, e.g. "500/500 closed, refunded". */
  reached: string;
  /** Refunds per case in the payment ledger, min/max over the scenario's cases. */
  refunds: string;
  /** Steps missing / steps done more than once, over every case. */
  lostDuplicated: string;
  recovery: string;
  /** Other figures the scenario checks (API answers, notifications, store). */
  checks: string;
  /** Empty when every expectation held. */
  failures: string[];
  wallMs: number;
}

const COLUMNS: Array<[string, (r: ScenarioRow) => string]> = [
  ['scenario', (r) => r.scenario],
  ['cases', (r) => String(r.cases)],
  ['fault', (r) => r.fault],
  ['reached end state', (r) => r.reached],
  ['refunds/case min/max', (r) => r.refunds],
  ['lost/dup steps', (r) => r.lostDuplicated],
  ['recovery', (r) => r.recovery],
  ['checks', (r) => r.checks],
  ['verdict', (r) => (r.failures.length ? `FAIL: ${r.failures.join('; ')}` : 'ok')],
  ['wall', (r) => `${(r.wallMs / 1000).toFixed(0)} s`],
];

/** A Markdown table (readable as text too). */
export function formatTable(rows: readonly ScenarioRow[]): string {
  const cells = rows.map((r) => COLUMNS.map(([, f]) => f(r).replace(/\|/g, '/')));
  const lines = [`| ${COLUMNS.map(([h]) => h).join(' | ')} |`, `| ${COLUMNS.map(() => '---').join(' | ')} |`];
  for (const row of cells) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
