import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../api/app';
import { openStore } from '../../activities/store/connection';
import { writePartsStatus } from '../../api/parts-status';
import { freePort } from '../../scripts/servers/process';
import { DevMongo, DevTemporal, startDevServers } from '../support/servers';

describe('health and readiness', () => {
  let temporal: DevTemporal;
  let mongo: DevMongo;
  let store: mongoose.Connection;
  const connections: Connection[] = [];

  beforeAll(async () => {
    [temporal, mongo] = await startDevServers();
    store = await openStore(mongo.uri);
  });
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await store?.close();
    await Promise.all([temporal?.stop(), mongo?.stop()]);
  });

  function appWithTemporalAt(address: string) {
    const connection = Connection.lazy({ address, connectTimeout: 1000 });
    connections.push(connection);
    return createApp({ temporal: new Client({ connection }), store });
  }

  it('/healthz answers while the process is alive', async () => {
    const res = await request(appWithTemporalAt(temporal.address)).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 with Temporal and the store up', async () => {
    const res = await request(appWithTemporalAt(temporal.address)).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', checks: { temporal: { ok: true }, store: { ok: true } } });
  });

  it('/readyz answers 503 problem+json when Temporal is unreachable', async () => {
    const deadPort = await freePort();
    const res = await request(appWithTemporalAt(`127.0.0.1:${deadPort}`)).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 503,
      code: 'dependency_unavailable',
      checks: { temporal: { ok: false }, store: { ok: true } },
    });
  });

  it('/readyz names the parts npm start is restarting (its status file), and answers 200 once every part is up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readyz-parts-'));
    const partsStatusFile = path.join(dir, 'parts.json');
    try {
      const connection = Connection.lazy({ address: temporal.address, connectTimeout: 1000 });
      connections.push(connection);
      const app = createApp({ temporal: new Client({ connection }), store, partsStatusFile });
      writePartsStatus(partsStatusFile, [
        { name: 'temporal', state: 'up', pid: 1, restarts: 0 },
        { name: 'worker-1', state: 'restarting', restarts: 2, lastExit: { code: null, at: new Date().toISOString() } },
      ]);
      const down = await request(app).get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ detail: 'unreachable: worker-1 (restarting)', checks: { temporal: { ok: true }, store: { ok: true }, parts: { ok: false } } });
      expect(down.body.parts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'worker-1', restarts: 2 })]));
      writePartsStatus(partsStatusFile, [{ name: 'worker-1', state: 'up', pid: 2, restarts: 2 }]);
      const up = await request(app).get('/readyz');
      expect(up.status).toBe(200);
      expect(up.body).toMatchObject({ status: 'ready', checks: { parts: { ok: true } }, parts: [{ name: 'worker-1', state: 'up', restarts: 2 }] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
