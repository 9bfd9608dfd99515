import fs from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '../..');

/** Path of a provisioned binary in .tools/bin, unless an environment variable names another one. */
export function toolPath(name: 'temporal' | 'ferretdb' | 'temporal-test-server'): string {
  const override = { temporal: 'TEMPORAL_CLI', ferretdb: 'FERRETDB_BIN', 'temporal-test-server': 'TEMPORAL_TEST_SERVER' }[name];
  const configured = process.env[override];
  if (configured) return configured;
  const provisioned = path.join(projectRoot, '.tools', 'bin', name);
  if (!fs.existsSync(provisioned)) {
    throw new Error(`${name} is not provisioned: run "bash scripts/provision.sh" (or set ${override})`);
  }
  return provisioned;
}
