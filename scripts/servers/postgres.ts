/**
 * An embedded PostgreSQL cluster for FerretDB: initialised under a data directory on first use, run in the foreground
 * as a child process (so stopping the parent stops it), reachable on 127.0.0.1 only, over TCP only.
 *
 * The server binaries come from the Debian package `postgresql` (/usr/lib/postgresql/<version>/bin; POSTGRES_BIN_DIR
 * names another directory). PostgreSQL refuses to run as root: as root, initdb and postgres run as the `postgres`
 * system user (created by the package) and the data directory is owned by it; as any other user they run as that user.
 * When that user cannot reach the data directory (a clone under /root, or in a directory mktemp -d made: mode 0700),
 * the cluster's files are kept in a directory of its own home and the data directory is a link to them (clusterDir).
 */
import { execFile, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ManagedProcess, spawnService, waitUntil } from './process';

const run = promisify(execFile);

export interface PostgresOptions {
  /** The cluster's directory (PGDATA); created and initialised when it holds no cluster yet. */
  dataDir: string;
  port: number;
  /** Database created for the caller (FerretDB) once the server is up, unless it exists. */
  database: string;
  logFile?: string;
  /**
   * A throwaway cluster (tests): no fsync at all. Never for data that must survive: a crash of the machine can
   * corrupt such a cluster.
   */
  ephemeral?: boolean;
}

export interface PostgresServer extends ManagedProcess {
  /** postgres://postgres@127.0.0.1:<port>/<database> (trust authentication on loopback). */
  url: string;
}

/** The cluster's superuser; initdb names it explicitly so it does not depend on who runs it. */
const SUPERUSER = 'postgres';
const BINARIES = ['initdb', 'postgres', 'psql'] as const;

export async function startPostgres(options: PostgresOptions): Promise<PostgresServer> {
  const owner = serverUser();
  const dataDir = clusterDir(path.resolve(options.dataDir), owner);
  const bin = postgresBinDir(clusterVersion(dataDir));
  await initCluster(bin, dataDir, owner, options.ephemeral === true);

  // Settings on the command line rather than in postgresql.conf: they apply to a cluster made by an earlier version
  // of this script too, and the port can move between starts.
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port: options.port,
    // No unix socket: its default directory (/var/run/postgresql) is not writable by an ordinary user, and a socket in
    // the data directory can exceed the 107-byte path limit. Every client here connects over TCP.
    unix_socket_directories: '',
    // FerretDB's pool opens up to 50 connections (its pool_max_conns default), plus psql and a few spare.
    max_connections: 100,
    shared_buffers: '128MB',
    // A 2-core machine shared with the Temporal server, the worker and the API: no JIT compilation of the short
    // queries FerretDB sends (it costs more than it saves), at most one parallel helper per query.
    jit: 'off',
    max_parallel_workers_per_gather: 1,
    max_wal_size: '1GB',
    timezone: 'UTC',
    log_timezone: 'UTC',
    log_min_messages: 'warning',
    log_line_prefix: '%m [%p] ',
    ...(options.ephemeral ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : { fsync: 'on' }),
  };
  const tail: string[] = [];
  const server = spawnService({
    name: 'postgres',
    command: path.join(bin, 'postgres'),
    args: ['-D', dataDir, ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
    cwd: dataDir,
    logFile: options.logFile,
    onLine: (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
    },
    // SIGINT is PostgreSQL's fast shutdown: clients are disconnected and a checkpoint is written. SIGTERM (smart
    // shutdown) would wait for every client to leave first.
    stopSignal: 'SIGINT',
    ...owner,
  });
  const client = clientArgs(options.port);
  try {
    // Ready once the server on the port answers with this data directory: a server of someone else's that holds the
    // port would answer too, while ours fails to bind.
    const answersForDataDir = async () => {
      const { stdout } = await run(path.join(bin, 'psql'), [...client, '--dbname=postgres', '--no-psqlrc', '--tuples-only', '--no-align', '--command=SHOW data_directory'], {
        env: { ...process.env, PGCONNECT_TIMEOUT: '2' },
      });
      const answered = stdout.trim();
      if (answered !== dataDir) throw new Error(`port ${options.port} is held by another PostgreSQL (data directory ${answered})`);
      return true;
    };
    await waitUntil(`PostgreSQL on 127.0.0.1:${options.port}`, answersForDataDir, { failFast: server }).catch((err: Error) => {
      throw new Error(`${err.message}${tail.length ? `; its last output:\n  ${tail.join('\n  ')}` : ''}`);
    });
    const name = `'${options.database.replace(/'/g, "''")}'`;
    await psql(bin, client, `SELECT format('CREATE DATABASE %I', ${name}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${name})\\gexec`);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return Object.assign(server, { url: `postgres://${SUPERUSER}@127.0.0.1:${options.port}/${encodeURIComponent(options.database)}` });
}

function clientArgs(port: number): string[] {
  return ['--host=127.0.0.1', `--port=${port}`, `--username=${SUPERUSER}`];
}

/** Runs a script through psql's standard input (the only place \gexec works). */
function psql(bin: string, client: string[], script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      path.join(bin, 'psql'),
      [...client, '--dbname=postgres', '--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1'],
      { env: { ...process.env, PGCONNECT_TIMEOUT: '5' } },
      (err, _stdout, stderr) => (err ? reject(new Error(`psql failed: ${stderr.trim() || err.message}`)) : resolve()),
    );
    child.stdin?.end(script + '\n');
  });
}

