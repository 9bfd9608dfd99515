/**
 * `npm start` from a clone in a private directory: as root, PostgreSQL runs as the `postgres` user, which cannot reach
 * a clone under /root or in a directory made by `mktemp -d` (mode 0700). The store of such a clone starts, keeps its
 * data across starts, starts empty once `.data/postgres` is deleted, and no directory of the clone's path is opened.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startCaseStore, type CaseStore } from '../../scripts/servers/case-store';

const asRoot = process.getuid?.() === 0;
const REPO = path.resolve(__dirname, '../..');

(asRoot ? describe : describe.skip)('the case store of a clone in a 0700 directory, as root', () => {
  const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'private-clone-'));
  const clone = path.join(privateDir, 'after-sales');
  const dataDir = path.join(clone, '.data');
  let store: CaseStore | undefined;
  const clusterFiles: string[] = [];

  beforeAll(() => {
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
    execFileSync('git', ['clone', '--quiet', '--no-checkout', REPO, clone], { stdio: 'ignore' });
  });
  afterAll(async () => {
    await store?.stop();
    for (const dir of clusterFiles) fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(privateDir, { recursive: true, force: true });
  });

  const start = async () => {
    store = await startCaseStore({ dataDir, ephemeral: true });
    const link = path.join(dataDir, 'postgres');
    if (fs.lstatSync(link).isSymbolicLink()) clusterFiles.push(fs.realpathSync(link));
    return store;
  };
  const stop = async () => {
    await store?.stop();
    store = undefined;
  };
  const withDb = async <T>(uri: string, use: (db: mongoose.Connection) => Promise<T>): Promise<T> => {
    const conn = await mongoose.createConnection(`${uri}private_clone`, { serverSelectionTimeoutMS: 20_000 }).asPromise();
    try {
      return await use(conn);
    } finally {
      await conn.close();
    }
  };
  const notes = (db: mongoose.Connection) => db.collection<{ _id: string; text: string }>('notes');

  it('starts, keeps its data across a restart, and starts empty once .data/postgres is deleted', async () => {
    const first = await start();
    await withDb(first.uri, (db) => notes(db).insertOne({ _id: 'n1', text: 'kept' }));
    // The cluster's files are where the postgres user reaches them; .data/postgres names them.
    const link = path.join(dataDir, 'postgres');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    const files = fs.realpathSync(link);
    expect(fs.statSync(files).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()));
    expect(fs.existsSync(path.join(files, 'PG_VERSION'))).toBe(true);
    // Nothing on the clone's path was opened to other users.
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
    await stop();

    const again = await start();
    expect(fs.realpathSync(link)).toBe(files);
    expect(await withDb(again.uri, (db) => notes(db).findOne({ _id: 'n1' }))).toEqual({ _id: 'n1', text: 'kept' });
    await stop();

    fs.rmSync(link, { recursive: true, force: true });
    const fresh = await start();
    expect(await withDb(fresh.uri, (db) => notes(db).countDocuments())).toBe(0);
    await stop();
  });
});
