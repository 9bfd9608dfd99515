import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PORT_VARIABLES, type Ports } from '../../config/env';
import { isPortFree, spawnService, waitUntil, type ManagedProcess } from '../../scripts/servers/process';
import { readPartsStatus, type PartStatus } from '../../api/parts-status';
import { KEYS, returnBody } from '../api/harness';
import { freePorts } from '../support/free-ports';
import { waitFor } from '../support/wait-for';

const projectRoot = path.resolve(__dirname, '../..');

/**
 * `npm start`'s script with every port moved (and its data in a directory of its own): a return goes from open to
 * refund through the API, and the refund reaches the payment partner of the sandbox on the moved port. Before the
 * configuration lived in one module, the worker still called the sandbox on 4100.
 */
describe('the whole system with every port moved (npm start)', () => {
  let system: ManagedProcess;
  let ports: Ports;
  let dataDir: string;
  let allUp = false;

  beforeAll(async () => {
    ports = await freePorts();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-all-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    for (const variable of ['TEMPORAL_ADDRESS', 'MONGODB_URI', 'PARTNER_SANDBOX_URL', 'MERCHANT_API_URL', 'COURIER_API_URL', 'PAYMENT_API_URL', 'NOTIFICATION_API_URL', 'ERP_API_URL', 'ONCALL_API_URL']) delete env[variable];
    for (const [key, variable] of Object.entries(PORT_VARIABLES)) env[variable] = String(ports[key as keyof Ports]);
    system = spawnService({
      name: 'start-all',
      // The README's command, so stopping it is tested as a user stops it: SIGTERM to npm reaches start-all.
      command: 'npm',
      args: ['start', '--silent'],
      cwd: projectRoot,
      env,
      onLine: (line) => {
        if (line.startsWith('All up')) allUp = true;
      },
    });
    await waitUntil('the whole system on moved ports', async () => allUp, { timeoutMs: 150_000, failFast: system });
  }, 180_000);

  afterAll(async () => {
    await system?.stop(20_000);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (p: string, key: string, body?: object) =>
    fetch(`http://127.0.0.1:${ports.api}${p}`, {
      method: body ? 'POST' : 'GET',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'Idempotency-Key': `moved-ports-${process.pid}` },
      ...(body && { body: JSON.stringify(body) }),
    });
  const read = async (caseId: string) => (await (await api(`/cases/${caseId}`, KEYS.agent)).json()) as { status: string; refunds: Array<{ status: string; refundId?: string }> };
  const reach = (caseId: string, done: (v: Awaited<ReturnType<typeof read>>) => boolean) =>
    waitUntil(`case ${caseId}`, async () => done(await read(caseId)), { timeoutMs: 60_000 });

  it('drives a return to its refund through the sandbox on the moved port', async () => {
    const created = await api('/cases', KEYS.customer, returnBody());
    expect(created.status).toBe(201);
    const { caseId } = (await created.json()) as { caseId: string };
    await reach(caseId, (v) => v.status === 'awaiting_merchant_review');
    expect((await api(`/cases/${caseId}/commands/merchant-review`, KEYS['merchant-a'], { decision: 'approve' })).status).toBe(200);
    expect((await api(`/cases/${caseId}/commands/ship-back`, KEYS.customer, { trackingNumber: 'SF-MOVED-1' })).status).toBe(200);
    const delivered = await api('/callbacks/courier', KEYS.courier, { caseId, dedupKey: `moved-${caseId}`, trackingNumber: 'SF-MOVED-1', event: 'delivered', at: Date.now() });
    expect(delivered.status).toBe(202);
    await reach(caseId, (v) => v.status === 'awaiting_inspection');
    expect((await api(`/cases/${caseId}/commands/inspect`, KEYS['merchant-a'], { result: 'accepted', findings: 'leak confirmed' })).status).toBe(200);
    await reach(caseId, (v) => v.status === 'refund_due');
    expect((await api(`/cases/${caseId}/commands/start-refund`, KEYS['merchant-a'], {})).status).toBe(200);
    await reach(caseId, (v) => v.status === 'closed');
    const closed = await read(caseId);
    expect(closed.refunds).toEqual([expect.objectContaining({ status: 'succeeded' })]);

    // The payment partner on the moved sandbox port holds exactly that refund.
    const ledger = (await (await fetch(`http://127.0.0.1:${ports.sandbox}/_control/refunds?caseId=${caseId}`)).json()) as { refunds: Array<{ refundId: string }> };
    expect(ledger.refunds.map((r) => r.refundId)).toEqual([closed.refunds[0].refundId]);
  }, 120_000);

  it('starts a killed worker and a killed sandbox again while the rest keeps running; /readyz names them meanwhile', async () => {
    const partsFile = path.join(dataDir, 'parts.json');
    const before = await readPartsStatus(partsFile);
    expect(before.filter((p) => p.name.startsWith('worker-')).length).toBeGreaterThanOrEqual(1);
    const pidOf = (name: string) => before.find((p) => p.name === name)!.pid!;
    const apiPid = pidOf('api');
    const readyz = async () => (await (await fetch(`http://127.0.0.1:${ports.api}/readyz`)).json()) as { detail?: string; parts?: PartStatus[] };
    for (const name of ['worker-1', 'sandbox']) {
      process.kill(pidOf(name), 'SIGKILL');
      const down = await waitFor(`/readyz to name ${name}`, async () => {
        const body = await readyz();
        return body.detail?.includes(name) ? body : undefined;
      });
      expect(down.detail).toMatch(new RegExp(`${name} \\(restarting\\)`));
      const up = await waitFor(`${name} to be up again`, async () => {
        const body = await readyz();
        return body.parts?.find((p) => p.name === name && p.state === 'up' && p.restarts === 1) ? body : undefined;
      });
      expect(up.parts!.find((p) => p.name === 'api')).toMatchObject({ pid: apiPid, restarts: 0 });
    }
    // The sandbox came back with its ledger: the refund paid before the kill is still there.
    const ledger = (await (await fetch(`http://127.0.0.1:${ports.sandbox}/_control/refunds`)).json()) as { refunds: unknown[] };
    expect(ledger.refunds).toHaveLength(1);
  }, 240_000);

  it('frees every moved port when npm start is sent SIGTERM', async () => {
    await system.stop(20_000);
    for (const [key, port] of Object.entries(ports)) expect([key, await isPortFree(port)]).toEqual([key, true]);
  }, 60_000);
});
