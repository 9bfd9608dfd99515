/**
 * Loaded into every thread of the worker process (`node --require`, see workerProcessArgs in worker/process-args.ts).
 * In the SDK's workflow thread it leaves out the promise hook with which @temporalio/worker 1.24 records, for the
 * Temporal UI's "stack trace" query, the stack of every promise a workflow creates: an Error, its stack formatted and
 * mapped through the bundle's source map, per promise. `npm run profile` found it to be about a third of the workflow
 * thread's time. Without it the stack-trace query answers with an empty trace; WORKFLOW_STACK_TRACES=on keeps it (to
 * see where a stuck case waits). A plain CommonJS file: it runs before any loader (tsx) is in place.
 */
const { isMainThread } = require('node:worker_threads');

if (!isMainThread && process.env.WORKFLOW_STACK_TRACES !== 'on') {
  const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared');
  globalHandlers.setPromiseHook = () => undefined;
}
