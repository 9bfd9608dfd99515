import mongoose from 'mongoose';

/** Opens the case store (MongoDB or FerretDB) and waits until it answers. */
export async function openStore(uri: string): Promise<mongoose.Connection> {
  const connection = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 });
  await connection.asPromise();
  return connection;
}

export async function pingStore(connection: mongoose.Connection): Promise<void> {
  if (!connection.db) throw new Error('case store is not connected');
  await connection.db.admin().ping();
}
