/**
 * Loaded into every thread of the worker process (`node --require`, see worker/process-args.ts). In the SDK's workflow
 * thread (@temporalio/worker 1.24, reuseV8Context) it leaves out two costs that `npm run profile` found to be most of
 * that thread's time once the workflow code was shared:
 * - the promise hook that records, for the Temporal UI's "stack trace" query, the stack of every promise a workflow
 *   creates (an Error per promise, its stack formatted and mapped through the bundle's source map): about a third of
 *   the thread. Without it the query answers with an empty trace. WORKFLOW_STACK_TRACES=on keeps it, to see where a
 *   stuck case waits;
 * - the 5 s execution timeout of each call into the workflow sandbox: Node's vm enforces it by starting and joining a
 *   watchdog thread on every call (about 130 µs a call against 2 µs without, measured on the loaded 2-core machine),
 *   and the SDK calls in several times per workflow task: about two thirds of what was left. Without it, workflow code
 *   that loops forever would hold the thread instead of failing its task; the replay tests run every recorded history
 *   through the same code. WORKFLOW_ISOLATE_TIMEOUT=on keeps it.
 * A plain CommonJS file: it runs before any loader (tsx) is in place.
 */
const { isMainThread } = require('node:worker_threads');

if (!isMainThread) {
  if (process.env.WORKFLOW_STACK_TRACES !== 'on') {
    const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
    globalHandlers.setPromiseHook = () => undefined;
  }
  if (process.env.WORKFLOW_ISOLATE_TIMEOUT !== 'on') {
    const { ReusableVMWorkflowCreator } = require('@temporalio/worker/lib/workflow/reusable-vm');
    const create = ReusableVMWorkflowCreator.create;
    ReusableVMWorkflowCreator.create = function (bundle, _isolateExecutionTimeoutMs, ...rest) {
      return create.call(this, bundle, undefined, ...rest);
    };
  }
}
