/**
 * `npm run bench:deadlines`: figures for the issue "Deadlines that fire under load". Each scenario starts an embedded
 * system of its own on free ports (../stack.ts), measures (deadlines.ts, store-lag.ts, stuck-cases.ts), stops it, and
 * at the end one table is printed (report.ts). Sizes come from the environment (params.ts). It reports figures and
 * goals; it fails (exit 1) only when the bench itself could not run.
 */
import { performance } from 'node:perf_hooks';
import { installBenchRuntime } from '../runtime-log';
import { startBenchStack, type BenchStack } from '../stack';
import { Teardown } from '../teardown';
import { runDeadlines } from './deadlines';
import { ProjectionObserver } from './observer';
import { deadlineParams, describeParams, PARTS } from './params';
import { formatDeadlineReport, formatTable, type DeadlineResults } from './report';
import { runOutage, runStoreLag } from './store-lag';
import { runStuckCases } from './stuck-cases';

async function main(): Promise<number> {
  const began = performance.now();
  const params = deadlineParams();
  const runtimeLog = installBenchRuntime();
  const stamp = () => new Date().toISOString().slice(11, 19);
  const say = (line: string) => console.log(`${stamp()} ${line}`);
  const abort = new AbortController();
  let teardown = new Teardown();
  const interrupt = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) return;
    console.error(`bench: ${signal}, stopping...`);
    abort.abort();
    runtimeLog.silence();
    process.on('uncaughtException', (err) => console.error(`bench: while stopping: ${err.message}`));
    void teardown.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const results: DeadlineResults = { bursts: [], skipped: [] };
  const command = `${describeParams(params)} npm run bench:deadlines`;
  say(`bench:deadlines: ${command}`);
  /** Runs one scenario on a fresh stack, stopped afterwards whatever happens. */
  const onFreshStack = async (what: string, run: (stack: BenchStack, observer: ProjectionObserver) => Promise<void>) => {
    teardown = new Teardown();
    const observer = new ProjectionObserver();
    try {
      say(`${what}: starting a fresh embedded system...`);
      const stack = await startBenchStack(teardown, say, { wrapActivities: observer.wrap, temporalDb: params.temporalDb });
      await run(stack, observer);
    } catch (err) {
      if (abort.signal.aborted) throw err;
      const message = err instanceof Error ? err.message : String(err);
      console.error(`${what} failed: ${message}`);
      results.skipped.push(`${what} failed: ${message.slice(0, 200)}`);
    } finally {
      say(`${what}: stopping...`);
      await teardown.run();
    }
  };
  /** Prints the figures of one scenario as soon as it is done (the whole table follows at the end). */
  const show = (part: Partial<DeadlineResults>) => {
    console.log(['', ...formatTable({ bursts: [], skipped: [], ...part }), ''].join('\n'));
  };

  try {
    if (params.parts.has('lag') || params.parts.has('outage')) {
      await onFreshStack('store lag', async (stack) => {
        const scenario = await runStoreLag(stack, params, say, abort.signal);
        if (params.parts.has('lag')) show({ lag: (results.lag = scenario.lag) });
        if (params.parts.has('outage')) show({ outage: (results.outage = await runOutage(stack, scenario, params, say, abort.signal)) });
      });
    }
    if (params.parts.has('burst')) {
      for (const n of params.burstSizes) {
        await onFreshStack(`burst ${n}`, async (stack, observer) => {
          const burst = await runDeadlines(stack, observer, params, 'burst', n, say, abort.signal);
          results.bursts.push(burst);
          show({ bursts: [burst] });
        });
      }
    }
    // The spread's cases must all be open before its first deadline: size its lead by the slowest opening of the bursts.
    const rates = results.bursts.filter((b) => b.openedMs).map((b) => (b.cases / (b.openedMs as number)) * 1000);
    if (!process.env.BENCH_DEADLINE_LEAD_S && rates.length && params.parts.has('spread')) {
      const rate = Math.min(...rates);
      params.leadS = (n) => Math.ceil(20 + (1.5 * n) / rate);
      say(`the bursts opened ${rate.toFixed(1)} cases/s at the slowest: the spread's first deadline comes ${params.leadS(params.spreadCases)} s after its first start`);
    }
    if (params.parts.has('spread') || params.parts.has('stuck')) {
      await onFreshStack(params.parts.has('spread') ? `spread ${params.spreadCases}` : 'stuck-cases', async (stack, observer) => {
        if (params.parts.has('spread')) show({ spread: (results.spread = await runDeadlines(stack, observer, params, 'spread', params.spreadCases, say, abort.signal)) });
        if (params.parts.has('stuck')) show({ stuck: (results.stuck = await runStuckCases(stack, observer, params, params.parts.has('spread'), say, abort.signal)) });
      });
    }
  } catch (err) {
    if (abort.signal.aborted) return new Promise<number>(() => undefined); // the signal handler stops and exits
    throw err;
  }
  for (const part of PARTS) {
    if (params.parts.has(part)) continue;
    results.skipped.push(
      part === 'spread' && !process.env.BENCH_DEADLINE_PARTS
        ? `spread (${params.spreadCases.toLocaleString('en-US')} deadlines over ${params.spreadWindowS} s; not in the default parts, it takes about 25 more minutes on 2 cores: BENCH_DEADLINE_PARTS=spread,stuck npm run bench:deadlines)`
        : `${part} (not in BENCH_DEADLINE_PARTS)`,
    );
  }
  console.log('');
  console.log(formatDeadlineReport(results, command, performance.now() - began, params.temporalDb));
  const t = runtimeLog.trouble;
  console.log(`background: ${t.failedAttempts} activity attempts failed and were retried, ${t.lateCompletions} finished after their timeout${t.firstFailure ? ` (first: ${t.firstFailure})` : ''}`);
  return results.skipped.some((s) => s.includes('failed:')) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('bench:deadlines failed:', err);
    process.exit(1);
  },
);
