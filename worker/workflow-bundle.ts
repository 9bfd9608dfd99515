import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE } from './tracing';

/** The bundle's entry: every workflow type the case worker serves. */
const WORKFLOWS_PATH = require.resolve('../workflows');
/** The workflow code shared by every case, its schemas built ahead (workflows/shared-code.ts). */
const SHARED_CODE_PATH = require.resolve('../workflows/shared-code');

/** Merges a case's search-attribute upserts per activation: every worker and replayer of cases must load it. */
const UPSERT_MERGING_MODULE = require.resolve('../workflows/case/upsert-merging');

/** The workflow interceptor modules of the case workflow code. */
export function caseWorkflowInterceptorModules({ traceWorkflows = false } = {}): string[] {
  // Temporal's OpenTelemetry workflow interceptors (TRACE_WORKFLOWS): a cost on every workflow task, so opt-in.
  return [UPSERT_MERGING_MODULE, ...(traceWorkflows ? [WORKFLOW_TRACING_MODULE] : [])];
}

/**
 * How the worker loads the workflow code (and so how the replay tests must load it too): evaluated once per workflow
 * thread and shared by every case, instead of once per case. Module scope in workflows/ holds only constants (schemas,
 * tables, clock definitions, activity proxies), never per-case state, so a case costs only its own CaseContext. The SDK
 * deep-freezes what it shares: a module that mutated its exports would fail loudly instead of leaking between cases.
 */
export function caseWorkflowCode(workflowsPath = WORKFLOWS_PATH, { traceWorkflows = false, sharedCodePath = SHARED_CODE_PATH } = {}) {
  return {
    workflowsPath,
    bundlerOptions: { preloadModules: [sharedCodePath] },
    interceptors: { workflowModules: caseWorkflowInterceptorModules({ traceWorkflows }) },
  };
}

/**
 * The bundle the worker would build, written to `file` so that workers started after can load it without bundling.
 * `sharedCodePath`: another shared entry that re-exports workflows/shared-code after registering more kinds.
 */
export async function writeCaseWorkflowBundle(file: string, options: { traceWorkflows?: boolean; sharedCodePath?: string } = {}): Promise<void> {
  const { workflowsPath, bundlerOptions, interceptors } = caseWorkflowCode(WORKFLOWS_PATH, options);
  const { code } = await bundleWorkflowCode({ workflowsPath, ...bundlerOptions, workflowInterceptorModules: interceptors.workflowModules, logger: new DefaultLogger('WARN') });
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  await fs.promises.writeFile(file, code);
}
