/** The parts' states as `npm start`'s supervisor writes them and the API's /readyz reads them (PARTS_STATUS_FILE). */
import fs from 'node:fs';

export type PartState = 'starting' | 'up' | 'restarting';

export interface PartStatus {
  name: string;
  state: PartState;
  pid?: number;
  /** Times the part was started again after it exited. */
  restarts: number;
  lastExit?: { code: number | null; at: string };
}

export function writePartsStatus(file: string, parts: PartStatus[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ updatedAt: new Date().toISOString(), parts }));
  fs.renameSync(temporary, file);
}

export async function readPartsStatus(file: string): Promise<PartStatus[]> {
  return (JSON.parse(await fs.promises.readFile(file, 'utf8')) as { parts: PartStatus[] }).parts;
}
