/**
 * The supervisor console: static files under console/ (and Chart.js from node_modules), served at /console before the
 * API's authentication, and two JSON routes in the route table: its configuration and who a key is.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { loadRuntimeConfig } from '../../config/env';
import { API_ROLES } from '../../config/api-keys';
import { CASE_KINDS, PARTIES } from '../../workflows/contract';
import { Limit as LimitSchema } from '../../workflows/contract/case';
import { completePolicy, type CasePolicy } from '../../workflows/policy';
import { playbookFor, supportedKinds } from '../../workflows/kinds/playbooks';
import { COMMON_RESPONSES, json } from '../responses';
import { defineRoute, type ApiRoute } from '../route-table';

/** console/ beside api/ in the source tree, or beside dist/ in the image (the Dockerfile copies it to /app/console). */
function consoleDir(): string {
  const candidates = [path.resolve(__dirname, '../../console'), path.resolve(__dirname, '../../../console')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0];
}

/** Chart.js's self-contained browser build, served from node_modules (no CDN, no build step). */
const chartJsFile = () => path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

/** Every clock a playbook runs, with its limit under `policy` (as the policy states it: working days, hours or minutes). */
export function clockLimits(policy: CasePolicy): Record<string, z.infer<typeof LimitSchema>> {
  const out: Record<string, z.infer<typeof LimitSchema>> = {};
  for (const kind of supportedKinds()) {
    for (const clock of playbookFor(kind).clocks) {
      if (out[clock.name]) continue;
      const limit = clock.terms(policy).limit as z.infer<typeof LimitSchema> | undefined;
      if (limit) out[clock.name] = limit;
    }
  }
  return out;
}

/** The console's files; middleware, not routes: what they serve is not part of the API. */
export function consoleFiles(): Router {
  const router = Router();
  // Browsers ask for /favicon.ico on every page: answer it here, before authentication (it used to answer 401).
  router.use('/favicon.ico', (_req, res) => {
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').sendFile(path.join(consoleDir(), 'favicon.svg'));
  });
  // The page's relative URLs (style.css, js/…) need the trailing slash; Express's matching ignores it, so check the URL.
  router.use('/console', (req, res, next) => (req.originalUrl.split('?')[0] === '/console' ? res.redirect(301, '/console/') : next()));
  router.use('/console/vendor/chart.umd.min.js', (_req, res) => {
    res.type('text/javascript').sendFile(chartJsFile());
  });
  router.use('/console', express.static(consoleDir(), { index: 'index.html', fallthrough: true }));
  return router;
}

export const CONSOLE_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/console/config.json',
    roles: 'public',
    summary:
      'The console’s settings: where a case’s workflow opens in the Temporal Web UI, the contract’s case kinds and parties for its filters, the platform’s time zone and each clock’s limit under the policy in force, and how often its live lists refresh',
    responses: {
      200: json(
        'Settings',
        z.object({
          temporalUiUrl: z.string(),
          temporalNamespace: z.string(),
          kinds: z.array(z.enum(CASE_KINDS)),
          parties: z.array(z.enum(PARTIES)),
          timeZone: z.string().openapi({ description: 'The business calendar’s time zone (IANA), e.g. Asia/Shanghai: the console shows every instant in it' }),
          utcOffsetMinutes: z.int(),
          clockLimits: z.record(z.string(), LimitSchema).openapi({ description: 'Each clock’s limit as the policy in force states it (working days, hours or minutes)' }),
          pollSeconds: z.number().openapi({ description: 'How often the stuck list and the role queues ask again (If-None-Match)' }),
        }),
      ),
    },
    async handle(ctx, _request, res) {
      const runtime = loadRuntimeConfig();
      const policy = (await ctx.policies.rules()).base;
      res.json({
        temporalUiUrl: runtime.temporalUiUrl,
        temporalNamespace: runtime.temporalNamespace,
        kinds: CASE_KINDS,
        parties: PARTIES,
        timeZone: policy.calendar.timeZone,
        utcOffsetMinutes: policy.calendar.utcOffsetMinutes,
        clockLimits: clockLimits(completePolicy(policy)),
        pollSeconds: runtime.consolePollSeconds,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/console/me',
    roles: API_ROLES,
    summary: 'Who the key is: the console signs in with it',
    responses: { 200: json('The caller', z.object({ id: z.string(), role: z.string(), merchantId: z.string().optional() })), ...COMMON_RESPONSES },
    handle(_ctx, { caller }, res) {
      res.json({ id: caller.id, role: caller.role, ...(caller.merchantId && { merchantId: caller.merchantId }) });
    },
  }),
];
