/**
 * Schemathesis (PyPI, pinned, in .tools/schemathesis-venv: scripts/provision.sh) run against the API from its own
 * OpenAPI document with one caller's key: generated requests, each answer checked against the document. The NDJSON
 * report it writes is read back for the number of requests and every failed check.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../scripts/servers/tools';

export const SCHEMATHESIS = path.join(projectRoot, '.tools', 'schemathesis-venv', 'bin', 'schemathesis');

/** What every answer must satisfy: no 5xx, status, content type, headers and body as documented, bad input refused, good input taken, auth enforced, 405 for undocumented methods. */
export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'positive_data_acceptance',
  'missing_required_header',
  'unsupported_method',
  'allow_header_conformance',
  'ignored_auth',
];

export interface FuzzRun {
  apiUrl: string;
  /** Sent as `Authorization: Bearer <key>`. */
  key: string;
  /** Examples per operation and phase. */
  maxExamples: number;
  phases: Array<'examples' | 'coverage' | 'fuzzing'>;
  seed?: number;
  workers?: number;
}

export interface FuzzFailure {
  operation: string;
  check: string;
  code?: string;
  message: string;
}

export interface FuzzResult {
  requests: number;
  failures: FuzzFailure[];
  exitCode: number | null;
  /** The end of schemathesis's own output, for a failure message. */
  tail: string;
}

export async function runSchemathesis(run: FuzzRun): Promise<FuzzResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
  const report = path.join(dir, 'report.ndjson');
  const args = [
    '--no-color',
    '--config-file',
    path.join(__dirname, 'schemathesis.toml'),
    'run',
    `${run.apiUrl}/openapi.json`,
    '--header',
    `Authorization: Bearer ${run.key}`,
    '--checks',
    FUZZ_CHECKS.join(','),
    '--phases',
    run.phases.join(','),
    '--max-examples',
    String(run.maxExamples),
    '--workers',
    String(run.workers ?? 4),
    '--request-timeout',
    '30',
    '--no-shrink',
    '--suppress-health-check',
    'all',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    report,
    ...(run.seed !== undefined ? ['--seed', String(run.seed)] : []),
  ];
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number | null; output: string }>((resolve, reject) => {
      const child = spawn(SCHEMATHESIS, args, { cwd: dir, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const keep = (chunk: Buffer) => (out = (out + chunk.toString('utf8')).slice(-20_000));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.once('error', reject);
      child.once('exit', (code) => resolve({ exitCode: code, output: out }));
    });
    return { ...readReport(report), exitCode, tail: output.slice(-3000) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface ScenarioFinished {
  recorder: {
    label: string;
    interactions?: Record<string, { request?: { method?: string; uri?: string }; response?: { status_code?: number; content?: { $base64?: string } } }>;
    checks?: Record<string, Array<{ name: string; status: string; failure_info?: { failure?: { code?: string; operation?: string; title?: string; message?: string } } }>>;
  };
}

function readReport(file: string): Pick<FuzzResult, 'requests' | 'failures'> {
  if (!fs.existsSync(file)) return { requests: 0, failures: [] };
  let requests = 0;
  const failures: FuzzFailure[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const { recorder } = (JSON.parse(line) as { ScenarioFinished: ScenarioFinished }).ScenarioFinished;
    requests += Object.keys(recorder.interactions ?? {}).length;
    for (const [caseId, checks] of Object.entries(recorder.checks ?? {})) {
      for (const check of checks) {
        if (check.status !== 'failure') continue;
        const failure = check.failure_info?.failure;
        const exchange = recorder.interactions?.[caseId];
        const body = exchange?.response?.content?.$base64;
        const answer = exchange ? ` [${exchange.request?.method} ${exchange.request?.uri} → ${exchange.response?.status_code} ${body ? Buffer.from(body, 'base64').toString('utf8').slice(0, 300) : ''}]` : '';
        failures.push({ operation: failure?.operation ?? recorder.label, check: check.name, code: failure?.code, message: `${failure?.title ?? ''}${answer.replace(/\s+/g, ' ')}: ${failure?.message ?? ''}`.slice(0, 1500) });
      }
    }
  }
  return { requests, failures };
}

/** One line per distinct (operation, check), e.g. for a test's failure message. */
export function describeFailures(failures: readonly FuzzFailure[]): string[] {
  const seen = new Map<string, FuzzFailure>();
  for (const f of failures) seen.set(`${f.operation} ${f.check}`, f);
  return [...seen.values()].map((f) => `${f.operation}: ${f.check} ${f.code ?? ''} ${f.message.split('\n')[0]}`);
}
