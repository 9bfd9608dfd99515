/**
 * `npm run bench`: starts its own embedded system on free ports (see stack.ts), measures the API against direct
 * Temporal client calls (see measure.ts), prints the table (report.ts), stops everything it started and exits.
 * BENCH_CASES (default 200) and BENCH_CONCURRENCY (default 8) size the run.
 */
import { performance } from 'node:perf_hooks';
import { apiSide } from './api-side';
import { directSide } from './direct-side';
import { runBench } from './measure';
import { benchParams } from './params';
import { formatReport } from './report';
import { installBenchRuntime } from './runtime-log';
import { startBenchStack } from './stack';
import { Teardown } from './teardown';

async function main(): Promise<number> {
  const began = performance.now();
  const params = benchParams();
  const runtimeLog = installBenchRuntime();
  const say = (line: string) => console.log(line);
  const teardown = new Teardown();
  const abort = new AbortController();
  let running: Promise<unknown> = Promise.resolve();
  const interrupt = (signal: NodeJS.Signals) => {
    // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and a second signal
    // without a handler would kill it before the teardown is done.
    if (abort.signal.aborted) return;
    console.error(`bench: ${signal}, stopping...`);
    abort.abort();
    runtimeLog.silence();
    // Calls still in flight may fail once their servers are gone (the terminal's Ctrl-C stops those too): expected now.
    process.on('uncaughtException', (err) => console.error(`bench: while stopping: ${err.message}`));
    const inFlight = Promise.race([running.catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    void inFlight.then(() => teardown.run()).finally(() => process.exit(130));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  say(`bench: ${params.cases} cases per side, concurrency ${params.concurrency}; starting the embedded system...`);
  try {
    const stack = await startBenchStack(teardown, say);
    const bench = runBench(stack, apiSide(stack.apiUrl), directSide(stack.client, stack.noopTaskQueue), params, say, abort.signal);
    running = bench;
    const results = await bench;
    say('stopping...');
    await teardown.run();
    console.log('');
    console.log(formatReport(results, params, performance.now() - began, runtimeLog.trouble));
    const failed = Object.values(results).flatMap((c) => [...c.api.errors, ...c.direct.errors]);
    if (failed.length) {
      console.error(`\n${failed.length} operations failed; first: ${failed[0]}`);
      return 1;
    }
    return 0;
  } catch (err) {
    if (abort.signal.aborted) return new Promise<number>(() => undefined); // the signal handler stops and exits
    console.error('bench failed:', err instanceof Error ? err.message : err);
    await teardown.run();
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
