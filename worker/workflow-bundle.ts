/** The bundle's entry: every workflow type the case worker serves. */
export const WORKFLOWS_PATH = require.resolve('../workflows');
/** The workflow code shared by every case, its schemas built ahead (workflows/shared-code.ts). */
const SHARED_CODE_PATH = require.resolve('../workflows/shared-code');

/**
 * How the worker loads the workflow code (and so how the replay tests must load it too): evaluated once per workflow
 * thread and shared by every case, instead of once per case. Module scope in workflows/ holds only constants (schemas,
 * tables, clock definitions, activity proxies), never per-case state, so a case costs only its own CaseContext. The SDK
 * deep-freezes what it shares: a module that mutated its exports would fail loudly instead of leaking between cases.
 */
export function caseWorkflowCode(workflowsPath = WORKFLOWS_PATH) {
  return { workflowsPath, bundlerOptions: { preloadModules: [SHARED_CODE_PATH] } };
}
