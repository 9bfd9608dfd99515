import express from 'express';
import request from 'supertest';
import { requestLog } from '../../api/request-log';

describe('the API request log', () => {
  it('writes one JSON line per answer, with the route, the status, its level and the case id the path names', async () => {
    const lines: string[] = [];
    const app = express();
    app.use(requestLog((line) => lines.push(line)));
    app.get('/cases/:id', (_req, res) => void res.json({ ok: true }));
    app.post('/cases/:id/commands/:name', (_req, res) => void res.status(409).json({ code: 'invalid_transition' }));
    app.get('/boom', (_req, res) => void res.status(503).end());

    await request(app).get('/cases/case-42');
    await request(app).post('/cases/case-43/commands/inspect').send({});
    await request(app).get('/boom');
    await request(app).get('/nowhere');

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map(({ time: _t, ms: _ms, ...rest }) => rest)).toEqual([
      { level: 'INFO', message: 'request', method: 'GET', route: '/cases/:id', status: 200, caseId: 'case-42' },
      { level: 'WARN', message: 'request', method: 'POST', route: '/cases/:id/commands/:name', status: 409, caseId: 'case-43' },
      { level: 'ERROR', message: 'request', method: 'GET', route: '/boom', status: 503 },
      { level: 'WARN', message: 'request', method: 'GET', route: 'unmatched', status: 404 },
    ]);
    for (const entry of entries) {
      expect(Number.isNaN(Date.parse(String(entry.time)))).toBe(false);
      expect(typeof entry.ms).toBe('number');
    }
  });
});
