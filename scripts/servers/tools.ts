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

/** Tools provisioned into a folder of their own version (scripts/provision.sh pins the same versions). */
const VERSIONED_TOOLS = {
  mailpit: { version: 'v1.33.1', override: 'MAILPIT_BIN' },
  jaeger: { version: 'v1.75.0', override: 'JAEGER_BIN' },
} as const;

export function versionedToolPath(name: keyof typeof VERSIONED_TOOLS): string {
  const { version, override } = VERSIONED_TOOLS[name];
  const configured = process.env[override];
  if (configured) return configured;
  const provisioned = path.join(projectRoot, '.tools', `${name}-${version}`, name);
  if (!fs.existsSync(provisioned)) {
    throw new Error(`${name} ${version} is not provisioned: run "bash scripts/provision.sh"${name === 'jaeger' ? ' with TRACE_VIEWER=jaeger' : ''} (or set ${override})`);
  }
  return provisioned;
}
