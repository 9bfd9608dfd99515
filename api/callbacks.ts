import { PARTNER_EVENTS, PARTNER_NAMES, type PartnerEventEntry, type PartnerName } from '../workflows/contract';
import { partnerEventSignal, type PartnerEvent } from '../workflows/messages';
import { findCaseCompanies } from '../activities/store/case-model';
import { handlesCase } from '../workflows/domain/case-access';
import { DEFAULT_COMPANY_IDS, type CompanyKind } from '../workflows/domain/partner-companies';
import type { Caller } from './auth';
import { readCase } from './cases';
import { withDeadline, type CaseApiContext } from './context';
import { isWorkflowNotFound } from './errors';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { AcceptedDoc, CALLBACK_BODIES } from './schemas';

const caseNotFound = () => new ProblemError({ status: 404, code: 'case_not_found', title: 'Case not found', detail: 'no open case with this id' });

/**
 * A company's key reaches only the cases its company handles; admins reach every case. The store's projection answers
 * in one small read by id (the case's company ids); a case it does not show for the company (not projected yet,
 * projected before companies, another company's, or the store down) is asked of the workflow, so the answers are the
 * workflow's.
 */
async function checkCaseCompany(ctx: CaseApiContext, caller: Caller, caseId: string, company: CompanyKind | undefined): Promise<void> {
  if (company === undefined || caller.role !== company) return;
  const projected = await findCaseCompanies(ctx.store, caseId).catch(() => null);
  if (projected?.includes(caller.companyId ?? DEFAULT_COMPANY_IDS[company])) return;
  const { view } = await readCase(ctx, caseId).catch((err) => {
    if (isWorkflowNotFound(err)) throw caseNotFound();
    throw err;
  });
  if (!handlesCase(caller, view, company)) throw caseNotFound();
}

/** Sends a partner's event to its case; repeats are dropped by the workflow, which knows the dedup keys. */
async function signalCase(ctx: CaseApiContext, caller: Caller, caseId: string, company: CompanyKind | undefined, event: PartnerEvent) {
  await checkCaseCompany(ctx, caller, caseId, company);
  try {
    await withDeadline(ctx, () => ctx.temporal.workflow.getHandle(caseId).signal(partnerEventSignal, event));
  } catch (err) {
    if (isWorkflowNotFound(err)) throw caseNotFound();
    throw err;
  }
  return { status: 'accepted' as const, caseId };
}

/** POST /callbacks/<partner>: the partner's event (its entry in the contract's PARTNER_EVENTS) becomes the partner_event signal. */
function callbackRoute(partner: PartnerName): ApiRoute {
  const { roles, company, summary }: PartnerEventEntry = PARTNER_EVENTS[partner];
  return defineRoute({
    method: 'post',
    path: `/callbacks/${partner}`,
    roles: [...roles, 'admin'],
    summary: `Partner callback (${summary})`,
    description: 'Delivered to the case as a signal; repeats with the same dedupKey are ignored. A company’s key reaches the cases its company handles only (another company’s case is 404).',
    responses: { 202: json('Accepted', AcceptedDoc), ...COMMON_RESPONSES, 404: problem('No open case with this id') },
    body: CALLBACK_BODIES[partner],
    async handle(ctx, { caller, body }, res) {
      const { caseId, ...event } = body;
      res.status(202).json(await signalCase(ctx, caller, caseId, company, { partner, ...event } as PartnerEvent));
    },
  });
}

export const CALLBACK_ROUTES: ApiRoute[] = PARTNER_NAMES.map(callbackRoute);
