import { courierEventSignal, paymentEventSignal, repairEventSignal, serviceEventSignal } from '../workflows/messages';
import { isCaseCompany } from '../workflows/domain/case-access';
import { isCompanyKind } from '../workflows/domain/partner-companies';
import type { Caller } from './auth';
import { readCase } from './cases';
import { withDeadline, type CaseApiContext } from './context';
import { isWorkflowNotFound } from './errors';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { AcceptedDoc, CourierCallback, PaymentCallback, RepairCallback, ServiceCallback } from './schemas';

const caseNotFound = () => new ProblemError({ status: 404, code: 'case_not_found', title: 'Case not found', detail: 'no open case with this id' });

/** A company's key reaches only the cases its company handles; staff and admins reach every case. */
async function checkCaseCompany(ctx: CaseApiContext, caller: Caller, caseId: string): Promise<void> {
  if (!isCompanyKind(caller.role)) return;
  const kind = caller.role;
  const { view } = await readCase(ctx, caseId).catch((err) => {
    if (isWorkflowNotFound(err)) throw caseNotFound();
    throw err;
  });
  if (!isCaseCompany(caller, view, kind)) throw caseNotFound();
}

/** Sends a partner's event to its case; repeats are dropped by the workflow, which knows the dedup keys. */
async function signalCase<A>(ctx: CaseApiContext, caller: Caller, caseId: string, send: () => Promise<A>) {
  await checkCaseCompany(ctx, caller, caseId);
  try {
    await withDeadline(ctx, send);
  } catch (err) {
    if (isWorkflowNotFound(err)) throw caseNotFound();
    throw err;
  }
  return { status: 'accepted' as const, caseId };
}

const callbackDoc = (partner: string) => ({
  summary: `Partner callback (${partner})`,
  description: 'Delivered to the case as a signal; repeats with the same dedupKey are ignored. A company’s key reaches the cases its company handles only (another company’s case is 404).',
  responses: { 202: json('Accepted', AcceptedDoc), ...COMMON_RESPONSES, 404: problem('No open case with this id') },
});

/** Partner callbacks: each becomes a signal carrying the partner's dedup key. */
export const CALLBACK_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/callbacks/courier',
    roles: ['courier', 'admin'],
    ...callbackDoc('courier: a parcel scan, or event evidence: the later answer to the platform’s request for evidence in a dispute'),
    body: CourierCallback,
    async handle(ctx, { caller, body }, res) {
      const { caseId, at, ...event } = body;
      const handle = ctx.temporal.workflow.getHandle(caseId);
      res.status(202).json(await signalCase(ctx, caller, caseId, () => handle.signal(courierEventSignal, { ...event, at: typeof at === 'number' ? at : Date.parse(at) })));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/callbacks/payment',
    roles: ['payment', 'admin'],
    ...callbackDoc('payment'),
    body: PaymentCallback,
    async handle(ctx, { caller, body }, res) {
      const handle = ctx.temporal.workflow.getHandle(body.caseId);
      const event = { dedupKey: body.dedupKey, refundId: body.refundId, status: body.status };
      res.status(202).json(await signalCase(ctx, caller, body.caseId, () => handle.signal(paymentEventSignal, event)));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/callbacks/repair',
    roles: ['repair_provider', 'admin'],
    ...callbackDoc('repair provider'),
    body: RepairCallback,
    async handle(ctx, { caller, body }, res) {
      const { caseId, ...event } = body;
      const handle = ctx.temporal.workflow.getHandle(caseId);
      res.status(202).json(await signalCase(ctx, caller, caseId, () => handle.signal(repairEventSignal, event)));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/callbacks/service',
    roles: ['repair_provider', 'admin'],
    ...callbackDoc('maintenance provider: the outcome of a booked visit'),
    body: ServiceCallback,
    async handle(ctx, { caller, body }, res) {
      const { caseId, ...event } = body;
      const handle = ctx.temporal.workflow.getHandle(caseId);
      res.status(202).json(await signalCase(ctx, caller, caseId, () => handle.signal(serviceEventSignal, event)));
    },
  }),
];
