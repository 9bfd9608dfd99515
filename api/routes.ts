/** Every route the API serves, in one table: app.ts mounts it and /openapi.json documents it. */
import { z } from 'zod';
import { ADMIN_CALENDAR_ROUTES } from './admin-calendars';
import { ADMIN_POLICY_ROUTES } from './admin-policies';
import { CALLBACK_ROUTES } from './callbacks';
import { CASE_ROUTES } from './cases';
import { CASE_THREAD_ROUTES } from './case-thread';
import { CONSOLE_ROUTES } from './console/routes';
import { HEALTH_ROUTES } from './health';
import { LEDGER_ROUTES } from './ledger';
import { METRICS_ROUTES } from './metrics';
import { PARTNER_COMPANY_ROUTES } from './partner-companies';
import { QUALITY_ROUTES } from './quality';
import { REPORT_ROUTES } from './reports/routes';
import { SETTLEMENT_ROUTES } from './settlement';
import { buildOpenApiDocument } from './openapi';
import { json } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { SUPERVISOR_ROUTES } from './supervisor';
import { WHAT_IF_ROUTES } from './what-if';

let document: object | undefined;

const OPENAPI_ROUTE = defineRoute({
  method: 'get',
  path: '/openapi.json',
  roles: 'public',
  summary: 'This document',
  responses: { 200: json('The OpenAPI 3.1 document', z.looseObject({ openapi: z.literal('3.1.0') })) },
  handle(_ctx, _request, res) {
    res.json((document ??= buildOpenApiDocument(API_ROUTES)));
  },
});

export const API_ROUTES: readonly ApiRoute[] = [...HEALTH_ROUTES, OPENAPI_ROUTE, ...CASE_ROUTES, ...CASE_THREAD_ROUTES, ...SUPERVISOR_ROUTES, ...ADMIN_POLICY_ROUTES, ...WHAT_IF_ROUTES, ...ADMIN_CALENDAR_ROUTES, ...LEDGER_ROUTES, ...PARTNER_COMPANY_ROUTES, ...REPORT_ROUTES, ...QUALITY_ROUTES, ...SETTLEMENT_ROUTES, ...METRICS_ROUTES, ...CONSOLE_ROUTES, ...CALLBACK_ROUTES];
