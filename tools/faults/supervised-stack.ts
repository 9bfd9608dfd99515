/**
 * `npm start`'s own system (scripts/start-all.ts, its supervisor included) on free ports over a temporary data
 * directory, for the scenario that kills its parts one by one: the parts' pids and restarts come from its status file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readPartsStatus, type PartStatus } from '../../api/parts-status';
import { PORT_VARIABLES, type Ports } from '../../config/env';
import type { Teardown } from '../bench/teardown';
import { freePort, spawnService, waitUntil } from '../../scripts/servers/process';
import { projectRoot } from '../../scripts/servers/tools';

export interface SupervisedStack {
  apiUrl: string;
  sandboxUrl: string;
  client: Client;
  parts(): Promise<PartStatus[]>;
}

export async function startSupervisedStack(teardown: Teardown, say: (line: string) => void): Promise<SupervisedStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-supervised-'));
  fs.chmodSync(dataDir, 0o711);
  teardown.add('supervised stack data', async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const ports = {} as Ports;
  for (const key of Object.keys(PORT_VARIABLES) as Array<keyof Ports>) {
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[key] = port;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  for (const variable of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'PARTNER_SANDBOX_URL', 'WORKER_METRICS_PORT', 'TEMPORAL_SDK_METRICS_PORT']) delete env[variable];
  for (const [key, variable] of Object.entries(PORT_VARIABLES)) env[variable] = String(ports[key as keyof Ports]);
  let allUp = false;
  const system = spawnService({
    name: 'start-all',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(projectRoot, 'scripts/start-all.ts')],
    cwd: projectRoot,
    env,
    logFile: path.join(projectRoot, '.data', 'logs', 'faults-start-all.log'),
    onLine: (line) => {
      if (line.startsWith('All up')) allUp = true;
    },
  });
  teardown.add('npm start (supervised)', () => system.stop(30_000));
  await waitUntil('npm start (supervised)', async () => allUp, { timeoutMs: 240_000, failFast: system });
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  teardown.add('checker Temporal connection (supervised)', () => connection.close());
  say(`supervised stack: npm start's script on DATA_DIR ${dataDir}, API :${ports.api}, sandbox :${ports.sandbox}`);
  return {
    apiUrl: `http://127.0.0.1:${ports.api}`,
    sandboxUrl: `http://127.0.0.1:${ports.sandbox}`,
    client: new Client({ connection }),
    parts: () => readPartsStatus(path.join(dataDir, 'parts.json')),
  };
}
