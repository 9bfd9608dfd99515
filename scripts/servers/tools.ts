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
  zipkin: { version: '3.6.1', override: 'ZIPKIN_BIN' },
} as const;

export function versionedToolPath(name: keyof typeof VERSIONED_TOOLS): string {
  const { version, override } = VERSIONED_TOOLS[name];
  const configured = process.env[override];
  if (configured) return configured;
  const provisioned = path.join(projectRoot, '.tools', `${name}-${version}`, name);
  if (!fs.existsSync(provisioned)) {
    throw new Error(`${name} ${version} is not provisioned: run "bash scripts/provision.sh"${name === 'mailpit' ? '' : ` with TRACE_VIEWER=${name}`} (or set ${override})`);
  }
  return provisioned;
}

/** A version pinned once in scripts/provision.sh (e.g. TEMPORAL_SERVER_VERSION). */
export function pinnedVersion(variable: string): string {
  const script = fs.readFileSync(path.join(projectRoot, 'scripts', 'provision.sh'), 'utf8');
  const pinned = new RegExp(`^${variable}=(\\S+)`, 'm').exec(script)?.[1];
  if (!pinned) throw new Error(`scripts/provision.sh pins no ${variable}`);
  return pinned;
}

export interface TemporalClusterTools {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** The UI server's root: its config/ directory is there. */
  uiRoot: string;
}

/** The Temporal server, its SQL schema tool and the UI server `provision.sh --with-temporal-cluster` built, at the pinned versions. */
export function temporalClusterTools(): TemporalClusterTools {
  const serverDir = path.join(projectRoot, '.tools', `temporal-server-${pinnedVersion('TEMPORAL_SERVER_VERSION')}`);
  const uiRoot = path.join(projectRoot, '.tools', `temporal-ui-${pinnedVersion('TEMPORAL_UI_VERSION')}`);
  const tools = {
    server: path.join(serverDir, 'bin', 'temporal-server'),
    sqlTool: path.join(serverDir, 'bin', 'temporal-sql-tool'),
    uiServer: path.join(uiRoot, 'bin', 'temporal-ui-server'),
    uiRoot,
  };
  const missing = Object.values(tools).filter((file) => !fs.existsSync(file));
  if (missing.length) throw new Error(`${missing.join(', ')} not provisioned: run "bash scripts/provision.sh --with-temporal-cluster"`);
  return tools;
}
