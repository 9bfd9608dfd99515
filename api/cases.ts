import crypto from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, type UpdateDefinition } from '@temporalio/common';
import type { Response } from 'express';
import { z } from 'zod';
import { caseModel, findCaseView, type CaseDocument } from '../activities/store/case-model';
import type { ApiRole } from '../config/api-keys';
import { caseWorkflow } from '../workflows';
import { AuditEntry, ClockState, type DISPUTE_PHASES } from '../workflows/contract';
import { matchPolicy } from '../workflows/policy-rules';
import type { CaseInput, CaseView, PartnerCaseView } from '../workflows/domain/case';
import { isPartnerRole, isPartyTo, partnerView } from '../workflows/domain/case-access';
import { supportedKinds } from '../workflows/kinds/playbooks';
import { intakeIssue } from '../workflows/kinds';
import { allowedActionsQuery, COMMAND_NAMES, commandUpdates, getAuditQuery, getCaseQuery, getClocksQuery, openCaseUpdate, type CommandName } from '../workflows/messages';
import { actorOf, maskEmail, maskPhone, seesContact, type Caller } from './auth';
import { acceptedResponse, answerAccepted, isLateAnswer, startedWith, updateAccepted } from './accepted';
import { withDeadline, type CaseApiContext } from './context';
import { isUnavailable, isWorkflowNotFound, refusalProblem } from './errors';
import { ProblemError } from './problem';
import { CASE_RESPONSES, COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { checkCommandCourier, checkOrderCompanies } from './partner-companies';
import { ActionsDoc, caseIdParam, CaseReadDoc, CaseListDoc, CaseViewDoc, commandBodies, COMMAND_EXAMPLES, ComplaintBody, CreateCaseBody, ListCasesQuery } from './schemas';
import { executeCommandUpdate } from './workflow-update';

export const STAFF: ApiRole[] = ['agent', 'senior_agent', 'supervisor', 'admin'];
export const ROUTE_ROLES = {
  create: [...STAFF, 'customer'],
  read: [...STAFF, 'merchant', 'customer', 'courier', 'warehouse', 'payment'],
  audit: [...STAFF, 'merchant'],
  clocks: [...STAFF, 'merchant', 'customer'],
  actions: [...STAFF, 'merchant', 'customer'],
  command: [...STAFF, 'merchant', 'customer'],
  list: [...STAFF, 'merchant', 'customer'],
  /** Commands only the platform sends (PLATFORM_COMMANDS): decisions on blocked refunds, review overrides, deadlines. */
  platformCommand: ['supervisor', 'admin'],
} satisfies Record<string, ApiRole[]>;

/** Commands for the platform alone, whatever the case's state: decisions on refused refunds and reviews, and deadlines. */
export const PLATFORM_COMMANDS: readonly CommandName[] = ['resolve_blocked_refund', 'override_review', 'extend_deadline', 'pause_deadline', 'resume_deadline', 'request_info', 'rule_dispute', 'rule_appeal'];

/** The roles that may call a command's route (the workflow's validator then checks the role against the case's state). */
export const commandRoles = (name: CommandName): ApiRole[] => (PLATFORM_COMMANDS.includes(name) ? ROUTE_ROLES.platformCommand : ROUTE_ROLES.command);

export const commandPath = (name: CommandName) => `/cases/:id/commands/${name.replace(/_/g, '-')}`;

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{8,200}$/, 'printable ASCII, 8 to 200 characters');

const notFound = () => new ProblemError({ status: 404, code: 'case_not_found', title: 'Case not found' });

/** Canonical JSON (sorted keys) so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** The update id of a command sent with an Idempotency-Key; scoped by caller and command like case ids. */
export function commandUpdateId(callerId: string, name: CommandName, key: string): string {
  return `cmd-${sha256(`${callerId}\n${name}\n${key}`).slice(0, 32)}`;
}

/** The case id for an idempotency key; scoped by caller so two callers' keys never collide. */
export function caseIdFor(callerId: string, key: string): string {
  return `case-${sha256(`${callerId}\n${key}`).slice(0, 24)}`;
}

