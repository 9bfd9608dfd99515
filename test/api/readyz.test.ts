import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../api/app';
import { openStore } from '../../activities/store/connection';
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
});
