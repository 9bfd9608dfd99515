import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { COMMAND_NAMES } from '../workflows/messages';
import { commandPath, commandRoles, ROUTE_ROLES } from './cases';
import {
  AcceptedDoc,
  ActionsDoc,
  BulkAssignBody,
  BulkAssignResultDoc,
  CaseCountsDoc,
  CaseCountsQuery,
  caseIdParam,
  CaseListDoc,
  CaseViewDoc,
  commandBodies,
  COMMAND_EXAMPLES,
  CourierCallback,
  CreateCaseBody,
  ListCasesQuery,
  PaymentCallback,
  ProblemDoc,
  QueueDoc,
  QueueQuery,
  queueRoleParam,
  StuckCasesDoc,
  StuckCasesQuery,
} from './schemas';
import { QUEUE_ROLES, SENIOR_AGENT_QUEUES, SUPERVISOR_ROLES } from './supervisor';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemDoc } } });
const json = <T extends z.ZodType>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
const common = {
  400: problem('Invalid path, query, header or body (the failing fields are listed)'),
  401: problem('No or unknown API key'),
  403: problem('The role may not use this route or take this action'),
  503: problem('Temporal or the case store is unreachable'),
};
const roles = (list: readonly string[]) => `Roles: ${list.join(', ')}.`;
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];

/** As the API checks it (api/cases.ts): printable ASCII, 8 to 200 characters. */
const idempotencyKeyHeader = z.string().regex(/^[\x21-\x7e]{8,200}$/);

