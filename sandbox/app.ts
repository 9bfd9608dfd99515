/**
 * Partner sandbox: one local HTTP service playing merchant, courier, payment, customer
 * notification, ERP and on-call paging, with idempotency keys and fault injection.
 * State is kept under `stateDir` when given (journal.ts), in memory otherwise.
 *
 * Partner routes (POST, JSON, `Idempotency-Key` header required; the same key replays the first
 * answer, with `Idempotent-Replayed: true`; the same key with another body → 409 idempotency_key_reused):
 *   /merchant/notifications  {caseId, merchantId, event, message}               → 201 {notificationId}
 *   /courier/pickups         {caseId, orderId, address}                         → 201 {pickupId, trackingNumber}
 *   /courier/weight-checks   {caseId, orderId, trackingNumber?}                 → 200 {recordedWeightGrams, measuredWeightGrams, mismatch}
 *   /courier/claims          {caseId, orderId?, reason, amountCents}            → 201 {claimId}
 *   /courier/evidence-requests {caseId, orderId, trackingNumber, request}  → 201 {evidenceId, trackingNumber, kind, uri, events}
 *                            (tracking number UNKNOWN…: 422 unknown_tracking_number; LATE…: 202 {status:'pending',
 *                            evidenceRequestId, trackingNumber}, answered later: POST /_control/courier-evidence-requests/:id/answer)
 *   /payment/refunds         {caseId, orderId, amountCents, currency, method:'original'} → 201 {refundId, status:'succeeded'}
 *                            refusals → 422 {code:'refund_refused', reason}
 *   /notifications/customer  {caseId, channel:'sms'|'email', template, to?, variables?} → 201 {messageId}
 *   /notifications/staff     {caseId, role, message}                            → 201 {messageId}
 *   /erp/reship-orders       {caseId, orderId, items:[{sku, quantity, name?}]}  → 201 {erpOrderId}
 *   /oncall/pages            {caseId, severity:'critical'|'high'|'medium'|'low', message} → 201 {pageId}
 *   /courier/statements, /warehouse/statements, /merchant/statements
 *                            {statementId, partyId, period, totalCents, currency, lines} → 201 {receiptId}
 *   /repair/orders           {caseId, orderId, sku, fault, chargeable, inboundTrackingNumber?} → 201 {repairOrderId, status}
 *   /repair/instructions     {caseId, repairOrderId, instruction:'proceed'|'return_unrepaired'} → 201 {instructionId}
 *   /repair/service-bookings {caseId, orderId, packageSku, slotAt}             → 201 {bookingId}
 *   Courier and repair bodies may name `companyId` (the company the call is for); every courier and repair route is
 *   also served for each company at /companies/<companyId>/courier/… and /companies/<companyId>/repair/… (the sandbox
 *   plays several companies; the record keeps the company).
 * Other refusals → 422 {code:'partner_refused', reason}; invalid body → 400 {code:'invalid_request', issues}.
 *
 * Controls (no key needed): POST /_control/faults, GET /_control/faults, POST /_control/reset,
 * GET /_control/requests?route=&idempotencyKey=, GET /_control/refunds?caseId=&orderId=,
 * GET /_control/records, POST /_control/weights, POST /_control/refund-caps,
 * POST /_control/courier-evidence-requests/:evidenceRequestId/answer. See routes/control.ts
 * and faults.ts.
 */
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { companyRoutes, mountPartnerRoute, type PartnerRoute } from './partner-route';
import { controlRouter } from './routes/control';
import { courierRoutes } from './routes/courier';
import { erpRoutes } from './routes/erp';
import { merchantRoutes } from './routes/merchant';
import { notificationRoutes } from './routes/notification';
import { oncallRoutes } from './routes/oncall';
import { paymentRoutes } from './routes/payment';
import { statementRoutes } from './routes/statements';
import { repairRoutes } from './routes/repair';
import { SandboxState, type SandboxOptions } from './state';

export { SandboxState } from './state';
export type { SandboxOptions, RequestLogEntry, RefundRecord, SandboxRecords, WeightPreset } from './state';
export type { FaultMode, FaultSpec } from './faults';

export const PARTNER_ROUTES: readonly PartnerRoute[] = [
  ...merchantRoutes,
  ...courierRoutes,
  ...paymentRoutes,
  ...notificationRoutes,
  ...erpRoutes,
  ...oncallRoutes,
  ...statementRoutes,
  ...repairRoutes,
  ...companyRoutes([...courierRoutes, ...repairRoutes]),
];

export function createSandboxApp(options: SandboxOptions = {}): { app: Express; state: SandboxState } {
  const state = new SandboxState(options);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  for (const route of PARTNER_ROUTES) mountPartnerRoute(app, state, route);
  app.use('/_control', controlRouter(state, PARTNER_ROUTES.map((r) => r.path)));

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ code: 'not_found', message: 'no such sandbox route' });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ code: 'invalid_json', message: 'request body is not valid JSON' });
      return;
    }
    const status = typeof e.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : 500;
    res.status(status).json({ code: status === 500 ? 'internal_error' : 'bad_request', message: e.message ?? 'error' });
  });
  return { app, state };
}

export interface RunningSandbox {
  app: Express;
  state: SandboxState;
  /** e.g. http://127.0.0.1:4100 (no trailing slash) */
  url: string;
  port: number;
  /** Releases held responses and pending delays, drops every connection, stops listening. */
  close(): Promise<void>;
}

/** Starts the sandbox listening; port 0 picks a free port (tests). */
export function startSandbox(
  options: SandboxOptions & { port?: number; host?: string } = {},
): Promise<RunningSandbox> {
  const { port = 0, host = '127.0.0.1', ...sandboxOptions } = options;
  const { app, state } = createSandboxApp(sandboxOptions);
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        app,
        state,
        port: address.port,
        url: `http://${urlHost}:${address.port}`,
        close: () =>
          (closing ??= new Promise<void>((done, fail) => {
            state.close();
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          })),
      });
    });
  });
}
