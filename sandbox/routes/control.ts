/** Control and inspection endpoints for tests and demos (no Idempotency-Key needed). */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { FAULT_MODES } from '../faults';
import type { SandboxState } from '../state';
import { handoverRecord, weightAnswer } from './courier';
import { id } from './schemas';

export function controlRouter(state: SandboxState, partnerPaths: readonly string[]): Router {
  const router = Router();

  const faultSchema = z.object({
    route: z.string().refine((r) => partnerPaths.includes(r), { message: `route must be one of ${partnerPaths.join(', ')}` }),
    mode: z.enum(FAULT_MODES),
    times: z.number().int().positive().default(1),
    status: z.number().int().min(400).max(599).optional(),
    delayMs: z.number().int().nonnegative().optional(),
    reason: z.string().min(1).optional(),
    probability: z.number().gt(0).max(1).optional(),
  });
  router.post('/faults', (req, res) => {
    const parsed = faultSchema.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const fault = state.faults.add(parsed.data);
    res.status(201).json({ fault, faults: state.faults.list() });
  });
  router.get('/faults', (_req, res) => {
    res.json({ faults: state.faults.list() });
  });

  router.post('/reset', (_req, res) => {
    state.reset();
    res.json({ ok: true });
  });

  router.get('/requests', (req, res) => {
    const route = typeof req.query.route === 'string' ? req.query.route : undefined;
    const key = typeof req.query.idempotencyKey === 'string' ? req.query.idempotencyKey : undefined;
    const requests = state.requests.filter((r) => (!route || r.route === route) && (!key || r.idempotencyKey === key));
    res.json({ requests });
  });

  router.get('/refunds', (req, res) => {
    const caseId = typeof req.query.caseId === 'string' ? req.query.caseId : undefined;
    const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : undefined;
    const refunds = state.refunds.filter((r) => (!caseId || r.caseId === caseId) && (!orderId || r.orderId === orderId));
    res.json({ refunds });
  });

  router.get('/records', (_req, res) => {
    res.json(state.records);
  });

  const weightSchema = z.object({
    orderId: id,
    recordedWeightGrams: z.number().nonnegative(),
    measuredWeightGrams: z.number().nonnegative(),
    mismatch: z.boolean().optional(),
    toleranceGrams: z.number().nonnegative().optional(),
  });
  router.post('/weights', (req, res) => {
    const parsed = weightSchema.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const { orderId, ...preset } = parsed.data;
    state.setWeightPreset(orderId, preset);
    res.status(201).json({ orderId, answer: weightAnswer(preset) });
  });

  const capSchema = z.object({ orderId: id, capCents: z.number().int().nonnegative() });
  router.post('/refund-caps', (req, res) => {
    const parsed = capSchema.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    state.setRefundCap(parsed.data.orderId, parsed.data.capCents);
    res.status(201).json(parsed.data);
  });

  /**
   * The courier answers a request it took to answer later: its handover record, as the body of the courier's callback
   * to the platform (POST /callbacks/courier, event evidence), which the caller delivers.
   */
  router.post('/courier-evidence-requests/:evidenceRequestId/answer', (req, res) => {
    const pending = state.records.courierEvidenceRequests.find((r) => r.evidenceRequestId === req.params.evidenceRequestId);
    if (!pending) return void res.status(404).json({ code: 'not_found', message: `no evidence request ${req.params.evidenceRequestId}` });
    const now = new Date().toISOString();
    const evidence = handoverRecord(pending.trackingNumber, now);
    const { evidenceRequestId, caseId, orderId, request } = pending;
    state.addRecord('courierEvidence', { ...evidence, evidenceRequestId, caseId, orderId, request, idempotencyKey: pending.idempotencyKey, createdAt: now });
    res.status(201).json({ caseId, dedupKey: `evidence-${evidenceRequestId}`, event: 'evidence', at: now, evidenceRequestId, ...evidence });
  });

  return router;
}

function invalid(res: Response, error: z.ZodError): void {
  res.status(400).json({
    code: 'invalid_request',
    message: 'request body is invalid',
    issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
