import { randomBytes } from 'node:crypto';
import type { Teardown } from '../../bench/teardown';
import type { FaultParams } from '../params';
import type { ScenarioRow } from '../row';
import type { FaultStack } from '../stack';

export interface ScenarioContext {
  stack: FaultStack;
  params: FaultParams;
  say: (line: string) => void;
  /** Unique per scenario run: prefixes idempotency keys, so scenarios on one stack never share a case. */
  run: string;
  /** The run's teardown (also run on Ctrl-C): a scenario that starts servers of its own registers their stop here too. */
  teardown: Teardown;
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioRow>;

export const runId = (name: string) => `${name}-${randomBytes(3).toString('hex')}`;
