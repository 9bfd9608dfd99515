/**
 * Store lag: how far the store's `cases` collection trails the workflows.
 *
 *  - after a burst of creates: `POST /cases` at full API speed, then the time from the last answer until the store
 *    holds every case at the version its workflow reports;
 *  - after an outage: API traffic (new cases and merchant approvals of the cases above) runs while FerretDB is
 *    suspended (SIGSTOP: connections stay open and nothing answers, as a hung store), then the time from its
 *    resumption (SIGCONT) until the store again holds every case at its workflow's version.
 *
 * "The version its workflow reports" is the version of the view the API answered with; once the store holds those, a
 * query of every workflow checks that none moved on meanwhile (the bench then waits for those too).
 */
import os from 'node:os';
import { caseModel } from '../../../activities/store/case-model';
import { runPool } from '../pool';
import type { BenchStack } from '../stack';
import { caseApi } from './api-calls';
import { stackSampler, type MemoryFigures } from './memory';
import type { DeadlineParams } from './params';
import { sweepVersions } from './sweep';

const POLL_MS = 200;
/** No case caught up for this long (longer than the projection activity's longest retry interval, 1 min): stuck. */
const STALL_MS = 90_000;

export interface CatchUp {
  /** From the reference instant until the store held every case at its target version, ms; undefined: not within the timeout. */
  ms?: number;
  /** Cases still behind at the timeout (or when the store stopped catching up), and a few of them: `id: store vN, expected vM`. */
  behind: number;
  /** Set when the bench gave up early: nothing caught up for STALL_MS. */
  stalled?: boolean;
  examples: string[];
  /** Cases whose workflow had moved past the version the API answered (found by the check), and unreadable workflows. */
  movedOn: number;
  sweepErrors: string[];
}

export interface StoreLagRun {
  creates: number;
  concurrency: number;
  createErrors: string[];
  createMs: number;
  /** Per case: the store first held it at its version − its POST answered, ms (0 when it was there already). */
  perCaseLagMs: number[];
  afterCreates: CatchUp;
  memory: MemoryFigures;
  loadAvg: { start: number; end: number };
}

export interface OutageRun {
  outageMs: number;
  concurrency: number;
  /** API calls answered while the store was suspended, all API calls answered, and those that failed. */
  callsDuringOutage: number;
  callsOk: number;
  callErrors: string[];
  afterOutage: CatchUp;
  memory: MemoryFigures;
  loadAvg: { start: number; end: number };
}

/** Cases on the stack and the version each must reach in the store. */
export class Targets {
  readonly version = new Map<string, number>();
  readonly answeredAt = new Map<string, number>();
  readonly seenAt = new Map<string, number>();

  expect(caseId: string, version: number, at = Date.now()): void {
    if (version > (this.version.get(caseId) ?? 0)) {
      this.version.set(caseId, version);
      this.answeredAt.set(caseId, at);
      this.seenAt.delete(caseId);
    }
  }
}

/** Reads every case's version from the store once; marks those at their target version (first seen now). */
async function pollStore(stack: BenchStack, targets: Targets): Promise<{ behind: number; examples: string[] }> {
  const examples: string[] = [];
  let behind = 0;
  try {
    const docs = await caseModel(stack.store).find({}, { _id: 1, version: 1 }).lean<Array<{ _id: string; version: number }>>().exec();
    const now = Date.now();
    const stored = new Map(docs.map((d) => [d._id, d.version]));
    for (const [id, version] of targets.version) {
      if ((stored.get(id) ?? 0) >= version) {
        if (!targets.seenAt.has(id)) targets.seenAt.set(id, now);
      } else if (++behind <= 3) examples.push(`${id}: store v${stored.get(id) ?? '-'}, expected v${version}`);
    }
  } catch {
    behind = targets.version.size; // the store is not answering (yet)
  }
  return { behind, examples };
}

