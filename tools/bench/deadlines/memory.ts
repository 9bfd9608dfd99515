/**
 * Memory and CPU of the processes under test. Memory is sampled every few seconds while a scenario runs: VmRSS of this
 * process (the case workers, the API and the load generator all run in it), of the Temporal dev server and of
 * FerretDB; for PostgreSQL the proportional set size (Pss) summed over the postmaster and its backends, since their
 * VmRSS each count the same shared buffers again. CPU is read on demand (user + system time from /proc/<pid>/stat,
 * summed over the tree for PostgreSQL), so a phase's CPU seconds per process are the difference of two readings.
 */
import fs from 'node:fs';

export interface MemoryTarget {
  name: string;
  pid: number;
  /** Sum over the process and its descendants, by Pss. */
  tree?: boolean;
}

export interface MemoryFigures {
  /** Peak over the samples, MiB, per target name. */
  peakMiB: Record<string, number>;
  /** Last sample, MiB. */
  lastMiB: Record<string, number>;
  /** Processes counted in the last sample of a tree target. */
  processes: Record<string, number>;
  /** Peak of each gauge (e.g. workflows in the worker's cache). */
  peakGauges: Record<string, number>;
}

const kib = (text: string, field: string): number | undefined => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    // The command name in parentheses may hold spaces: the parent pid is the second field after its closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

function cpuTicks(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state(0) ppid(1) ... utime(11) stime(12).
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU seconds used so far by each target (its tree for tree targets). */
export function cpuSeconds(targets: readonly MemoryTarget[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of targets) {
    const pids = t.tree ? descendants(t.pid) : [t.pid];
    out[t.name] = pids.reduce((sum, pid) => sum + (cpuTicks(pid) ?? 0), 0) / TICKS_PER_SECOND;
  }
  return out;
}

/** The CPU seconds each target used between two readings. */
export function cpuBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([name, v]) => [name, Math.max(0, v - (before[name] ?? 0))]));
}

function sampleKiB(target: MemoryTarget): { kib: number; processes: number } | undefined {
  if (!target.tree) {
    const v = kib(read(`/proc/${target.pid}/status`) ?? '', 'VmRSS');
    return v === undefined ? undefined : { kib: v, processes: 1 };
  }
  let total = 0;
  let processes = 0;
  for (const pid of descendants(target.pid)) {
    const v = kib(read(`/proc/${pid}/smaps_rollup`) ?? '', 'Pss') ?? kib(read(`/proc/${pid}/status`) ?? '', 'VmRSS');
    if (v === undefined) continue;
    total += v;
    processes++;
  }
  return processes ? { kib: total, processes } : undefined;
}

export class MemorySampler {
  private readonly figures: MemoryFigures = { peakMiB: {}, lastMiB: {}, processes: {}, peakGauges: {} };
  private timer?: NodeJS.Timeout;

  constructor(
    readonly targets: MemoryTarget[],
    private readonly gauges: Record<string, () => number> = {},
  ) {}

  start(intervalMs = 2000): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  /** Takes a last sample and stops. */
  stop(): MemoryFigures {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return this.figures;
  }

  private sample(): void {
    for (const t of this.targets) {
      const s = sampleKiB(t);
      if (!s) continue;
      const mib = s.kib / 1024;
      this.figures.lastMiB[t.name] = mib;
      this.figures.peakMiB[t.name] = Math.max(this.figures.peakMiB[t.name] ?? 0, mib);
      this.figures.processes[t.name] = s.processes;
    }
    for (const [name, read] of Object.entries(this.gauges)) {
      const v = read();
      if (Number.isFinite(v)) this.figures.peakGauges[name] = Math.max(this.figures.peakGauges[name] ?? 0, v);
    }
  }
}

/** A sampler of a bench stack: this process and the servers it started, and the workflows its case worker caches. */
export function stackSampler(stack: { servers: ReadonlyArray<{ name: string; pid: number }>; caseWorkerStatus(): Array<{ numCachedWorkflows: number }> }): MemorySampler {
  return new MemorySampler(stackTargets(stack.servers), { cachedWorkflows: () => stack.caseWorkerStatus()[0]?.numCachedWorkflows ?? Number.NaN });
}

/** The targets of a bench stack: this process and the servers it started. */
export function stackTargets(servers: ReadonlyArray<{ name: string; pid: number }>): MemoryTarget[] {
  return [
    { name: 'bench process', pid: process.pid },
    ...servers.map((s) => ({ name: s.name, pid: s.pid, ...(s.name === 'postgres' && { tree: true }) })),
  ];
}