function build(): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  const path = (config: RouteConfig) => registry.registerPath({ security, ...config });

  path({
    method: 'post',
    path: '/cases',
    summary: 'Open a case',
    description: `Idempotent: the same Idempotency-Key returns the same case (200), another body with a used key is 409. ${roles(ROUTE_ROLES.create)}`,
    request: {
      headers: z.object({ 'Idempotency-Key': idempotencyKeyHeader.openapi({ example: 'crm-ticket-88412' }) }),
      body: { required: true, content: { 'application/json': { schema: CreateCaseBody } } },
    },
    responses: {
      201: json('Case opened (Location names it)', CaseViewDoc),
      200: json('Replay of an earlier request with this key', CaseViewDoc),
      ...common,
      409: problem('idempotency_key_reused'),
      422: problem('unsupported_case_kind'),
    },
  });
  path({
    method: 'get',
    path: '/cases',
    summary: 'List and search cases (case store)',
    description: `Newest first; pass nextCursor as cursor for the next page. Merchants see their own cases only. ${roles(ROUTE_ROLES.list)}`,
    request: { query: ListCasesQuery },
    responses: { 200: json('A page of cases', CaseListDoc), ...common },
  });
  const caseResponses = { ...common, 404: problem('Unknown case, or another merchant’s case') };
  path({
    method: 'get',
    path: '/cases/{id}',
    summary: 'Read one case (live from the workflow, from the store once it has closed)',
    description: roles(ROUTE_ROLES.read),
    request: { params: caseIdParam },
    responses: { 200: json('The case', CaseViewDoc), ...caseResponses },
  });
  path({
    method: 'get',
    path: '/cases/{id}/audit',
    summary: 'Audit trail',
    description: roles(ROUTE_ROLES.audit),
    request: { params: caseIdParam },
    responses: { 200: json('Audit entries', z.object({ caseId: z.string(), audit: z.array(z.looseObject({})) })), ...caseResponses },
  });
  path({
    method: 'get',
    path: '/cases/{id}/clocks',
    summary: 'SLA clocks',
    description: roles(ROUTE_ROLES.clocks),
    request: { params: caseIdParam },
    responses: { 200: json('Clocks', z.object({ caseId: z.string(), clocks: z.array(z.looseObject({})) })), ...caseResponses },
  });
  path({
    method: 'get',
    path: '/cases/{id}/actions',
    summary: 'Commands the caller’s role may send now',
    description: roles(ROUTE_ROLES.actions),
    request: { params: caseIdParam },
    responses: { 200: json('Allowed commands', ActionsDoc), ...caseResponses },
  });
  for (const name of COMMAND_NAMES) {
    const example = COMMAND_EXAMPLES[name];
    path({
      method: 'post',
      path: commandPath(name).replace(':id', '{id}'),
      summary: `Command: ${name}`,
      description: `Sent as the workflow update "${name}"; the actor is the caller. With an Idempotency-Key, a retry gets the first answer back (the key is scoped to the caller and the command). ${roles(commandRoles(name))}`,
      request: {
        params: caseIdParam,
        headers: z.object({ 'Idempotency-Key': idempotencyKeyHeader.optional().openapi({ example: 'crm-review-88412' }) }),
        body: { required: true, content: { 'application/json': { schema: commandBodies[name], ...(example && { example }) } } } },
      responses: {
        200: json('The case after the transition', CaseViewDoc),
        ...caseResponses,
        409: problem('invalid_transition (with the workflow’s reason) or case_closed'),
        422: problem('A business rule refused the command'),
      },
    });
  }
  const paging =
    'Most overdue first: next deadline ascending, then case id; cases without a deadline last. Pass nextCursor as cursor (with the same filters) for the next page; every page is measured against the first page’s asOf. A cursor from another list, other filters or another route is refused with 400 (query.cursor).';
  path({
    method: 'get',
    path: '/supervisor/stuck-cases',
    summary: 'Open cases that are stuck: next deadline past or within `within`, idle for `idleFor`, or a refund the payment partner refused',
    description: `${paging} Each case says why it is listed (reasons) and who it waits on. ${roles(SUPERVISOR_ROLES)}`,
    request: { query: StuckCasesQuery },
    responses: { 200: json('A page of stuck cases with who owes the next action and by when', StuckCasesDoc), ...common },
  });
  path({
    method: 'get',
    path: '/queues/{role}',
    summary: 'A role’s queue: open cases with an open escalation to the role',
    description: `${paging} ${roles(QUEUE_ROLES)} A senior agent reads the ${SENIOR_AGENT_QUEUES.join(' and ')} queues only (403 for the others).`,
    request: { params: queueRoleParam, query: QueueQuery },
    responses: { 200: json('A page of the queue', QueueDoc), ...common },
  });
  path({
    method: 'post',
    path: '/supervisor/bulk-assign',
    summary: 'Assigns up to 200 open cases to one agent, with a reason; each case answers for itself',
    description: `Each case gets the assign command (audited with the reason); a case that refuses it, is closed or unknown is listed with its error and the others go on. ${roles(SUPERVISOR_ROLES)}`,
    request: { body: { required: true, content: { 'application/json': { schema: BulkAssignBody, example: { caseIds: ['case-3f2a9c0e1b7d4a65c8e91f20'], agentId: 'agent-7', reason: 'rebalancing the morning queue' } } } } },
    responses: { 200: json('One result per case: assigned (with its status) or failed (with status, code and detail)', BulkAssignResultDoc), ...common },
  });
  path({
    method: 'get',
    path: '/supervisor/case-counts',
    summary: 'Case counts grouped by kind, status, owing party or merchant',
    description: roles(SUPERVISOR_ROLES),
    request: { query: CaseCountsQuery },
    responses: { 200: json('Counts', CaseCountsDoc), ...common },
  });
  const callback = (p: string, schema: z.ZodType, who: string[]) =>
    path({
      method: 'post',
      path: p,
      summary: `Partner callback (${who[0]})`,
      description: `Delivered to the case as a signal; repeats with the same dedupKey are ignored. ${roles(who)}`,
      request: { body: { required: true, content: { 'application/json': { schema } } } },
      responses: { 202: json('Accepted', AcceptedDoc), ...common, 404: problem('No open case with this id') },
    });
  callback('/callbacks/courier', CourierCallback, ['courier', 'admin']);
  callback('/callbacks/payment', PaymentCallback, ['payment', 'admin']);

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'After-sales case API', version: '0.1.0', description: 'Every case is a Temporal workflow; this API validates, authorises and forwards.' },
    servers: [{ url: '/' }],
  });
}

let cached: object | undefined;
export function openApiDocument(): object {
  return (cached ??= build());
}
