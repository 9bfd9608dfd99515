/**
 * The sandbox's state on disk: one file of JSON lines, each a change (a record, an idempotency key's stored answer, the
 * fault rules, a weight preset, a refund cap, a reset). Each change is appended synchronously before its answer goes
 * out, so a restarted sandbox neither forgets a payment nor pays a key twice. At start the file is replayed, then
 * written again as the state it describes (compacted), through a temporary file and a rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FaultRule } from './faults';
import type { StoredResponse } from './idempotency';
import type { SandboxRecords, WeightPreset } from './state';

export type JournalEntry =
  | { t: 'record'; collection: keyof SandboxRecords; record: unknown }
  | { t: 'key'; scope: string; key: string; fingerprint: string; response: StoredResponse }
  | { t: 'faults'; rules: FaultRule[]; nextId: number }
  | { t: 'weight'; orderId: string; preset: WeightPreset }
  | { t: 'cap'; orderId: string; capCents: number }
  | { t: 'reset' };

export const JOURNAL_FILE = 'journal.jsonl';

export class SandboxJournal {
  private fd: number;

  private constructor(private readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  /** Opens (creating) the journal in `dir` and answers the entries it holds; a torn last line (a crash mid-write) is skipped. */
  static open(dir: string): { journal: SandboxJournal; entries: JournalEntry[] } {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, JOURNAL_FILE);
    const entries: JournalEntry[] = [];
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          entries.push(JSON.parse(line) as JournalEntry);
        } catch {
          // Only the last line can be torn: the lines before it were complete when the next one was appended.
        }
      }
    }
    return { journal: new SandboxJournal(file), entries };
  }

  append(entry: JournalEntry): void {
    fs.writeSync(this.fd, `${JSON.stringify(entry)}\n`);
  }

  /** Replaces the file by `entries` (the state as it is now). */
  compact(entries: Iterable<JournalEntry>): void {
    const temporary = `${this.file}.compacting`;
    const fd = fs.openSync(temporary, 'w');
    try {
      for (const entry of entries) fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.file);
    fs.closeSync(this.fd);
    this.fd = fs.openSync(this.file, 'a');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
