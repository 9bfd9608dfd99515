import { Connection } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { ManagedProcess, spawnService, waitUntil } from './process';
import { toolPath } from './tools';

export interface TemporalDevServerOptions {
  port: number;
  /** Web UI port; the UI is disabled when absent. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in-memory when absent. */
  dbFile?: string;
  namespace?: string;
  logFile?: string;
  /** Server dynamic config overrides, e.g. { 'limit.historyCount.suggestContinueAsNew': 40 }. */
  dynamicConfig?: Record<string, string | number | boolean>;
}

const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export function temporalDevServerArgs(options: TemporalDevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  args.push('--namespace', options.namespace ?? 'default');
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFile) {
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  for (const key of CASE_SEARCH_ATTRIBUTES) {
    args.push('--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
  }
  return args;
}

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<ManagedProcess> {
  const server = spawnService({
    name: 'temporal',
    command: toolPath('temporal'),
    args: temporalDevServerArgs(options),
    logFile: options.logFile,
  });
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntil(`Temporal dev server on ${address}`, () => temporalReady(address, options.namespace ?? 'default'), {
      failFast: server,
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

export async function temporalReady(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}
