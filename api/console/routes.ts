/**
 * The supervisor console (static files under console/, served at /console) and the report routes, mounted together
 * before the API's own authentication: the console's files need no key, every data route does.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import type mongoose from 'mongoose';
import type { ApiKeyEntry } from '../../config/api-keys';
import { loadRuntimeConfig } from '../../config/env';
import { authenticate, callerOf } from '../auth';
import { reportRoutes } from '../reports/routes';

export interface ConsoleDeps {
  store: mongoose.Connection;
  keys: readonly ApiKeyEntry[];
  /** Where a case's workflow opens in the Temporal Web UI (default: TEMPORAL_UI_URL, else the dev server's UI port). */
  temporalUiUrl?: string;
  temporalNamespace?: string;
}

/** console/ beside api/ in the source tree, or beside dist/ in the image (the Dockerfile copies it to /app/console). */
function consoleDir(): string {
  const candidates = [path.resolve(__dirname, '../../console'), path.resolve(__dirname, '../../../console')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0];
}

/** Chart.js's self-contained browser build, served from node_modules (no CDN, no build step). */
const chartJsFile = () => path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

export function consoleRoutes(deps: ConsoleDeps): Router {
  const runtime = loadRuntimeConfig();
  const config = {
    temporalUiUrl: deps.temporalUiUrl ?? process.env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${runtime.ports.temporalUi}`,
    temporalNamespace: deps.temporalNamespace ?? runtime.temporalNamespace,
  };
  const router = Router();
  // The page's relative URLs (style.css, js/…) need the trailing slash; Express's routing ignores it, so check the URL.
  router.get('/console', (req, res, next) => (req.originalUrl.split('?')[0] === '/console' ? res.redirect(301, '/console/') : next()));
  router.get('/console/config.json', (_req, res) => {
    res.json(config);
  });
  router.get('/console/vendor/chart.umd.min.js', (_req, res) => {
    res.type('text/javascript').sendFile(chartJsFile());
  });
  const authenticated = authenticate(deps.keys);
  router.get('/console/me', authenticated, (req, res) => {
    const caller = callerOf(req);
    res.json({ id: caller.id, role: caller.role, ...(caller.merchantId && { merchantId: caller.merchantId }) });
  });
  router.use('/console', express.static(consoleDir(), { index: 'index.html', fallthrough: true }));
  router.use('/reports', authenticated);
  router.use(reportRoutes(deps.store));
  return router;
}