/** Whether the caller may see this case at all (workflows/domain/case-access.ts). */
function inScope(caller: Caller, view: CaseView): boolean {
  return isPartyTo(caller, view);
}

/** The case as the caller may read it: a partner system gets its partner view, other roles without contact rights masked contacts. */
export function presentView(caller: Caller, view: CaseView): CaseView | PartnerCaseView {
  if (isPartnerRole(caller.role)) return partnerView(caller.role, view);
  if (seesContact(caller) || !view.customer) return view;
  const customer = { ...view.customer };
  if (customer.phone) customer.phone = maskPhone(customer.phone);
  if (customer.email) customer.email = maskEmail(customer.email);
  return { ...view, customer };
}

async function storedView(ctx: CaseApiContext, caseId: string): Promise<CaseView | null> {
  return (await findCaseView(ctx.store, caseId)) as unknown as CaseView | null;
}

/** Live view from the workflow; the store's copy once the workflow cannot answer (closed and gone, or Temporal down). */
export async function readCase(ctx: CaseApiContext, caseId: string): Promise<{ view: CaseView; source: 'workflow' | 'store' }> {
  try {
    return { view: await queryWithRetry(ctx, caseId), source: 'workflow' };
  } catch (err) {
    let stored: CaseView | null = null;
    try {
      stored = await storedView(ctx, caseId);
    } catch {
      // The store is down as well: report the workflow's error.
    }
    if (stored) return { view: stored, source: 'store' };
    throw err;
  }
}

