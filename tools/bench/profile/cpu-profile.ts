/**
 * Reads the CPU profiles `node --cpu-prof` wrote for a process (one file per thread) and says where the time went:
 * self time per source, where a frame in the workflow bundle is named by the module it was bundled from (webpack
 * heads each module with a `/***\/ "./path"` line), a frame elsewhere by its package or file, plus V8's own entries
 * (garbage collector, program). Idle time is left out.
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ThreadCost {
  file: string;
  /** Busy time (all samples but idle), ms. */
  busyMs: number;
  /** Self time per source, ms, largest first. */
  sources: Array<{ source: string; ms: number }>;
  /** Time spent under module initialisation (`__webpack_require__` frames of the workflow bundle), ms. */
  moduleInitMs: number;
  /** Self time in frames of the workflow bundle, ms. */
  bundleMs: number;
}

const BUNDLE_URL = /workflow-bundle[^/]*\.js$/;

/** Line (0-based) where each bundled module starts, and its path, in order. */
function bundleModules(bundleCode: string): Array<{ line: number; module: string }> {
  const out: Array<{ line: number; module: string }> = [];
  bundleCode.split('\n').forEach((text, line) => {
    const m = /^\/\*\*\*\/ "(.+)":?\s*$/.exec(text) ?? /^\/\*\*\*\/ "(.+)"/.exec(text);
    if (m) out.push({ line, module: m[1]! });
  });
  return out;
}

function moduleAt(modules: Array<{ line: number; module: string }>, line: number): string {
  let lo = 0;
  let hi = modules.length - 1;
  let found = '(bundle runtime)';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (modules[mid]!.line <= line) {
      found = modules[mid]!.module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A source's name for the table: a package, a project folder (workflows/contract) or file, or V8's entry. */
function sourceName(frame: CallFrame, modules: Array<{ line: number; module: string }>): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const file = BUNDLE_URL.test(frame.url) ? moduleAt(modules, frame.lineNumber) : frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1]!;
  if (file.startsWith('node:')) return 'node internals';
  const project = file.replace(/^\.\//, '').replace(`${process.cwd()}/`, '');
  return project.startsWith('workflows/contract/') ? 'workflows/contract' : project;
}

export function analyseProfile(file: string, bundleCode: string): ThreadCost {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const modules = bundleModules(bundleCode);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const underModuleInit = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (frame.functionName === '__webpack_require__' && BUNDLE_URL.test(frame.url)) return true;
    }
    return false;
  };
  const self = new Map<string, number>();
  let busyUs = 0;
  let moduleInitUs = 0;
  let bundleUs = 0;
  const initMemo = new Map<number, boolean>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    const us = profile.timeDeltas[i] ?? 0;
    busyUs += us;
    const name = sourceName(node.callFrame, modules);
    if (BUNDLE_URL.test(node.callFrame.url)) bundleUs += us;
    self.set(name, (self.get(name) ?? 0) + us);
    if (!initMemo.has(id)) initMemo.set(id, underModuleInit(id));
    if (initMemo.get(id)) moduleInitUs += us;
  });
  return {
    file: path.basename(file),
    busyMs: busyUs / 1000,
    sources: [...self.entries()].map(([source, us]) => ({ source, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    moduleInitMs: moduleInitUs / 1000,
    bundleMs: bundleUs / 1000,
  };
}

/** The profiles of one process's threads in `dir`, each analysed; the workflow thread is the one that ran the bundle. */
export function analyseProfiles(dir: string, bundleCode: string): { workflowThread?: ThreadCost; others: ThreadCost[] } {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  const costs = files.map((f) => analyseProfile(f, bundleCode)).sort((a, b) => b.bundleMs - a.bundleMs);
  const workflow = costs[0]?.bundleMs ? costs[0] : undefined;
  return { workflowThread: workflow, others: costs.filter((c) => c !== workflow).sort((a, b) => b.busyMs - a.busyMs) };
}
