/**
 * npm start's supervisor over real child processes: a killed part is started again while the others keep running, the
 * restart is counted in the status file /readyz reads, a part that keeps failing stops the whole with the reason, and
 * stopping leaves no process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readPartsStatus } from '../../api/parts-status';
import { spawnService, type ManagedProcess } from '../../scripts/servers/process';
import { Supervisor } from '../../scripts/servers/supervisor';
import { waitFor } from '../support/wait-for';

const longRunning = (name: string) => async (): Promise<ManagedProcess> =>
  spawnService({ name, command: process.execPath, args: ['-e', 'setInterval(() => {}, 1e6)'] });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the supervisor of npm start (real child processes)', () => {
  let dir: string;
  let supervisor: Supervisor | undefined;
  const logged: string[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
    logged.length = 0;
  });
  afterEach(async () => {
    await supervisor?.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const supervise = (options: ConstructorParameters<typeof Supervisor>[0] = {}) =>
    (supervisor = new Supervisor({ statusFile: path.join(dir, 'parts.json'), initialBackoffMs: 10, log: (line) => logged.push(line), ...options }));

  it('starts a killed part again, counts and logs the restart, and leaves the other parts running', async () => {
    const s = supervise();
    const a = await s.add({ name: 'a', start: longRunning('a') });
    const b = await s.add({ name: 'b', start: longRunning('b') });
    a.child.kill('SIGKILL');
    const restarted = await waitFor('a to be up again', async () => {
      const status = await readPartsStatus(path.join(dir, 'parts.json'));
      const partA = status.find((p) => p.name === 'a');
      return partA?.state === 'up' && partA.restarts === 1 ? status : undefined;
    });
    expect(restarted.find((p) => p.name === 'a')!.pid).not.toBe(a.child.pid);
    expect(restarted.find((p) => p.name === 'b')).toMatchObject({ state: 'up', restarts: 0, pid: b.child.pid });
    expect(alive(b.child.pid!)).toBe(true);
    expect(logged.some((line) => /^a exited unexpectedly/.test(line))).toBe(true);
    expect(logged.some((line) => /^a restarted \(restart 1;/.test(line))).toBe(true);
  });

  it('names a part that is being restarted in the status file', async () => {
    const s = supervise({ initialBackoffMs: 60_000 });
    const a = await s.add({ name: 'a', start: longRunning('a') });
    a.child.kill('SIGKILL');
    const status = await waitFor('a to be restarting', async () => {
      const parts = await readPartsStatus(path.join(dir, 'parts.json'));
      return parts.find((p) => p.name === 'a')?.state === 'restarting' ? parts : undefined;
    });
    expect(status.find((p) => p.name === 'a')!.lastExit).toMatchObject({ code: null });
  });

  it('gives up, with the reason, on a part that keeps exiting', async () => {
    const s = supervise({ maxRestarts: 3, windowMs: 600_000 });
    let starts = 0;
    await s.add({
      name: 'crashing',
      start: async () => {
        starts++;
        const child = spawnService({ name: 'crashing', command: process.execPath, args: ['-e', starts === 1 ? 'setTimeout(() => process.exit(3), 50)' : 'process.exit(3)'] });
        if (starts > 1) await child.exited;
        return child;
      },
    });
    const reason = await s.gaveUp;
    expect(reason).toMatch(/^crashing (exited|failed) 4 times within 600 s/);
  });

  it('stops every part and leaves no process', async () => {
    const s = supervise();
    const parts = await Promise.all(['a', 'b', 'c'].map((name) => s.add({ name, start: longRunning(name) })));
    await s.stopAll([['c'], ['a', 'b']]);
    for (const part of parts) expect(alive(part.child.pid!)).toBe(false);
  });

  it('stops a part that is being started again, leaving no process', async () => {
    const s = supervise();
    let spawned: ManagedProcess | undefined;
    let starts = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const first = await s.add({
      name: 'slow',
      start: async () => {
        const child = await longRunning('slow')();
        if (++starts === 2) {
          spawned = child;
          await released;
        }
        return child;
      },
    });
    first.child.kill('SIGKILL');
    await waitFor('the restart to have spawned its process', async () => spawned);
    const stopped = s.stopAll();
    release();
    await stopped;
    expect(alive(spawned!.child.pid!)).toBe(false);
  });
});
