import type { ScenarioContext } from './context';
import type { ScenarioRow } from '../row';
export async function fuzz(_ctx: ScenarioContext): Promise<ScenarioRow> {
  throw new Error('not written yet');
}
