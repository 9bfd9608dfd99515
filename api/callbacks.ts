import { Router } from 'express';
import { courierEventSignal, paymentEventSignal } from '../workflows/messages';
import { allow, callerOf } from './auth';
import { withDeadline, type CaseApiContext } from './context';
import { isWorkflowNotFound, validate } from './errors';
import { ProblemError } from './problem';
import { CourierCallback, PaymentCallback } from './schemas';

/** Partner callbacks: each becomes a signal carrying the partner's dedup key (the workflow drops repeats). */
export function callbackRoutes(ctx: CaseApiContext): Router {
  const router = Router();

  const signal = async <A>(caseId: string, send: () => Promise<A>) => {
    try {
      await withDeadline(ctx, send);
    } catch (err) {
      if (isWorkflowNotFound(err)) throw new ProblemError({ status: 404, code: 'case_not_found', title: 'Case not found', detail: 'no open case with this id' });
      throw err;
    }
    return { status: 'accepted' as const, caseId };
  };

  router.post('/callbacks/courier', allow('courier', 'admin'), async (req, res) => {
    callerOf(req);
    const body = validate(CourierCallback, req.body, 'body');
    const at = typeof body.at === 'number' ? body.at : Date.parse(body.at);
    const handle = ctx.temporal.workflow.getHandle(body.caseId);
    const event = { dedupKey: body.dedupKey, event: body.event, at, ...(body.trackingNumber && { trackingNumber: body.trackingNumber }) };
    res.status(202).json(await signal(body.caseId, () => handle.signal(courierEventSignal, event)));
  });

  router.post('/callbacks/payment', allow('payment', 'admin'), async (req, res) => {
    callerOf(req);
    const body = validate(PaymentCallback, req.body, 'body');
    const handle = ctx.temporal.workflow.getHandle(body.caseId);
    const event = { dedupKey: body.dedupKey, refundId: body.refundId, status: body.status };
    res.status(202).json(await signal(body.caseId, () => handle.signal(paymentEventSignal, event)));
  });

  return router;
}