/** Polls the store every POLL_MS in the background (per-case times while traffic runs) until the returned stop is called. */
function watchStore(stack: BenchStack, targets: Targets): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await pollStore(stack, targets);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** Polls the store until it holds every target (or the timeout): answers when, measured from `from`. */
async function catchUp(stack: BenchStack, targets: Targets, from: number, timeoutMs: number, say: (line: string) => void, signal?: AbortSignal): Promise<CatchUp> {
  const deadline = from + timeoutMs;
  let movedOn = 0;
  let sweepErrors: string[] = [];
  let lastReport = Date.now();
  let leastBehind = Infinity;
  let progressAt = Date.now();
  for (let checked = false; ; ) {
    signal?.throwIfAborted();
    const { behind, examples } = await pollStore(stack, targets);
    if (behind === 0) {
      if (checked) return { ms: Date.now() - from, behind: 0, examples, movedOn, sweepErrors };
      // Every case as the API last saw it: check the workflows did not move on since.
      const at = Date.now();
      const versions = await sweepVersions(stack.client, [...targets.version.keys()], 16, signal);
      sweepErrors = versions.errors;
      const before = new Map(targets.version);
      for (const [id, v] of versions.values) targets.expect(id, v, at);
      movedOn = [...versions.values].filter(([id, v]) => v > (before.get(id) ?? 0)).length;
      checked = true;
      if (movedOn === 0) return { ms: at - from, behind: 0, examples, movedOn, sweepErrors };
      say(`  ${movedOn} workflows moved past the version the API answered; waiting for those too`);
      continue;
    }
    if (behind < leastBehind) {
      leastBehind = behind;
      progressAt = Date.now();
    }
    if (Date.now() >= deadline) return { behind, examples, movedOn, sweepErrors };
    if (Date.now() - progressAt >= STALL_MS) return { behind, examples, movedOn, sweepErrors, stalled: true };
    if (Date.now() - lastReport > 5000) {
      say(`  store: ${targets.version.size - behind}/${targets.version.size} cases at their version`);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export interface StoreScenario {
  targets: Targets;
  lag: StoreLagRun;
}

export async function runStoreLag(stack: BenchStack, params: DeadlineParams, say: (line: string) => void, signal?: AbortSignal): Promise<StoreScenario> {
  const loadStart = os.loadavg()[0];
  const memory = stackSampler(stack).start();
  const api = caseApi(stack.apiUrl);
  const targets = new Targets();
  const run = `lag-${Date.now().toString(36)}`;
  say(`store lag: ${params.lagCases} POST /cases, ${params.lagConcurrency} in flight`);
  const keys = Array.from({ length: params.lagCases }, (_, i) => `${run}-${i}`);
  const stopWatching = watchStore(stack, targets);
  const created = await runPool(
    keys,
    params.lagConcurrency,
    async (key) => {
      const { caseId, version } = await api.openReturn(key);
      targets.expect(caseId, version);
    },
    signal,
  );
  await stopWatching();
  const lastAnswer = Math.max(...targets.answeredAt.values());
  say(`store lag: ${targets.version.size} created in ${(created.wallMs / 1000).toFixed(1)} s; waiting for the store`);
  const afterCreates = await catchUp(stack, targets, lastAnswer, params.catchUpTimeoutS * 1000, say, signal);
  const perCaseLagMs = [...targets.seenAt].map(([id, seen]) => Math.max(0, seen - (targets.answeredAt.get(id) ?? seen)));
  return {
    targets,
    lag: {
      creates: params.lagCases,
      concurrency: params.lagConcurrency,
      createErrors: created.errors,
      createMs: created.wallMs,
      perCaseLagMs,
      afterCreates,
      memory: memory.stop(),
      loadAvg: { start: loadStart, end: os.loadavg()[0] },
    },
  };
}

/** Runs traffic while FerretDB is suspended for params.outageS; resumes it and measures the catch-up. */
export async function runOutage(stack: BenchStack, scenario: StoreScenario, params: DeadlineParams, say: (line: string) => void, signal?: AbortSignal): Promise<OutageRun> {
  const ferret = stack.servers.find((s) => s.name === 'ferretdb');
  if (!ferret) throw new Error('no FerretDB process in the stack to suspend');
  const loadStart = os.loadavg()[0];
  const memory = stackSampler(stack).start();
  const api = caseApi(stack.apiUrl);
  const { targets } = scenario;
  const approvable = [...targets.version.keys()];
  const run = `outage-${Date.now().toString(36)}`;
  let stop = false;
  let callsOk = 0;
  const callErrors: string[] = [];
  let n = 0;
  const lane = async () => {
    while (!stop && !signal?.aborted) {
      const i = n++;
      try {
        // Alternately a new case and an approval of a case awaiting review: new documents and new versions of old ones.
        const toApprove = i % 2 === 1 ? approvable.pop() : undefined;
        if (toApprove) targets.expect(toApprove, await api.approve(toApprove));
        else {
          const { caseId, version } = await api.openReturn(`${run}-${i}`);
          targets.expect(caseId, version);
        }
        callsOk++;
      } catch (err) {
        callErrors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  say(`outage: API traffic (${params.outageConcurrency} in flight: new returns and merchant approvals); FerretDB (pid ${ferret.pid}) suspended in 5 s for ${params.outageS} s`);
  const lanes = Promise.all(Array.from({ length: params.outageConcurrency }, lane));
  const suspend = async () => {
    try {
      await new Promise((r) => setTimeout(r, 5000));
      process.kill(ferret.pid, 'SIGSTOP');
      const stoppedAt = Date.now();
      const okBefore = callsOk;
      await new Promise((r) => setTimeout(r, params.outageS * 1000));
      process.kill(ferret.pid, 'SIGCONT');
      const resumedAt = Date.now();
      return { resumedAt, outageMs: resumedAt - stoppedAt, callsDuringOutage: callsOk - okBefore };
    } finally {
      stop = true;
      try {
        process.kill(ferret.pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
  };
  const { resumedAt, outageMs, callsDuringOutage } = await suspend();
  say(`outage: FerretDB resumed after ${(outageMs / 1000).toFixed(1)} s; ${callsDuringOutage} API calls answered meanwhile, ${callErrors.length} failed`);
  await lanes;
  const afterOutage = await catchUp(stack, targets, resumedAt, params.catchUpTimeoutS * 1000, say, signal);
  return {
    outageMs,
    concurrency: params.outageConcurrency,
    callsDuringOutage,
    callsOk,
    callErrors,
    afterOutage,
    memory: memory.stop(),
    loadAvg: { start: loadStart, end: os.loadavg()[0] },
  };
}
