/**
 * `npm start`'s system (its supervisor included) with each of its parts SIGKILLed in turn while returns are driven
 * through its API: a worker, the API, the sandbox, FerretDB, PostgreSQL and the Temporal dev server. Expected: the
 * supervisor starts each one again by itself (the time it took is read from its status file), every case is closed as
 * refunded with each step once, and the payment sandbox's ledger (kept across its own restart) holds one refund a case.
 */
import { runPool } from '../../bench/pool';
import { Teardown } from '../../bench/teardown';
import { ApiClient, sleep } from '../api-client';
import { diagnose, readViews, stepCounts, waitForAll } from '../check';
import { RETURN_STEPS, ReturnDriver, stepSummary } from '../returns';
import { seconds, type ScenarioRow } from '../row';
import { startSupervisedStack } from '../supervised-stack';
import type { ScenarioContext } from './context';

const PARTS = ['worker-1', 'api', 'sandbox', 'ferretdb', 'postgres', 'temporal'] as const;

export async function partsKill({ params, say, run, teardown: runTeardown }: ScenarioContext): Promise<ScenarioRow> {
  const began = Date.now();
  // Its own system is stopped when the scenario ends, or with the run's teardown on Ctrl-C.
  const teardown = new Teardown();
  runTeardown.add('parts-kill system', () => teardown.run());
  try {
    const stack = await startSupervisedStack(teardown, say);
    const n = params.cases;
    const api = new ApiClient(stack.apiUrl);
    const driver = new ReturnDriver(api, run, began + params.settleTimeoutS * 1000);
    const ids: string[] = [];
    let driven = 0;
    let lanesFailed = 0;
    const kills: Array<{ part: string; inFlight: number; upAfterMs?: number }> = [];

    const killer = (async () => {
      for (const [k, part] of PARTS.entries()) {
        while (driven + lanesFailed < Math.ceil((n * (k + 1)) / (PARTS.length + 1))) await sleep(100);
        const before = (await stack.parts()).find((p) => p.name === part)!;
        const at = Date.now();
        process.kill(before.pid!, 'SIGKILL');
        const kill: (typeof kills)[number] = { part, inFlight: driver.steps.size };
        kills.push(kill);
        say(`  ${part} SIGKILLed with ${driven}/${n} driven, ${kill.inFlight} in flight`);
        for (;;) {
          const now = (await stack.parts().catch(() => [])).find((p) => p.name === part);
          if (now?.state === 'up' && now.restarts > before.restarts) break;
          if (Date.now() - at > 180_000) return;
          await sleep(100);
        }
        kill.upAfterMs = Date.now() - at;
        say(`  ${part} up again ${seconds(kill.upAfterMs)} after the kill`);
      }
    })();
    const progress = setInterval(() => say(`  ${driven}/${n} driven; at ${stepSummary(driver.steps)}; API ${api.tally.summary()}`), 15_000);
    say(`parts-kill: ${n} returns, ${params.concurrency} driven at once; ${PARTS.join(', ')} SIGKILLed one after the other`);
    const drive = await runPool(Array.from({ length: n }, (_, i) => i), params.concurrency, async (i) => {
      try {
        const caseId = await driver.open(i);
        ids.push(caseId);
        await driver.driveToRefund(caseId);
        driven++;
      } catch (err) {
        lanesFailed++;
        throw err;
      }
    });
    await killer;
    clearInterval(progress);
    const lastKill = Date.now();
    const closed = (v: { status: string; outcome?: string }) => v.status === 'closed' && v.outcome === 'refunded';
    const { pending, doneAt } = await waitForAll(stack.client, ids, closed, params.settleTimeoutS * 1000, say);
    const views = await readViews(stack.client, ids);
    const steps = stepCounts(views.values(), RETURN_STEPS);
    const ledger = (await (await fetch(`${stack.sandboxUrl}/_control/refunds`)).json()) as { refunds: Array<{ caseId: string }> };
    const perCase = new Map(ids.map((id) => [id, 0]));
    for (const refund of ledger.refunds) if (perCase.has(refund.caseId)) perCase.set(refund.caseId, perCase.get(refund.caseId)! + 1);
    const counts = [...perCase.values()];
    const refunds = { min: Math.min(...counts), max: Math.max(...counts) };
    const finalParts = await stack.parts();

    const failures: string[] = [];
    if (drive.errors.length) failures.push(`${drive.errors.length} cases could not be driven (first: ${drive.errors[0]})`);
    const notBack = kills.filter((k) => k.upAfterMs === undefined).map((k) => k.part);
    if (kills.length < PARTS.length || notBack.length) failures.push(`parts not killed or not back: ${[...PARTS.filter((p) => !kills.some((k) => k.part === p)), ...notBack].join(', ')}`);
    if (pending.length) failures.push(`${pending.length} cases not refunded: ${(await diagnose(stack.client, pending)).join('; ')}`);
    if (ids.length && (refunds.min !== 1 || refunds.max !== 1)) failures.push(`refunds per case ${refunds.min}..${refunds.max}`);
    if (steps.lost || steps.duplicated) failures.push(`steps: ${steps.detail.join(', ')}`);
    if (api.tally.badAnswers.length) failures.push(`${api.tally.badAnswers.length} 5xx answers other than 503 (first: ${api.tally.badAnswers[0]})`);
    return {
      scenario: "npm start's parts SIGKILLed one by one",
      cases: ids.length,
      fault: `${kills.map((k) => `${k.part} (${k.inFlight} cases in flight)`).join(', ')} SIGKILLed in turn while ${n} returns were driven; ${finalParts.filter((p) => p.name.startsWith('worker-')).length} worker processes`,
      reached: `${ids.length - pending.length}/${n} closed, refunded`,
      refunds: ids.length ? `${refunds.min}/${refunds.max}` : 'n/a',
      lostDuplicated: `${steps.lost}/${steps.duplicated}`,
      recovery: `up again after: ${kills.map((k) => `${k.part} ${k.upAfterMs === undefined ? 'never' : seconds(k.upAfterMs)}`).join(', ')}; last case refunded ${seconds(doneAt - lastKill)} after the drive ended`,
      checks: `API ${api.tally.summary()}; restarts counted: ${finalParts.map((p) => `${p.name} ${p.restarts}`).join(', ')}`,
      failures,
      wallMs: Date.now() - began,
    };
  } finally {
    await teardown.run();
  }
}
