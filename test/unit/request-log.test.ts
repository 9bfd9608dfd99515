import express from 'express';
import request from 'supertest';
import { requestLog } from '../../api/request-log';
import { capturedLogger } from '../support/captured-logger';

describe('the API request log', () => {
  it('writes one pino line per answer, with the route, the status, its level and the case id the path names', async () => {
    const { logger, entries } = capturedLogger();
    const app = express();
    app.use(requestLog(logger));
    app.get('/cases/:id', (_req, res) => void res.json({ ok: true }));
    app.post('/cases/:id/commands/:name', (_req, res) => void res.status(409).json({ code: 'invalid_transition' }));
    app.post('/cases', (_req, res) => {
      res.locals.caseId = 'case-44';
      res.status(201).json({});
    });
    app.get('/boom', (_req, res) => void res.status(503).end());

    await request(app).get('/cases/case-42');
    await request(app).post('/cases/case-43/commands/inspect').send({});
    await request(app).post('/cases').send({});
    await request(app).get('/boom');
    await request(app).get('/nowhere');

    expect(entries.map(({ time: _t, ms: _ms, pid: _p, ...rest }) => rest)).toEqual([
      { level: 'info', name: 'test', msg: 'request', method: 'GET', route: '/cases/:id', status: 200, caseId: 'case-42' },
      { level: 'warn', name: 'test', msg: 'request', method: 'POST', route: '/cases/:id/commands/:name', status: 409, caseId: 'case-43' },
      { level: 'info', name: 'test', msg: 'request', method: 'POST', route: '/cases', status: 201, caseId: 'case-44' },
      { level: 'error', name: 'test', msg: 'request', method: 'GET', route: '/boom', status: 503 },
      { level: 'warn', name: 'test', msg: 'request', method: 'GET', route: 'unmatched', status: 404 },
    ]);
    for (const entry of entries) {
      expect(Number.isNaN(Date.parse(String(entry.time)))).toBe(false);
      expect(typeof entry.ms).toBe('number');
    }
  });

  it('keeps the lines below the level it is given', async () => {
    const { logger, entries } = capturedLogger('warn');
    const app = express();
    app.use(requestLog(logger));
    app.get('/ok', (_req, res) => void res.json({}));
    app.get('/gone', (_req, res) => void res.status(410).json({}));
    await request(app).get('/ok');
    await request(app).get('/gone');
    expect(entries.map((e) => [e.level, e.route])).toEqual([['warn', '/gone']]);
  });
});
