import mongoose from 'mongoose';

/** How long one store operation may go without an answer before it fails (the API answers 503 then). */
export const STORE_READ_BOUND_MS = 5000;

export interface StoreOptions {
  /**
   * Bound on connecting, choosing a server and each socket read (default STORE_READ_BOUND_MS). A stopped or hung store
   * keeps TCP connections open without answering: without a socket bound, the first read on a pooled connection waited
   * for the monitor's heartbeat to give up (about 40 s).
   */
  timeoutMs?: number;
}

/** Opens the case store (MongoDB or FerretDB) and waits until it answers. */
export async function openStore(uri: string, { timeoutMs = STORE_READ_BOUND_MS }: StoreOptions = {}): Promise<mongoose.Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    heartbeatFrequencyMS: Math.min(10_000, timeoutMs),
    // Opened before use: a command sent while disconnected fails through server selection instead of waiting in
    // mongoose's buffer (10 s).
    bufferCommands: false,
  });
  await connection.asPromise();
  return connection;
}

export async function pingStore(connection: mongoose.Connection): Promise<void> {
  if (!connection.db) throw new Error('case store is not connected');
  await connection.db.admin().ping();
}
