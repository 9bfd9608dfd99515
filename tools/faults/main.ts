/**
 * `npm run faults`: starts a system of its own on free ports (stack.ts), runs each fault scenario against the real
 * parts, and prints one row per scenario (row.ts). Sizes: params.ts. Exits 1 when a scenario found a defect.
 * `npm run faults:cluster` (--cluster): the same against the Temporal server on PostgreSQL with two workers.
 */
import { Teardown } from '../bench/teardown';
import { faultParams, type ScenarioName } from './params';
import { formatTable, type ScenarioRow } from './row';
import { runId, type Scenario } from './scenarios/context';
import { apiRestart } from './scenarios/api-restart';
import { createFlood } from './scenarios/create-flood';
import { partsKill } from './scenarios/parts-kill';
import { fuzz } from './scenarios/fuzz';
import { partnerOutage } from './scenarios/partner-outage';
import { storeOutage } from './scenarios/store-outage';
import { temporalPostgresRestart, temporalRestart } from './scenarios/temporal-restart';
import { workerKill } from './scenarios/worker-kill';
import { workerOfTwoKill } from './scenarios/worker-of-two-kill';
import { startFaultStack } from './stack';

const SCENARIO_RUNS: Record<ScenarioName, Scenario> = {
  'worker-kill': workerKill,
  'temporal-restart': temporalRestart,
  'store-outage': storeOutage,
  'partner-outage': partnerOutage,
  'api-restart': apiRestart,
  'parts-kill': partsKill,
  'create-flood': createFlood,
  fuzz,
  'worker-of-two-kill': workerOfTwoKill,
  'temporal-postgres-restart': temporalPostgresRestart,
};

async function main(): Promise<number> {
  const began = Date.now();
  const params = faultParams();
  const say = (line: string) => console.log(`[${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const teardown = new Teardown();
  let stopping = false;
  const interrupt = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`faults: ${signal}, stopping...`);
    void teardown.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  say(`faults${params.cluster ? ' --cluster' : ''}: ${params.scenarios.join(', ')}; ${params.cases} cases each, ${params.concurrency} at once`);
  const rows: ScenarioRow[] = [];
  try {
    const stack = await startFaultStack(teardown, say, { cluster: params.cluster });
    for (const name of params.scenarios) {
      say(`--- ${name}`);
      try {
        rows.push(await SCENARIO_RUNS[name]({ stack, params, say, run: runId(name), teardown }));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        rows.push({ scenario: name, cases: 0, fault: '-', reached: '-', refunds: '-', lostDuplicated: '-', recovery: '-', checks: '-', failures: [`did not finish: ${message}`], wallMs: 0 });
      }
      say(`${name}: ${rows.at(-1)!.failures.length ? `FAIL ${rows.at(-1)!.failures.join('; ')}` : 'ok'}`);
    }
  } catch (err) {
    console.error('faults: the system did not start:', err instanceof Error ? err.message : err);
    await teardown.run();
    return 1;
  }
  say('stopping...');
  await teardown.run();
  console.log('');
  console.log(`npm run faults${params.cluster ? ' -- --cluster' : ''}, ${params.cases} cases per scenario, ${params.concurrency} at once; ${((Date.now() - began) / 60_000).toFixed(1)} min in all`);
  console.log(formatTable(rows));
  return rows.some((r) => r.failures.length) ? 1 : 0;
}

main().then((code) => process.exit(code));
