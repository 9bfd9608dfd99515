/** Reads each case's state from its workflow (the source of truth), a bounded number of queries at a time. */
import type { Client } from '@temporalio/client';
import type { caseWorkflow } from '../../../workflows';
import { getCaseQuery, getClocksQuery } from '../../../workflows/messages';
import type { ClockState } from '../../../workflows/sla/clock';
import { runPool } from '../pool';

export interface Sweep<T> {
  values: Map<string, T>;
  errors: string[];
  ms: number;
}

async function sweep<T>(ids: readonly string[], concurrency: number, read: (id: string) => Promise<T>, signal?: AbortSignal): Promise<Sweep<T>> {
  const values = new Map<string, T>();
  const result = await runPool(ids, concurrency, async (id) => values.set(id, await read(id)), signal);
  return { values, errors: result.errors, ms: result.wallMs };
}

/** Each case's clock `name` as its workflow reports it (absent when it has none). */
export function sweepClock(client: Client, ids: readonly string[], name: string, concurrency: number, signal?: AbortSignal): Promise<Sweep<ClockState | undefined>> {
  return sweep(ids, concurrency, async (id) => (await client.workflow.getHandle<typeof caseWorkflow>(id).query(getClocksQuery)).find((c) => c.name === name), signal);
}

/** Each case's view version as its workflow reports it. */
export function sweepVersions(client: Client, ids: readonly string[], concurrency: number, signal?: AbortSignal): Promise<Sweep<number>> {
  return sweep(ids, concurrency, async (id) => (await client.workflow.getHandle<typeof caseWorkflow>(id).query(getCaseQuery)).version, signal);
}
