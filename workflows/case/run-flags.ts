/**
 * Flags of one run of a case. Module scope is shared by every case of a workflow thread (worker/workflow-bundle.ts),
 * but the SDK gives each run its own global object, even when runs share one V8 context.
 */
type RunGlobals = Record<string, boolean | undefined>;

export function runFlag(name: string): boolean | undefined {
  return (globalThis as unknown as RunGlobals)[`__case_${name}`];
}

export function setRunFlag(name: string, value: boolean): void {
  (globalThis as unknown as RunGlobals)[`__case_${name}`] = value;
}
