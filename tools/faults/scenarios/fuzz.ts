/**
 * Hostile input at volume: schemathesis generates requests from the API's OpenAPI document with every role's key
 * (its examples phase for each role, so every route is called with every key), then its coverage phase (boundary and
 * invalid values of every parameter) and fuzzing phase with one role after another until the requests reach the target.
 * Expected: no 5xx, every answer as documented (status, content type, headers, body), bad input refused.
 */
import { DEV_API_KEYS } from '../../../config/api-keys';
import { describeFailures, runSchemathesis, type FuzzFailure } from '../schemathesis';
import type { ScenarioRow } from '../row';
import type { ScenarioContext } from './context';

/** The coverage phase's roles, in order: the widest access first. */
const COVERAGE_ORDER = ['admin-dev', 'supervisor-dev', 'merchant-a-user', 'customer-1', 'agent-dev', 'senior-agent-dev', 'courier-dev', 'payment-dev', 'warehouse-dev', 'merchant-b-user'];

export async function fuzz({ stack, params, say }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  const target = params.fuzzRequests;
  let requests = 0;
  const failures: FuzzFailure[] = [];
  const problems: string[] = [];
  const roles: string[] = [];
  const runFor = async (entry: (typeof DEV_API_KEYS)[number], phases: Array<'examples' | 'coverage' | 'fuzzing'>, maxExamples: number, workers?: number) => {
    const result = await runSchemathesis({ apiUrl: stack.apiUrl, key: entry.key, phases, maxExamples, workers });
    requests += result.requests;
    failures.push(...result.failures);
    if (result.requests === 0) problems.push(`schemathesis sent nothing as ${entry.role} (exit ${result.exitCode}): ${result.tail.slice(-300)}`);
    say(`  ${entry.id} (${entry.role}) ${phases.join('+')}: ${result.requests} requests, ${result.failures.length} failed checks; ${requests} so far`);
  };
  say(`fuzz: schemathesis examples with each of ${DEV_API_KEYS.length} keys, then coverage and fuzzing until ${target} requests`);
  // Each run is mostly schemathesis starting up (CPU): every key's examples at once, one worker each.
  await Promise.all(DEV_API_KEYS.map((entry) => runFor(entry, ['examples'], 1, 1)));
  for (const id of COVERAGE_ORDER) {
    if (requests >= target) break;
    const entry = DEV_API_KEYS.find((k) => k.id === id)!;
    roles.push(entry.role);
    await runFor(entry, ['coverage', 'fuzzing'], 2);
  }
  const distinct = describeFailures(failures);
  const serverErrors = failures.filter((f) => f.check === 'not_a_server_error').length;
  if (requests < target) problems.push(`${requests} requests, fewer than the ${target} asked for`);
  if (distinct.length) problems.push(`${failures.length} failed checks: ${distinct.slice(0, 5).join(' | ')}`);
  return {
    scenario: 'hostile input (schemathesis)',
    cases: 0,
    fault: `${requests} generated requests from /openapi.json: examples with each of ${DEV_API_KEYS.length} keys, coverage and fuzzing as ${roles.join(', ')}`,
    reached: '-',
    refunds: '-',
    lostDuplicated: '-',
    recovery: '-',
    checks: `${serverErrors} 5xx; ${failures.length} failed checks (${distinct.length} distinct) over ${requests} requests`,
    failures: problems,
    wallMs: Date.now() - began,
  };
}
