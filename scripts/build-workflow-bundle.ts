/** `tsx scripts/build-workflow-bundle.ts <file>`: writes the case workers' workflow bundle, for WORKFLOW_BUNDLE_PATH. */
import { writeCaseWorkflowBundle } from '../worker/workflow-bundle';

const file = process.argv[2];
if (!file) {
  console.error('usage: tsx scripts/build-workflow-bundle.ts <file>');
  process.exit(2);
}
writeCaseWorkflowBundle(file).then(
  () => console.log(`workflow bundle written to ${file}`),
  (err: unknown) => {
    console.error('bundling failed:', err);
    process.exit(1);
  },
);
