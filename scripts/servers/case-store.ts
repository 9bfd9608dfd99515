/**
 * The embedded case store: FerretDB (MongoDB wire protocol) on a PostgreSQL cluster of its own, both under one data
 * directory (`<dataDir>/postgres`, `<dataDir>/ferretdb`). `backend: 'sqlite'` runs FerretDB on SQLite files in
 * `<dataDir>/ferretdb` instead; it is kept for measurements only (tools/bench/store-compare.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startFerretDb, type FerretDbBackend } from './ferretdb';
import { startPostgres } from './postgres';
import { freePort, ManagedProcess } from './process';

export type StoreBackend = 'postgresql' | 'sqlite';

/** The PostgreSQL database FerretDB keeps its MongoDB databases in (one schema per MongoDB database). */
export const FERRETDB_PG_DATABASE = 'ferretdb';

export interface CaseStoreOptions {
  dataDir: string;
  /** PostgreSQL unless told otherwise. */
  backend?: StoreBackend;
  /** Free ports are taken for those not given. */
  ferretDbPort?: number;
  ferretDbDebugPort?: number;
  postgresPort?: number;
  /** Where `<logPrefix>postgres.log` and `<logPrefix>ferretdb.log` go; output is discarded when absent. */
  logDir?: string;
  logPrefix?: string;
  /** A throwaway store (tests): PostgreSQL without fsync. */
  ephemeral?: boolean;
  /** Called with each server as soon as it is up (PostgreSQL first), e.g. to supervise it or register its stop. */
  onStarted?: (server: ManagedProcess) => void;
}

export interface CaseStore {
  /** mongodb://127.0.0.1:<port>/ — append a database name. */
  uri: string;
  /** The running servers, PostgreSQL first. */
  servers: ManagedProcess[];
  /** Stops FerretDB, then PostgreSQL. */
  stop(): Promise<void>;
}

/** PostgreSQL for FerretDB in `<dataDir>/postgres` (made on first use); started again the same way after a crash. */
export async function startStorePostgres(options: { dataDir: string; port: number; logFile?: string; ephemeral?: boolean }) {
  // As root the cluster runs as the `postgres` user, who must be able to pass through dataDir (mkdtemp makes 0700).
  fs.mkdirSync(options.dataDir, { recursive: true });
  if (process.getuid?.() === 0) fs.chmodSync(options.dataDir, fs.statSync(options.dataDir).mode | 0o011);
  return startPostgres({
    dataDir: path.join(options.dataDir, 'postgres'),
    port: options.port,
    database: FERRETDB_PG_DATABASE,
    logFile: options.logFile,
    ephemeral: options.ephemeral,
  });
}

/** FerretDB on the store's PostgreSQL (or SQLite files), its state in `<dataDir>/ferretdb`. */
export function startStoreFerretDb(options: { dataDir: string; backend: FerretDbBackend; port: number; debugPort: number; logFile?: string }) {
  const ferretDir = path.join(options.dataDir, 'ferretdb');
  return startFerretDb({ port: options.port, debugPort: options.debugPort, backend: options.backend, stateDir: ferretDir, logFile: options.logFile });
}

export async function startCaseStore(options: CaseStoreOptions): Promise<CaseStore> {
  const backend = options.backend ?? 'postgresql';
  const log = (name: string) => (options.logDir ? path.join(options.logDir, `${options.logPrefix ?? ''}${name}.log`) : undefined);
  const servers: ManagedProcess[] = [];
  const started = (server: ManagedProcess) => {
    servers.push(server);
    options.onStarted?.(server);
  };
  const stop = async () => {
    for (const server of [...servers].reverse()) await server.stop();
  };
  try {
    let ferretBackend: FerretDbBackend;
    if (backend === 'postgresql') {
      const postgres = await startStorePostgres({ dataDir: options.dataDir, port: options.postgresPort ?? (await freePort()), logFile: log('postgres'), ephemeral: options.ephemeral });
      started(postgres);
      ferretBackend = { handler: 'postgresql', url: postgres.url };
    } else {
      ferretBackend = { handler: 'sqlite', dir: path.join(options.dataDir, 'ferretdb') };
    }
    const port = options.ferretDbPort ?? (await freePort());
    started(await startStoreFerretDb({ dataDir: options.dataDir, backend: ferretBackend, port, debugPort: options.ferretDbDebugPort ?? (await freePort()), logFile: log('ferretdb') }));
    return { uri: `mongodb://127.0.0.1:${port}/`, servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
