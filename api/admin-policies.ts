/** Policy versions for operators (admin only): list, read, add a version, activate one; every change audited. */
import { z } from 'zod';
import { findPolicyVersion, insertPolicyVersion, listPolicyVersions, policyEvents, recordActivation, type PolicyVersionDocument } from '../activities/store/policy-store';
import { policyBodyIssues, PolicyVersionBody, policyRulesFrom } from '../config/policy';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';

const ADMIN = ['admin'] as const;
export const versionParam = z.strictObject({ version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a policy version').openapi({ param: { name: 'version', in: 'path' }, example: '2026.4' }) });
const PolicyVersionDoc = z
  .object({ version: z.string(), createdAt: z.string(), createdBy: z.string(), reason: z.string(), rules: z.looseObject({ base: z.looseObject({}), overrides: z.array(z.looseObject({ name: z.string() })) }) })
  .openapi('PolicyVersion');
const PolicyEventDoc = z.object({ version: z.string(), action: z.enum(['created', 'activated']), at: z.string(), by: z.string(), reason: z.string() });
export const unknownVersion = (version: string) => new ProblemError({ status: 404, code: 'policy_not_found', title: 'Policy version not found', detail: `no policy version ${version}` });

const present = (doc: PolicyVersionDocument) => ({ version: doc._id, createdAt: new Date(doc.createdAt).toISOString(), createdBy: doc.createdBy, reason: doc.reason, rules: doc.rules });

export const ADMIN_POLICY_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/admin/policies',
    roles: ADMIN,
    summary: 'Policy versions, the active one, and who changed what and why',
    description: 'active is null while no version was ever activated: new cases then open under the file and environment’s policy (fileVersion).',
    responses: {
      200: json('Versions, newest first, and the change log', z.object({ active: z.string().nullable(), fileVersion: z.string(), versions: z.array(PolicyVersionDoc), events: z.array(PolicyEventDoc) })),
      ...COMMON_RESPONSES,
    },
    async handle(ctx, _request, res) {
      const [versions, events] = await Promise.all([listPolicyVersions(ctx.store), policyEvents(ctx.store)]);
      const active = events.find((e) => e.action === 'activated')?.version ?? null;
      res.json({ active, fileVersion: ctx.policy.version, versions: versions.map(present), events: events.map((e) => ({ ...e, at: new Date(e.at).toISOString() })) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/policies',
    roles: ADMIN,
    summary: 'Add a policy version: a default over the file and environment’s policy, and ordered overrides',
    description:
      'Validated as a whole with the loader’s rules (the default, and the default with each override applied); every problem is listed. A version is never edited: a name already used is refused. It applies to new cases once activated; running cases keep theirs.',
    body: PolicyVersionBody,
    bodyExample: {
      version: '2026.4',
      reason: 'urgent tickets answered sooner; premium merchants reviewed within a day',
      policy: {},
      overrides: [
        { name: 'urgent-feedback', match: { kinds: ['feedback'], priorities: ['urgent'] }, set: { registration: { minutes: 15 }, firstResponse: { hours: 4 } } },
        { name: 'premium-merchants', match: { merchantTiers: ['premium'] }, set: { merchantReviewReminder: { hours: 12 }, merchantReviewTimeout: { hours: 24 } } },
      ],
    },
    responses: { 201: json('The version as stored', PolicyVersionDoc), ...COMMON_RESPONSES, 409: problem('policy_version_exists') },
    // A body whose shape is refused is still checked as a version, so the 400 lists the default's and every override's problems.
    bodyIssues: (ctx, body) => policyBodyIssues(body, ctx.policy),
    async handle(ctx, { caller, body }, res) {
      const result = policyRulesFrom(body, ctx.policy);
      if ('issues' in result) {
        throw new ProblemError({ status: 400, code: 'validation_failed', title: 'Invalid request', detail: 'the policy version failed validation', errors: result.issues });
      }
      if (!(await insertPolicyVersion(ctx.store, result.rules, caller.id, body.reason))) {
        throw new ProblemError({ status: 409, code: 'policy_version_exists', title: 'Policy version exists', detail: `version ${body.version} exists; a version is never edited, add another` });
      }
      res.status(201).location(`/admin/policies/${body.version}`).json(present((await findPolicyVersion(ctx.store, body.version))!));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/admin/policies/:version',
    roles: ADMIN,
    summary: 'One policy version',
    params: versionParam,
    responses: { 200: json('The version', PolicyVersionDoc), ...COMMON_RESPONSES, 404: problem('policy_not_found') },
    async handle(ctx, { params }, res) {
      const doc = await findPolicyVersion(ctx.store, params.version);
      if (!doc) throw unknownVersion(params.version);
      res.json(present(doc));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/policies/:version/activate',
    roles: ADMIN,
    summary: 'Activate a policy version for new cases, with a reason',
    params: versionParam,
    body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
    responses: { 200: json('The active version', z.object({ active: z.string() })), ...COMMON_RESPONSES, 404: problem('policy_not_found') },
    async handle(ctx, { caller, params, body }, res) {
      if (!(await findPolicyVersion(ctx.store, params.version))) throw unknownVersion(params.version);
      await recordActivation(ctx.store, params.version, caller.id, body.reason);
      ctx.policies.invalidate();
      res.json({ active: params.version });
    },
  }),
];
