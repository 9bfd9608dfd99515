/**
 * The embedded mail server: mailpit takes the customer e-mail the worker sends over SMTP and shows it in its web inbox
 * (and its API, which the tests read). Its messages are kept in a SQLite file under DATA_DIR.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type ManagedProcess, spawnService, waitUntil } from './process';
import { versionedToolPath } from './tools';

export interface MailpitOptions {
  smtpPort: number;
  uiPort: number;
  /** Its database; a temporary one when absent. */
  dbFile?: string;
  logFile?: string;
  /** Its chaos API (PUT /api/v1/chaos), with which a test makes the relay refuse. */
  chaos?: boolean;
}

export interface Mailpit {
  process: ManagedProcess;
  smtpUrl: string;
  uiUrl: string;
}

export async function startMailpit(options: MailpitOptions): Promise<Mailpit> {
  if (options.dbFile) fs.mkdirSync(path.dirname(options.dbFile), { recursive: true });
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  const server = spawnService({
    name: 'mailpit',
    command: versionedToolPath('mailpit'),
    args: [
      `--smtp=127.0.0.1:${options.smtpPort}`,
      `--listen=127.0.0.1:${options.uiPort}`,
      // Its default asks GitHub for a newer release whenever its info is read.
      '--disable-version-check',
      ...(options.dbFile ? [`--database=${options.dbFile}`] : []),
      ...(options.chaos ? ['--enable-chaos'] : []),
    ],
    logFile: options.logFile,
  });
  try {
    await waitUntil(`mailpit on ${uiUrl}`, async () => (await fetch(`${uiUrl}/readyz`, { signal: AbortSignal.timeout(1000) })).ok, { failFast: server });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { process: server, smtpUrl: `smtp://127.0.0.1:${options.smtpPort}`, uiUrl };
}
