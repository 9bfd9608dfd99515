/**
 * The Temporal a fault run is against, on free ports over its data directory, killed and started again on the same
 * data: the dev server on a SQLite file (`npm run faults`), or with --cluster the Temporal server built from the Go
 * module proxy on a PostgreSQL of its own (`npm run start:cluster`'s Temporal), which can be killed under it too.
 */
import path from 'node:path';
import type { Teardown } from '../bench/teardown';
import { startPostgres } from '../../scripts/servers/postgres';
import type { ManagedProcess } from '../../scripts/servers/process';
import { freePort } from '../../scripts/servers/process';
import { freeTemporalClusterPort, startTemporalCluster } from '../../scripts/servers/temporal-cluster';
import { startTemporalDevServer } from '../../scripts/servers/temporal-dev';
import { killHard } from './node-process';

export interface Restartable {
  /** SIGKILL: no shutdown, as a crash. */
  kill(): Promise<void>;
  /** Started again on the same port and data. */
  start(): Promise<void>;
  /** The running process's id (its CPU is read by the cluster bench). */
  pid(): number;
}

export interface TemporalUnderTest extends Restartable {
  address: string;
  /** For the run's log: what runs, on what data. */
  description: string;
  /** With --cluster: the PostgreSQL under the Temporal server, and its URL. */
  postgres?: Restartable & { url: string };
}

/** A part started once, then killed and started again by the same means; its stop is in the teardown. */
async function restartable(teardown: Teardown, name: string, start: () => Promise<ManagedProcess>): Promise<Restartable> {
  let running = await start();
  teardown.add(name, () => running.stop());
  return {
    kill: () => killHard(running),
    start: async () => {
      running = await start();
    },
    pid: () => running.child.pid!,
  };
}

export async function startTemporalUnderTest(options: { cluster: boolean; dataDir: string; logDir: string; teardown: Teardown }): Promise<TemporalUnderTest> {
  const { dataDir, logDir, teardown } = options;
  if (!options.cluster) {
    const port = await freePort();
    const dbFile = path.join(dataDir, 'temporal.db');
    const server = await restartable(teardown, 'Temporal dev server', () => startTemporalDevServer({ port, dbFile, logFile: path.join(logDir, 'faults-temporal.log') }));
    return { ...server, address: `127.0.0.1:${port}`, description: `Temporal dev server (SQLite in ${dbFile})` };
  }
  const postgresPort = await freePort();
  const postgresDir = path.join(dataDir, 'temporal-postgres');
  // fsync on, as in production: the scenario that kills it checks that Temporal loses nothing.
  const postgres = await restartable(teardown, "Temporal's PostgreSQL", () =>
    startPostgres({ dataDir: postgresDir, port: postgresPort, database: 'postgres', logFile: path.join(logDir, 'faults-temporal-postgres.log') }),
  );
  const port = await freeTemporalClusterPort();
  const server = await restartable(teardown, 'Temporal server', () =>
    startTemporalCluster({ port, postgres: { port: postgresPort, user: 'postgres' }, logFile: path.join(logDir, 'faults-temporal.log') }),
  );
  const url = `postgres://postgres@127.0.0.1:${postgresPort}/postgres`;
  return { ...server, address: `127.0.0.1:${port}`, description: `Temporal server on PostgreSQL :${postgresPort} (${postgresDir})`, postgres: { ...postgres, url } };
}