async function queryWithRetry(ctx: CaseApiContext, caseId: string): Promise<CaseView> {
  const handle = ctx.temporal.workflow.getHandle<typeof caseWorkflow>(caseId);
  for (let attempt = 0; ; attempt++) {
    try {
      return await withDeadline(ctx, () => handle.query(getCaseQuery));
    } catch (err) {
      // A case started a moment ago may not have run its first workflow task yet.
      if (attempt >= 4 || isWorkflowNotFound(err) || !isRetryableQueryError(err)) throw err;
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
}

function isRetryableQueryError(err: unknown): boolean {
  const code = (err as { cause?: { code?: number } }).cause?.code ?? (err as { code?: number }).code;
  return code === 9 || /not.*(started|completed)|workflow task/i.test(String((err as Error).message));
}

const keyReused = () =>
  new ProblemError({ status: 409, code: 'idempotency_key_reused', title: 'Idempotency key reused', detail: 'this Idempotency-Key was used with a different request body' });

/**
 * Opens case `caseId` from a create body under the active policy rules (POST /cases; complaints and QA reopenings open
 * linked cases). Idempotent by caseId and request hash (by default the body's).
 */
export async function openCaseFrom(
  ctx: CaseApiContext,
  caller: Caller,
  caseId: string,
  body: z.output<typeof CreateCaseBody>,
  link: { requestHash?: string; aboutCaseId?: string } = {},
): Promise<OpenOutcome> {
  const kind = body.details.kind;
  const requestHash = link.requestHash ?? sha256(canonical(body));
  const rules = await ctx.policies.rules();
  const { policy, override } = matchPolicy(rules, { kind, priority: body.priority, category: body.order?.category, merchantTier: body.order?.merchantTier });
  const issue = intakeIssue(body, policy, Date.now());
  if (issue) throw new ProblemError({ status: 422, ...issue });
  const input: CaseInput = {
    caseId,
    kind,
    policy,
    ...(override && { policyOverride: override }),
    ...(rules.overrides.length > 0 && { policyRules: rules }),
    ...(body.priority && { priority: body.priority }),
    openedBy: actorOf(caller),
    receivedAt: Date.now(),
    channel: body.channel,
    customer: body.customer,
    ...(body.order && { order: body.order }),
    description: body.description,
    evidence: body.evidence,
    details: body.details,
    ...(link.aboutCaseId && { aboutCaseId: link.aboutCaseId }),
    requestHash,
  };
  return openCase(ctx, input, requestHash);
}

/** The case opened (or found under the key), or accepted by Temporal without its first view within the bound. */
export type OpenOutcome = { view: CaseView; created: boolean; accepted?: undefined } | { accepted: true };

/**
 * Starts the case and reads its first view in one round trip (update-with-start): a new key creates the case, a key
 * used before answers the open case's view (another body is refused by the workflow). A case already closed and gone
 * cannot take the update: its memo tells whether the body is the same, and the store or the workflow its view.
 * When the view does not come within the bound but the workflow exists, the case was accepted.
 */
async function openCase(ctx: CaseApiContext, input: CaseInput, requestHash: string): Promise<OpenOutcome> {
  const startWorkflowOperation = new WithStartWorkflowOperation(caseWorkflow, {
    workflowId: input.caseId,
    taskQueue: ctx.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    memo: { requestHash },
  });
  try {
    return await withDeadline(ctx, () => ctx.temporal.workflow.executeUpdateWithStart(openCaseUpdate, { args: [{ requestHash }], startWorkflowOperation }));
  } catch (err) {
    if (refusalProblem(err)?.code === 'idempotency_key_reused') throw keyReused();
    if (isLateAnswer(err)) {
      const started = await startedWith(ctx, input.caseId);
      if (!started) throw err;
      if (started.requestHash !== requestHash) throw keyReused();
      return { accepted: true };
    }
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const description = await withDeadline(ctx, () => ctx.temporal.workflow.getHandle(input.caseId).describe());
    if (description.memo?.requestHash !== requestHash) throw keyReused();
    return { view: (await readCase(ctx, input.caseId)).view, created: false };
  }
}

/** Reads the case for a scoped caller and answers 404 for another merchant's or customer's case. */
export async function scopedView(ctx: CaseApiContext, caller: Caller, caseId: string): Promise<CaseView> {
  const { view } = await readCase(ctx, caseId).catch((err) => {
    if (isWorkflowNotFound(err)) throw notFound();
    throw err;
  });
  if (!inScope(caller, view)) throw notFound();
  return view;
}

const needsScope = (caller: Caller) => caller.role === 'merchant' || caller.role === 'customer' || isPartnerRole(caller.role);

function toSummary(doc: CaseDocument) {
  const iso = (d?: Date | null) => (d ? new Date(d).toISOString() : undefined);
  return {
    caseId: doc.caseId,
    kind: doc.kind,
    status: doc.status,
    merchantId: doc.merchantId ?? undefined,
    customerId: doc.customerId ?? undefined,
    agentId: doc.agentId ?? undefined,
    openedAt: iso(doc.openedAt),
    lastTransitionAt: iso(doc.lastTransitionAt),
    closedAt: iso(doc.closedAt),
    nextDeadline: iso(doc.nextDeadline),
    nextDeadlineClock: doc.nextDeadlineClock ?? undefined,
    owingParty: doc.owingParty ?? undefined,
    escalated: !!doc.escalated,
    breached: !!doc.breached,
    refundBlocked: !!doc.refundBlocked,
    disputePhase: (doc.disputePhase as (typeof DISPUTE_PHASES)[number] | undefined) ?? undefined,
  };
}
export { toSummary };

function encodeCursor(doc: CaseDocument): string {
  return Buffer.from(JSON.stringify([new Date(doc.openedAt).getTime(), doc.caseId])).toString('base64url');
}

const cursorSchema = z.tuple([z.int().min(0), z.string().min(1).max(128)]);

function decodeCursor(cursor: string): { openedAt: Date; caseId: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) {
    throw new ProblemError({ status: 400, code: 'validation_failed', title: 'Invalid request', errors: [{ field: 'query.cursor', message: 'not a cursor from a previous page' }] });
  }
  return { openedAt: new Date(result.data[0]), caseId: result.data[1] };
}

const idempotencyHeader = (example: string) => idempotencyKey.openapi({ example });

/** 201 with the new case, 200 replaying an earlier request with the same key, or 202 when accepted without its view in time. */
function answerOpened(res: Response, caller: Caller, caseId: string, outcome: OpenOutcome): void {
  res.locals.caseId = caseId; // for the request log (api/request-log.ts)
  if (outcome.accepted) return answerAccepted(res, caseId, 'the case was created; its first view did not come within the bound');
  const { view, created } = outcome;
  res
    .status(created ? 201 : 200)
    .location(`/cases/${caseId}`)
    .set(created ? {} : { 'Idempotent-Replayed': 'true' })
    .json(presentView(caller, view));
}

/** Scope check for roles bound to their own cases; staff read any case. */
async function checkScope(ctx: CaseApiContext, caller: Caller, caseId: string): Promise<void> {
  if (needsScope(caller)) await scopedView(ctx, caller, caseId);
}

export const CASE_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/cases',
    roles: ROUTE_ROLES.create,
    summary: 'Open a case',
    description: 'Idempotent: the same Idempotency-Key returns the same case (200), another body with a used key is 409.',
    headers: z.object({ 'Idempotency-Key': idempotencyHeader('crm-ticket-88412') }),
    body: CreateCaseBody,
    responses: {
      201: json('Case opened (Location names it)', CaseViewDoc),
      200: json('Replay of an earlier request with this key', CaseViewDoc),
      202: acceptedResponse('The case'),
      ...COMMON_RESPONSES,
      409: problem('idempotency_key_reused'),
      422: problem('unknown_sku, duplicate_sku or quantity_exceeds_order (details.items against the order); no_warranty_info (a repair of a category without a warranty period); unknown_company (the order names a courier, warehouse or repair provider company that does not exist)'),
      403: problem('forbidden: the role may not open cases; not_your_order: a customer’s case on another customer’s order'),
    },
    async handle(ctx, { caller, headers, body }, res) {
      const kind = body.details.kind;
      if (!supportedKinds().includes(kind)) {
        throw new ProblemError({ status: 422, code: 'unsupported_case_kind', title: 'Case kind not supported yet', detail: `no playbook for "${kind}"; supported: ${supportedKinds().join(', ')}` });
      }
      if (caller.role === 'customer' && body.order && body.order.customerId !== caller.id) {
        throw new ProblemError({ status: 403, code: 'not_your_order', title: 'Forbidden', detail: 'a customer may open cases on its own orders only' });
      }
      checkOrderCompanies(ctx.companies, body.order);
      const caseId = caseIdFor(caller.id, headers['Idempotency-Key']);
      answerOpened(res, caller, caseId, await openCaseFrom(ctx, caller, caseId, body));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/cases/:id/complaints',
    roles: [...STAFF, 'customer'],
    summary: 'Complain about the result of a closed case: opens a feedback case linked to it',
    description:
      'The new case is an after_sales_service feedback case on the same order, with aboutCaseId naming the closed case (seed 000 二(一)4). Idempotent like POST /cases. An open case is disputed with request_intervention instead (409 case_open).',
    params: caseIdParam,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader('complaint-88412') }),
    body: ComplaintBody,
    responses: {
      201: json('The complaint’s case (Location names it)', CaseViewDoc),
      200: json('Replay of an earlier request with this key', CaseViewDoc),
      202: acceptedResponse('The complaint’s case'),
      ...CASE_RESPONSES,
      409: problem('case_open: the case is not closed; or idempotency_key_reused'),
    },
    async handle(ctx, { caller, params: { id }, headers, body }, res) {
      const about = await scopedView(ctx, caller, id);
      if (about.closedAt === undefined) {
        throw new ProblemError({ status: 409, code: 'case_open', title: 'Case still open', detail: 'complain about a closed case; an open one is taken to the platform with request_intervention' });
      }
      const caseId = caseIdFor(caller.id, `complaint:${id}:${headers['Idempotency-Key']}`);
      const create: CreateCaseBody = {
        channel: about.channel,
        customer: about.customer,
        ...(about.order && { order: about.order }),
        description: body.description,
        evidence: body.evidence,
        details: { kind: 'feedback', feedbackType: 'after_sales_service', occurredAt: about.closedAt, ...(body.desiredResolution && { desiredResolution: body.desiredResolution }) },
      };
      answerOpened(res, caller, caseId, await openCaseFrom(ctx, caller, caseId, create, { requestHash: sha256(canonical({ about: id, ...body })), aboutCaseId: id }));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases',
    roles: ROUTE_ROLES.list,
    summary: 'List and search cases (case store)',
    description: 'Newest first; pass nextCursor as cursor for the next page. Merchants see their own cases only.',
    query: ListCasesQuery,
    responses: { 200: json('A page of cases', CaseListDoc), ...COMMON_RESPONSES },
    async handle(ctx, { caller, query: q }, res) {
      const and: Array<Record<string, unknown>> = [];
      const eq = (field: string, value: unknown) => value !== undefined && and.push({ [field]: { $eq: value } });
      eq('kind', q.kind);
      eq('status', q.status);
      eq('merchantId', q.merchantId);
      eq('agentId', q.agentId);
      eq('customerId', q.customerId);
      eq('escalated', q.escalated);
      eq('breached', q.breached);
      if (caller.role === 'merchant') eq('merchantId', caller.merchantId);
      if (caller.role === 'customer') eq('customerId', caller.id);
      if (q.createdFrom) and.push({ openedAt: { $gte: new Date(q.createdFrom) } });
      if (q.createdTo) and.push({ openedAt: { $lt: new Date(q.createdTo) } });
      if (q.nextDeadlineBefore) and.push({ nextDeadline: { $lt: new Date(q.nextDeadlineBefore) } });
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        and.push({ $or: [{ openedAt: { $lt: c.openedAt } }, { openedAt: { $eq: c.openedAt }, caseId: { $lt: c.caseId } }] });
      }
      const filter = and.length ? { $and: and } : {};
      const docs = await caseModel(ctx.store)
        .find(filter, { view: 0 })
        .sort({ openedAt: -1, caseId: -1 })
        .limit(q.limit + 1)
        .lean<CaseDocument[]>()
        .exec();
      const page = docs.slice(0, q.limit);
      res.json({ items: page.map(toSummary), ...(docs.length > q.limit && { nextCursor: encodeCursor(page[page.length - 1]) }) });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases/:id',
    roles: ROUTE_ROLES.read,
    summary: 'Read one case (live from the workflow, from the store once it has closed)',
    params: caseIdParam,
    responses: { 200: json('The case; a partner system (courier, payment, warehouse) reads its partner view', CaseReadDoc), ...CASE_RESPONSES },
    async handle(ctx, { caller, params }, res) {
      const { view, source } = await readCase(ctx, params.id).catch((err) => {
        if (isWorkflowNotFound(err)) throw notFound();
        throw err;
      });
      if (!inScope(caller, view)) throw notFound();
      res.set('X-Case-Source', source).json(presentView(caller, view));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases/:id/audit',
    roles: ROUTE_ROLES.audit,
    summary: 'Audit trail',
    params: caseIdParam,
    responses: { 200: json('Audit entries', z.object({ caseId: z.string(), audit: z.array(AuditEntry) })), ...CASE_RESPONSES },
    async handle(ctx, { caller, params: { id } }, res) {
      await checkScope(ctx, caller, id);
      const handle = ctx.temporal.workflow.getHandle<typeof caseWorkflow>(id);
      const audit = await liveOrStored(ctx, id, () => handle.query(getAuditQuery), (view) => view.audit ?? []);
      res.json({ caseId: id, audit });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases/:id/clocks',
    roles: ROUTE_ROLES.clocks,
    summary: 'SLA clocks',
    params: caseIdParam,
    responses: { 200: json('Clocks', z.object({ caseId: z.string(), clocks: z.array(ClockState) })), ...CASE_RESPONSES },
    async handle(ctx, { caller, params: { id } }, res) {
      await checkScope(ctx, caller, id);
      const handle = ctx.temporal.workflow.getHandle<typeof caseWorkflow>(id);
      const clocks = await liveOrStored(ctx, id, () => handle.query(getClocksQuery), (view) => view.clocks ?? []);
      res.json({ caseId: id, clocks });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/cases/:id/actions',
    roles: ROUTE_ROLES.actions,
    summary: 'Commands the caller’s role may send now',
    params: caseIdParam,
    responses: { 200: json('Allowed commands', ActionsDoc), ...CASE_RESPONSES },
    async handle(ctx, { caller, params: { id } }, res) {
      await checkScope(ctx, caller, id);
      const handle = ctx.temporal.workflow.getHandle<typeof caseWorkflow>(id);
      const actions = await liveOrStored(ctx, id, () => handle.query(allowedActionsQuery, caller.role), () => []);
      res.json({ caseId: id, role: caller.role, actions: actions.filter((a) => (COMMAND_NAMES as readonly string[]).includes(a)) });
    },
  }),
  ...COMMAND_NAMES.map(commandRoute),
];

/** A command's route: its contract body, sent as the workflow update of the same name. */
function commandRoute(name: CommandName): ApiRoute {
  return defineRoute({
    method: 'post',
    path: commandPath(name),
    roles: commandRoles(name),
    summary: `Command: ${name}`,
    description: `Sent as the workflow update "${name}"; the actor is the caller. With an Idempotency-Key, a retry gets the first answer back (the key is scoped to the caller and the command).`,
    params: caseIdParam,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader('crm-review-88412').optional() }),
    body: commandBodies[name] as z.ZodType<object>,
    bodyExample: COMMAND_EXAMPLES[name],
    responses: {
      200: json('The case after the transition', CaseViewDoc),
      202: acceptedResponse('The command'),
      ...CASE_RESPONSES,
      403: problem('role_not_allowed: the role may never send this command on a case of this kind (or the route is not for it)'),
      409: problem('invalid_transition: not possible in the case’s present status; caseStatus and possibleWhen say when the role may send it. already_requested: the platform is already intervening, or was at this party’s request. case_closed: the case has ended'),
      422: problem('A business rule refused the command, with its code (docs/api.md, Refusal codes): e.g. appeal_window_closed, intervention_window_passed; unknown_company (courierId names no courier company)'),
    },
    async handle(ctx, { caller, params: { id }, headers, body }, res) {
      await checkScope(ctx, caller, id);
      checkCommandCourier(ctx.companies, body);
      const handle = ctx.temporal.workflow.getHandle<typeof caseWorkflow>(id);
      const update = commandUpdates[name] as unknown as UpdateDefinition<CaseView, [object]>;
      // Temporal deduplicates updates by id within a case: a retry with the same key gets the first answer back.
      const key = headers['Idempotency-Key'];
      // Named even without a key, so that a late answer can be looked up (was the command taken?).
      const updateId = key === undefined ? `cmd-${crypto.randomUUID()}` : commandUpdateId(caller.id, name, key);
      let view: CaseView;
      try {
        view = await executeCommandUpdate(ctx, handle, update, { args: [{ ...body, actor: actorOf(caller) }], updateId });
      } catch (err) {
        if (isLateAnswer(err) && (await updateAccepted(ctx, id, updateId))) {
          return answerAccepted(res, id, `the command ${name} was accepted; its answer did not come within the bound`, updateId);
        }
        if (isWorkflowNotFound(err)) {
          const stored = await storedView(ctx, id).catch(() => null);
          if (stored && inScope(caller, stored)) {
            throw new ProblemError({ status: 409, code: 'case_closed', title: 'Case closed', detail: 'the case is closed and accepts no more commands' });
          }
          throw notFound();
        }
        throw err;
      }
      res.json(presentView(caller, view));
    },
  });
}

async function liveOrStored<T>(ctx: CaseApiContext, caseId: string, live: () => Promise<T>, fromView: (view: CaseView) => T): Promise<T> {
  try {
    return await withDeadline(ctx, live);
  } catch (err) {
    if (!isWorkflowNotFound(err) && !isUnavailable(err)) throw err;
    const stored = await storedView(ctx, caseId).catch(() => null);
    if (stored) return fromView(stored);
    if (isWorkflowNotFound(err)) throw notFound();
    throw err;
  }
}