/** Runs initdb when the directory holds no cluster yet (no PG_VERSION file); as root, hands the directory to `postgres`. */
async function initCluster(bin: string, dataDir: string, owner: ServerUser, ephemeral: boolean): Promise<void> {
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised && fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster (no PG_VERSION): move it away or empty it`);
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner.uid !== undefined) {
    // Also after a cluster was made by another user (a copy, a run as an ordinary user): postgres needs to own it all.
    const stat = fs.statSync(dataDir);
    if (stat.uid !== owner.uid || stat.gid !== owner.gid) await run('chown', ['-R', `${owner.uid}:${owner.gid}`, dataDir]);
  }
  fs.chmodSync(dataDir, 0o700);
  if (initialised) return;
  const args = [
    `--pgdata=${dataDir}`,
    `--username=${SUPERUSER}`,
    '--encoding=UTF8',
    '--no-locale',
    // Trust on loopback TCP only: the server listens on 127.0.0.1 and has no unix socket (see the settings above).
    '--auth-host=trust',
    '--auth-local=reject',
    '--no-instructions',
    ...(ephemeral ? ['--no-sync'] : []),
  ];
  try {
    await run(path.join(bin, 'initdb'), args, { cwd: dataDir, ...owner });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    const hint = owner.uid !== undefined ? ` (it runs as the system user "postgres", which must be able to reach ${dataDir})` : '';
    // A half-made cluster would be refused at the next start as "not empty": leave the directory empty instead.
    for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    throw new Error(`initdb failed${hint}: ${stderr || (err as Error).message}`, { cause: err });
  }
  // initdb's pg_hba.conf also trusts replication connections and ::1; keep exactly what is needed.
  fs.writeFileSync(
    path.join(dataDir, 'pg_hba.conf'),
    '# Written by scripts/servers/postgres.ts: the server listens on 127.0.0.1 only and has no unix socket.\n' +
      '# TYPE  DATABASE  USER  ADDRESS       METHOD\n' +
      'host    all       all   127.0.0.1/32  trust\n',
  );
  if (owner.uid !== undefined) fs.chownSync(path.join(dataDir, 'pg_hba.conf'), owner.uid, owner.gid!);
}

/** The major version of the cluster in dataDir, when there is one (its binaries must be of the same major version). */
function clusterVersion(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The directory of the PostgreSQL server binaries: POSTGRES_BIN_DIR, else /usr/lib/postgresql/<version>/bin of the
 * cluster's version, else of the newest version installed. Not PATH: Debian puts only client wrappers there.
 */
export function postgresBinDir(preferVersion?: string): string {
  const configured = process.env.POSTGRES_BIN_DIR;
  const complete = (dir: string) => BINARIES.every((name) => isExecutable(path.join(dir, name)));
  if (configured) {
    if (!complete(configured)) throw new Error(`POSTGRES_BIN_DIR=${configured} lacks one of ${BINARIES.join(', ')}`);
    return configured;
  }
  const root = '/usr/lib/postgresql';
  const versions = (fs.existsSync(root) ? fs.readdirSync(root) : [])
    .filter((v) => complete(path.join(root, v, 'bin')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL server binaries not found under ${root}/<version>/bin: run "bash scripts/provision.sh" ` +
        '(it installs the Debian package postgresql when run as root; otherwise: sudo apt-get install postgresql), ' +
        'or set POSTGRES_BIN_DIR',
    );
  }
  const chosen = preferVersion && versions.includes(preferVersion) ? preferVersion : versions[0];
  return path.join(root, chosen, 'bin');
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

interface ServerUser {
  uid?: number;
  gid?: number;
  /** The `postgres` user's home directory (as root). */
  home?: string;
}

/**
 * The directory the cluster's files are in: `dataDir` itself, unless the server runs as the `postgres` user (as root)
 * and that user cannot reach it, e.g. a clone under /root (mode 0700) or in a directory made by mktemp -d. Then they are
 * kept in `<postgres's home>/after-sales-clusters/<hash of dataDir>` and `dataDir` becomes a symbolic link to it, so
 * no directory of the clone's path is opened to other users. Deleting `dataDir` (the link) still starts the next run
 * from an empty cluster: a link made afresh empties the directory it points to, which belongs to this path alone.
 */
export function clusterDir(dataDir: string, owner: ServerUser): string {
  if (owner.uid === undefined || !owner.home) return dataDir;
  const link = fs.lstatSync(dataDir, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) {
    const target = path.resolve(path.dirname(dataDir), fs.readlinkSync(dataDir));
    fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    return target;
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (reachableBy(owner, path.dirname(dataDir))) return dataDir;
  if (link && fs.readdirSync(dataDir).length > 0) {
    throw new Error(
      `${dataDir} holds files, but the system user "postgres" (PostgreSQL will not run as root) cannot reach it: ` +
        'move it away (the cluster will be made where that user can reach it) or set DATA_DIR to a directory it can reach',
    );
  }
  const clusters = path.join(owner.home, 'after-sales-clusters');
  fs.mkdirSync(clusters, { recursive: true, mode: 0o700 });
  fs.chownSync(clusters, owner.uid, owner.gid!);
  const target = path.join(clusters, crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 24));
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { mode: 0o700 });
  if (link) fs.rmdirSync(dataDir);
  fs.symlinkSync(target, dataDir);
  return target;
}

/** Whether `user` may reach (search) `dir`, every directory on its path included. */
function reachableBy(user: ServerUser, dir: string): boolean {
  try {
    execFileSync('test', ['-x', dir], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** As root, the `postgres` system user (PostgreSQL will not run as root); otherwise the current user (no switch). */
function serverUser(): ServerUser {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    const home = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split(':')[5];
    return { uid: id('-u'), gid: id('-g'), ...(home && { home }) };
  } catch (err) {
    throw new Error(
      'PostgreSQL refuses to run as root, and there is no "postgres" system user to run it as ' +
        '(the Debian package postgresql creates it): install the package, or run as an ordinary user',
      { cause: err },
    );
  }
}
