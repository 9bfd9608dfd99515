/**
 * The partner sandbox restarted on its state directory (a temp dir here; DATA_DIR/sandbox under npm start): it still
 * holds its records, replays an idempotency key's first answer instead of paying again, and keeps its fault rules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSandbox, type RunningSandbox } from '../../sandbox/app';
import { JOURNAL_FILE } from '../../sandbox/journal';

describe('the partner sandbox across a restart (real HTTP, state in a temp dir)', () => {
  let stateDir: string;
  let sandbox: RunningSandbox | undefined;

  beforeEach(() => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-state-'));
  });
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const restart = async () => {
    await sandbox?.close();
    sandbox = await startSandbox({ stateDir });
  };
  const post = async (p: string, body: object, key?: string) => {
    const res = await fetch(`${sandbox!.url}${p}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(key && { 'Idempotency-Key': key }) },
      body: JSON.stringify(body),
    });
    return { status: res.status, replayed: res.headers.get('Idempotent-Replayed'), body: (await res.json()) as Record<string, unknown> };
  };
  const get = async <T>(p: string) => (await (await fetch(`${sandbox!.url}${p}`)).json()) as T;
  const refund = { caseId: 'case-restart', orderId: 'order-restart', amountCents: 1999, currency: 'CNY', method: 'original' };

  it('keeps a payment and answers its key again without paying twice', async () => {
    await restart();
    const first = await post('/payment/refunds', refund, 'refund-key-1');
    expect(first.status).toBe(201);
    await restart();
    const again = await post('/payment/refunds', refund, 'refund-key-1');
    expect(again).toMatchObject({ status: 201, replayed: 'true', body: { refundId: first.body.refundId } });
    const { refunds } = await get<{ refunds: Array<{ refundId: string }> }>('/_control/refunds?caseId=case-restart');
    expect(refunds.map((r) => r.refundId)).toEqual([first.body.refundId]);
    // The same key with another body is still a conflict after the restart.
    expect((await post('/payment/refunds', { ...refund, amountCents: 1 }, 'refund-key-1')).status).toBe(409);
  });

  it('keeps fault rules (with what is left of them), refund caps, and a reset', async () => {
    await restart();
    expect((await post('/_control/faults', { route: '/payment/refunds', mode: 'fail', times: 3 })).status).toBe(201);
    expect((await post('/_control/refund-caps', { orderId: 'order-capped', capCents: 100 })).status).toBe(201);
    expect((await post('/payment/refunds', refund, 'refund-key-2')).status).toBe(503);
    await restart();
    expect(await get('/_control/faults')).toMatchObject({ faults: [{ route: '/payment/refunds', mode: 'fail', remaining: 2 }] });
    expect((await post('/payment/refunds', { ...refund, orderId: 'order-capped', amountCents: 200 }, 'refund-key-3')).status).toBe(503);
    expect((await post('/payment/refunds', { ...refund, orderId: 'order-capped', amountCents: 200 }, 'refund-key-4')).status).toBe(503);
    expect((await post('/payment/refunds', { ...refund, orderId: 'order-capped', amountCents: 200 }, 'refund-key-5')).status).toBe(422);
    await post('/_control/reset', {});
    await restart();
    expect(await get('/_control/faults')).toEqual({ faults: [] });
    expect(await get('/_control/refunds')).toEqual({ refunds: [] });
    expect((await post('/payment/refunds', { ...refund, orderId: 'order-capped', amountCents: 200 }, 'refund-key-5')).status).toBe(201);
  });

  it('starts from what was complete when the last line was cut short (a crash mid-write)', async () => {
    await restart();
    const first = await post('/payment/refunds', refund, 'refund-key-6');
    await sandbox!.close();
    sandbox = undefined;
    fs.appendFileSync(path.join(stateDir, JOURNAL_FILE), '{"t":"record","collection":"refu');
    await restart();
    const { refunds } = await get<{ refunds: Array<{ refundId: string }> }>('/_control/refunds');
    expect(refunds.map((r) => r.refundId)).toEqual([first.body.refundId]);
  });
});
