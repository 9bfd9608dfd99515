/**
 * `npx tsx tools/bench/what-if-stages.ts`: where a simulation's CPU goes, without a store: WHAT_IF_CASES (default
 * 100,000) histories of the bench's shape packed as the store packs them (JSON, deflated, 2,000 a chunk), then unpacked
 * and kept as the API's chunk cache keeps them (the first simulation of an API process; later ones start from the
 * cache), re-timed under the bench's shorter merchant review and counted, each stage timed alone (CPU of this process).
 * Run under `node --cpu-prof` to see the functions; prints one table with the load average; asserts nothing.
 */
import os from 'node:os';
import zlib from 'node:zlib';
import { ChunkCache } from '../../activities/store/what-if/chunk-cache';
import { compareWhatIf } from '../../activities/store/what-if/comparison';
import type { ClockHistory } from '../../activities/store/what-if/clock-history';
import { CaseSimulator, clockDefinitions } from '../../activities/store/what-if/simulate';
import { loadPolicy } from '../../config/policy';
import type { CasePolicy } from '../../workflows/policy';
import type { PolicyRules } from '../../workflows/policy-rules';
import { recordedCase } from './what-if-cases';

const CASES = Number(process.env.WHAT_IF_CASES ?? 100_000);
const ROUNDS = Number(process.env.WHAT_IF_ROUNDS ?? 3);
const CHUNK_CASES = 2_000;

function timed<T>(run: () => T): { value: T; cpuMs: number } {
  const cpu = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(cpu);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return { value, cpuMs: (used.user + used.system) / 1000 };
}

const base = loadPolicy({});
const rules: PolicyRules<CasePolicy> = { version: 'bench-short', base: { ...base, merchantReviewReminder: { hours: 12 }, merchantReviewTimeout: { hours: 24 } }, overrides: [] };
const definitions = clockDefinitions();
const rows: string[][] = [];
const row = (stage: string, cpuMs: number) => rows.push([stage, `${cpuMs.toFixed(0)} ms`, `${((cpuMs * 1000) / CASES).toFixed(1)} µs`, os.loadavg()[0].toFixed(1)]);

const histories = Array.from({ length: CASES }, (_, i) => recordedCase(i));
const packed = timed(() => {
  const chunks: Buffer[] = [];
  for (let i = 0; i < histories.length; i += CHUNK_CASES) chunks.push(zlib.deflateRawSync(`[${histories.slice(i, i + CHUNK_CASES).map((h) => JSON.stringify(h)).join(',')}]`, { level: 1 }));
  return chunks;
});
row('pack: JSON + deflate', packed.cpuMs);

async function main(): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    const inflated = timed(() => packed.value.map((z) => zlib.inflateRawSync(z).toString('utf8')));
    row('inflate', inflated.cpuMs);
    const parsed = timed(() => inflated.value.map((text) => JSON.parse(text) as ClockHistory[]));
    row('JSON.parse', parsed.cpuMs);
    const listed = parsed.value.map((_, i) => ({ id: String(i), marker: '' }));
    const kept = await timedAsync(async () => (await new ChunkCache().histories(listed, async () => parsed.value.map((histories, i) => ({ ...listed[i], histories })))).flat());
    row('keep (ChunkCache, first read of a chunk)', kept.cpuMs);
    const asOf = Date.now();
    const simulator = new CaseSimulator(rules, definitions, asOf);
    const simulated = timed(() => kept.value.map((history) => ({ history, simulation: simulator.simulate(history) })));
    row('re-time (CaseSimulator)', simulated.cpuMs);
    const compared = timed(() => compareWhatIf(simulated.value));
    row('count (compareWhatIf)', compared.cpuMs);
    if (round === 0) console.log(`cases ${compared.value.cases}, simulated breaches ${compared.value.totals.simulated.breached}, actual ${compared.value.totals.actual.breached}`);
  }
  const table = [['stage', 'CPU', 'per case', 'load (1 min)'], ...rows];
  const widths = table[0].map((_, col) => Math.max(...table.map((r) => r[col].length)));
  for (const r of table) console.log(r.map((c, col) => c.padEnd(widths[col])).join('  '));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
