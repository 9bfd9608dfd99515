import fs from 'node:fs';
import mongoose from 'mongoose';
import { ManagedProcess, spawnService, waitUntil } from './process';
import { toolPath } from './tools';

export interface FerretDbOptions {
  port: number;
  /** Directory of FerretDB's SQLite databases (its state lives there too). */
  dataDir: string;
  /** Port for FerretDB's metrics/debug HTTP handlers; it is always bound, so it must be free. */
  debugPort: number;
  logFile?: string;
}

export async function startFerretDb(options: FerretDbOptions): Promise<ManagedProcess> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const server = spawnService({
    name: 'ferretdb',
    command: toolPath('ferretdb'),
    args: [
      '--handler=sqlite',
      // Immediate transactions take the write lock at BEGIN, where SQLite's busy timeout applies; deferred ones that
      // upgrade from read to write fail at once with SQLITE_BUSY when another writer is active (concurrent upserts).
      `--sqlite-url=file:${options.dataDir.replace(/\/?$/, '/')}?_txlock=immediate`,
      `--state-dir=${options.dataDir}`,
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
