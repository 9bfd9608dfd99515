import fs from 'node:fs';
import mongoose from 'mongoose';
import { ManagedProcess, spawnService, waitUntil } from './process';
import { toolPath } from './tools';

/**
 * FerretDB's storage. PostgreSQL is the default everywhere (see scripts/servers/case-store.ts); SQLite stays available
 * for measurements (tools/bench/store-compare.ts): under ~100 concurrent writers it stalled, and it filters every
 * field but `_id` in FerretDB's own code after reading the whole collection.
 */
export type FerretDbBackend =
  | { handler: 'postgresql'; /** e.g. postgres://postgres@127.0.0.1:5433/ferretdb */ url: string }
  | { handler: 'sqlite'; /** Directory of FerretDB's SQLite databases. */ dir: string };

export interface FerretDbOptions {
  port: number;
  backend: FerretDbBackend;
  /** FerretDB's own state (state.json); with the SQLite backend usually the same directory as the databases. */
  stateDir: string;
  /** Port for FerretDB's metrics/debug HTTP handlers; it is always bound, so it must be free. */
  debugPort: number;
  logFile?: string;
}

export async function startFerretDb(options: FerretDbOptions): Promise<ManagedProcess> {
  fs.mkdirSync(options.stateDir, { recursive: true });
  const backendArgs =
    options.backend.handler === 'postgresql'
      ? ['--handler=postgresql', `--postgresql-url=${options.backend.url}`]
      : [
          '--handler=sqlite',
          // Immediate transactions take the write lock at BEGIN, where SQLite's busy timeout applies; deferred ones that
          // upgrade from read to write fail at once with SQLITE_BUSY when another writer is active (concurrent upserts).
          `--sqlite-url=file:${options.backend.dir.replace(/\/?$/, '/')}?_txlock=immediate`,
        ];
  if (options.backend.handler === 'sqlite') fs.mkdirSync(options.backend.dir, { recursive: true });
  const server = spawnService({
    name: 'ferretdb',
    command: toolPath('ferretdb'),
    args: [
      ...backendArgs,
      `--state-dir=${options.stateDir}`,
      `--listen-addr=127.0.0.1:${options.port}`,
      `--debug-addr=127.0.0.1:${options.debugPort}`,
      '--telemetry=disable',
      '--log-level=warn',
    ],
    logFile: options.logFile,
  });
  try {
    await waitUntil(`FerretDB on 127.0.0.1:${options.port}`, () => mongoPing(`mongodb://127.0.0.1:${options.port}/`), {
      failFast: server,
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

export async function mongoPing(uri: string): Promise<boolean> {
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 1000 });
  try {
    await connection.asPromise();
    await connection.db!.admin().ping();
    return true;
  } finally {
    await connection.close();
  }
}
