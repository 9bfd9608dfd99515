/**
 * `npm run bench:capacity`: the worker under many open cases and a burst of creates. On a system of its own (see
 * profile/stack.ts) it opens CAPACITY_HELD returns (default 2,000) through `POST /cases` at concurrency 8 and keeps
 * them open, then sends CAPACITY_BURST more (default 1,000) from CAPACITY_CLIENTS clients (default 32), and prints: the
 * time to open, the worker's RSS per open case and after the burst, the burst's answers by status and latency, whether
 * the worker lived, and, from the burst cases' histories, how long their workflow tasks waited for the worker and ran
 * (over 5 s is a task the server would have timed out).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { cpuSeconds } from './deadlines/memory';
import { returnCaseBody } from './fixtures';
import { runPool } from './pool';
import { rssMiB, startMeasuredStack, table, workerIdleWaiter } from './profile/stack';
import { Teardown } from './teardown';

const HELD = Number(process.env.CAPACITY_HELD ?? 2000);
const BURST = Number(process.env.CAPACITY_BURST ?? 1000);
const CLIENTS = Number(process.env.CAPACITY_CLIENTS ?? 32);

const EventType = temporal.api.enums.v1.EventType;

async function main(): Promise<void> {
  const teardown = new Teardown();
  process.on('SIGINT', () => void teardown.run().finally(() => process.exit(130)));
  try {
    const stack = await startMeasuredStack(teardown, { name: 'capacity' });
    const targets = [
      { name: 'worker', pid: stack.worker.child.pid! },
      { name: 'temporal', pid: stack.temporalPid },
    ];
    const idle = workerIdleWaiter(() => cpuSeconds(targets).worker!);
    const answers = new Map<number, number>();
    const firstRefusal = new Map<number, string>();
    const create = async (key: string): Promise<string | undefined> => {
      const response = await fetch(`${stack.apiUrl}/cases`, {
        method: 'POST',
        headers: { Authorization: 'Bearer dev-customer-key', 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(returnCaseBody(`order-${key}`)),
      });
      answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
      const text = await response.text();
      if (response.status >= 400 && !firstRefusal.has(response.status)) firstRefusal.set(response.status, text.slice(0, 300));
      return response.status < 300 ? (JSON.parse(text) as { caseId?: string }).caseId : undefined;
    };

    await idle();
    const rssBefore = rssMiB(stack.worker.child.pid!);
    const cpuBefore = cpuSeconds(targets);
    const heldKeys = Array.from({ length: HELD }, (_, i) => `capacity-held-${i}`);
    const opening = await runPool(heldKeys, 8, create);
    console.log(`opened ${HELD} in ${(opening.wallMs / 1000).toFixed(0)} s`);
    await idle();
    const cpuHeld = cpuSeconds(targets);
    const rssHeld = rssMiB(stack.worker.child.pid!);
    const heldAnswers = new Map(answers);
    answers.clear();

    const burstIds: string[] = [];
    const began = performance.now();
    const burst = await runPool(Array.from({ length: BURST }, (_, i) => `capacity-burst-${i}`), CLIENTS, async (key) => {
      const id = await create(key);
      if (id) burstIds.push(id);
    });
    const burstS = (performance.now() - began) / 1000;
    await idle();
    const workerAlive = stack.worker.child.exitCode === null && stack.worker.child.signalCode === null;
    const rssAfterBurst = workerAlive ? `${rssMiB(stack.worker.child.pid!).toFixed(0)} MiB` : 'the worker died';
    const tasks = await workflowTaskTimes(stack.client, burstIds);

    const p = (xs: number[], q: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : NaN);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const status = (m: Map<number, number>) => [...m].sort((a, b) => a[0] - b[0]).map(([code, n]) => `${code}: ${n}`).join(', ');
    console.log('');
    console.log(
      table([
        ['figure', 'value'],
        [`open ${HELD} returns (POST /cases, 8 clients)`, `${(opening.wallMs / 1000).toFixed(0)} s, ${((HELD * 1000) / opening.wallMs).toFixed(1)} /s; answers ${status(heldAnswers)}`],
        ['worker CPU / Temporal CPU per case opened', `${(((cpuHeld.worker! - cpuBefore.worker!) * 1000) / HELD).toFixed(1)} ms / ${(((cpuHeld.temporal! - cpuBefore.temporal!) * 1000) / HELD).toFixed(1)} ms`],
        ['worker RSS before / with them open', `${rssBefore.toFixed(0)} MiB / ${rssHeld.toFixed(0)} MiB: ${(((rssHeld - rssBefore) * 1024) / HELD).toFixed(0)} KiB per open case`],
        [`burst: ${BURST} POST /cases from ${CLIENTS} clients`, `${burstS.toFixed(1)} s, ${(BURST / burstS).toFixed(1)} /s; answers ${status(answers)}`],
        ['burst latency p50 / p99', `${s(p(burst.latenciesMs, 0.5))} / ${s(p(burst.latenciesMs, 0.99))}`],
        [`worker RSS after the burst (${HELD + BURST} open)`, rssAfterBurst],
        ['worker alive after the burst', workerAlive ? 'yes' : `no (exit ${stack.worker.child.exitCode ?? stack.worker.child.signalCode})`],
        ['burst cases: workflow task wait for the worker p50 / p99 / max', `${s(p(tasks.waitMs, 0.5))} / ${s(p(tasks.waitMs, 0.99))} / ${s(Math.max(0, ...tasks.waitMs))}`],
        ['burst cases: workflow task run p50 / p99 / max; over 5 s', `${s(p(tasks.runMs, 0.5))} / ${s(p(tasks.runMs, 0.99))} / ${s(Math.max(0, ...tasks.runMs))}; ${tasks.runMs.filter((ms) => ms > 5000).length}`],
        ['burst failures (transport)', String(burst.errors.length)],
      ]),
    );
    for (const [code, body] of firstRefusal) console.log(`first ${code}: ${body}`);
    console.log(`\nload average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
  } finally {
    await teardown.run();
  }
}

/** From each history: how long each workflow task waited to be picked up (scheduled → started) and ran (started → completed). */
async function workflowTaskTimes(client: Client, ids: string[]): Promise<{ waitMs: number[]; runMs: number[] }> {
  const waitMs: number[] = [];
  const runMs: number[] = [];
  const at = (e: temporal.api.history.v1.IHistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
  await runPool(ids, 16, async (id) => {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    let scheduled: number | undefined;
    let started: number | undefined;
    for (const e of events) {
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) scheduled = at(e);
      else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED && scheduled !== undefined) {
        started = at(e);
        waitMs.push(started - scheduled);
      } else if ((e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) && started !== undefined) {
        runMs.push(at(e) - started);
        started = undefined;
      }
    }
  });
  return { waitMs, runMs };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('capacity bench failed:', err);
    process.exit(1);
  },
);
