/**
 * Keeps the parts of `npm start` running: a part that exits on its own is started again with backoff while the others
 * keep running; each restart is logged and counted, and the parts' states are written to a status file the API's
 * /readyz reads (parts-status.ts). Only a part that keeps failing (more than `maxRestarts` exits within `windowMs`)
 * gives up the whole, with the reason.
 */
import type { ManagedProcess } from './process';
import { writePartsStatus, type PartState, type PartStatus } from '../../api/parts-status';

export interface PartSpec {
  name: string;
  /** Starts the part and resolves once it is ready (throws when it is not). */
  start(): Promise<ManagedProcess>;
}

export interface SupervisorOptions {
  /** First wait before a restart; doubled after each failure in a row, up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A part that exits more often than this within windowMs stops everything. */
  maxRestarts?: number;
  windowMs?: number;
  /** Where the parts' states are written (atomically) on every change; none when absent. */
  statusFile?: string;
  log?: (line: string) => void;
}

interface Part {
  spec: PartSpec;
  state: PartState;
  process?: ManagedProcess;
  /** A start again in flight: stopping waits for it and stops what it started, so no process outlives the supervisor. */
  starting?: Promise<ManagedProcess>;
  restarts: number;
  exits: number[];
  lastExit?: { code: number | null; at: string };
}

export class Supervisor {
  private readonly parts: Part[] = [];
  private stopping = false;
  private giveUp!: (reason: string) => void;
  /** Resolves with the reason when a part failed too often; the caller stops everything then. */
  readonly gaveUp = new Promise<string>((resolve) => (this.giveUp = resolve));
  private readonly options: Required<Omit<SupervisorOptions, 'statusFile'>> & Pick<SupervisorOptions, 'statusFile'>;

  constructor(options: SupervisorOptions = {}) {
    this.options = { initialBackoffMs: 500, maxBackoffMs: 10_000, maxRestarts: 5, windowMs: 60_000, log: (line) => console.log(line), ...options };
  }

  /** Starts a part (a failure to start the first time is thrown) and watches it from then on. */
  async add(spec: PartSpec): Promise<ManagedProcess> {
    const part: Part = { spec, state: 'starting', restarts: 0, exits: [] };
    this.parts.push(part);
    this.publish();
    const process = await spec.start();
    this.running(part, process);
    return process;
  }

  status(): PartStatus[] {
    return this.parts.map((p) => ({ name: p.spec.name, state: p.state, pid: p.process?.child.pid, restarts: p.restarts, ...(p.lastExit && { lastExit: p.lastExit }) }));
  }

  /** Stops every part, latest first; parts listed in one group of `order` stop side by side. */
  async stopAll(order?: string[][]): Promise<void> {
    this.stopping = true;
    const groups = order ?? [...this.parts].reverse().map((p) => [p.spec.name]);
    const named = new Set(groups.flat());
    const rest = this.parts.filter((p) => !named.has(p.spec.name)).map((p) => p.spec.name);
    for (const group of [rest, ...groups]) {
      await Promise.all(
        this.parts
          .filter((p) => group.includes(p.spec.name))
          .map((p) => Promise.all([p.process?.stop(), p.starting?.then((started) => started.stop(), () => undefined)])),
      );
    }
  }

  private running(part: Part, process: ManagedProcess): void {
    if (this.stopping) {
      void process.stop();
      return;
    }
    part.process = process;
    part.state = 'up';
    this.publish();
    void process.exited.then((code) => this.exited(part, process, code));
  }

  private async exited(part: Part, process: ManagedProcess, code: number | null): Promise<void> {
    if (this.stopping || part.process !== process) return;
    const { name } = part.spec;
    const now = Date.now();
    part.exits = [...part.exits.filter((at) => now - at < this.options.windowMs), now];
    part.lastExit = { code, at: new Date(now).toISOString() };
    part.state = 'restarting';
    this.publish();
    if (part.exits.length > this.options.maxRestarts) {
      this.giveUp(`${name} exited ${part.exits.length} times within ${this.options.windowMs / 1000} s (last code ${code}): not restarted again`);
      return;
    }
    for (let attempt = 0; !this.stopping; attempt++) {
      const backoff = Math.min(this.options.maxBackoffMs, this.options.initialBackoffMs * 2 ** (part.exits.length - 1 + attempt));
      this.options.log(`${name} exited unexpectedly (code ${code}); restarting in ${(backoff / 1000).toFixed(1)} s`);
      await new Promise((resolve) => setTimeout(resolve, backoff));
      if (this.stopping) return;
      try {
        part.starting = part.spec.start();
        const restarted = await part.starting;
        part.restarts += 1;
        this.options.log(`${name} restarted (restart ${part.restarts}; down ${((Date.now() - now) / 1000).toFixed(1)} s)`);
        this.running(part, restarted);
        return;
      } catch (err) {
        const at = Date.now();
        part.exits = [...part.exits.filter((t) => at - t < this.options.windowMs), at];
        if (part.exits.length > this.options.maxRestarts) {
          this.giveUp(`${name} failed ${part.exits.length} times within ${this.options.windowMs / 1000} s: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          return;
        }
        this.options.log(`${name} did not start again: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      } finally {
        part.starting = undefined;
      }
    }
  }

  private publish(): void {
    if (this.options.statusFile) writePartsStatus(this.options.statusFile, this.status());
  }
}
