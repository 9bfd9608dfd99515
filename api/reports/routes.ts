/** GET /reports/...: figures over the cases opened in a date range, as JSON or (Accept: text/csv) one CSV table. */
import type { Response } from 'express';
import type mongoose from 'mongoose';
import { z } from 'zod';
import { agentPerformance, type QaReviewFact } from '../../activities/store/reports/agents';
import { qaReviewModel } from '../../activities/store/qa-samples';
import { csat } from '../../activities/store/reports/csat';
import { distribution } from '../../activities/store/reports/distribution';
import { handlingTime } from '../../activities/store/reports/handling-time';
import { merchantScorecard } from '../../activities/store/reports/merchant-scorecard';
import { MAX_REPORT_CASES, RangeTooLargeError, readReportFacts } from '../../activities/store/reports/read-range';
import type { ReportFacts } from '../../activities/store/reports/report-facts';
import { slaCompliance } from '../../activities/store/reports/sla-compliance';
import type { Caller } from '../auth';
import { ProblemError } from '../problem';
import { COMMON_RESPONSES, problem } from '../responses';
import { defineRoute, type ApiRoute } from '../route-table';
import { toCsv } from './csv';
import { rangeMs, ReportRangeQuery, ReportRangeQueryWithoutMerchant } from './range-query';
import { agentsTable, csatTable, distributionTable, handlingTable, scorecardTable, slaTable, type Table } from './tables';

export const REPORT_ROLES = ['supervisor', 'admin'] as const;
export const SCORECARD_ROLES = [...REPORT_ROLES, 'merchant'] as const;

interface ReportDef {
  path: string;
  summary: string;
  roles: readonly (typeof SCORECARD_ROLES)[number][];
  compute: (cases: readonly ReportFacts[], store: mongoose.Connection) => Promise<{ json: object; table: Table }> | { json: object; table: Table };
}

const REPORTS: readonly ReportDef[] = [
  {
    path: '/reports/sla-compliance',
    summary: 'SLA compliance per clock (met, breached, percentage against its target), per day, and breaches against the party that owed each clock: per merchant, per agent and per owner',
    roles: REPORT_ROLES,
    compute: (cases) => {
      const r = slaCompliance(cases);
      return { json: r, table: slaTable(r) };
    },
  },
  {
    path: '/reports/handling-time',
    summary: 'Handling time (opening to outcome) p50/p90 of closed cases, by kind, reason, merchant and agent, with a histogram',
    roles: REPORT_ROLES,
    compute: (cases) => {
      const r = handlingTime(cases);
      return { json: r, table: handlingTable(r) };
    },
  },
  {
    path: '/reports/distribution',
    summary: 'Problem types (case kinds) and reasons: counts and shares',
    roles: REPORT_ROLES,
    compute: (cases) => {
      const r = distribution(cases);
      return { json: r, table: distributionTable(r) };
    },
  },
  {
    path: '/reports/csat',
    summary: 'Satisfaction surveys: sent, answered, response rate, average rating and its distribution',
    roles: REPORT_ROLES,
    compute: (cases) => {
      const r = csat(cases);
      return { json: r, table: csatTable(r) };
    },
  },
  {
    path: '/reports/agents',
    summary: 'Per agent (the case’s assignee): cases, closed, handling time p50/p90, the agent’s deadlines met and breached, breaches on its cases, CSAT',
    roles: REPORT_ROLES,
    compute: async (cases, store) => {
      const agents = agentPerformance(cases, await qaReviewsOf(store, cases.map((c) => c._id)));
      return { json: { agents }, table: agentsTable(agents) };
    },
  },
  {
    path: '/reports/merchant-scorecard',
    summary: 'Per merchant: cases, refund and dispute rates, on-time review and refund percentages, breaches and charges',
    roles: SCORECARD_ROLES,
    compute: (cases) => {
      const merchants = merchantScorecard(cases);
      return { json: { merchants }, table: scorecardTable(merchants) };
    },
  },
];

/** The quality reviews of the given cases, read a thousand ids at a time. */
async function qaReviewsOf(store: mongoose.Connection, caseIds: readonly string[]): Promise<QaReviewFact[]> {
  const reviews: QaReviewFact[] = [];
  for (let i = 0; i < caseIds.length; i += 1000) {
    const chunk = caseIds.slice(i, i + 1000);
    reviews.push(...(await qaReviewModel(store).find({ caseId: { $in: chunk } }, { _id: 0, caseId: 1, score: 1, mishandled: 1 }).lean<QaReviewFact[]>().exec()));
  }
  return reviews;
}

/** The merchant a request may read: a merchant key its own only; others any, or all when none is named. */
function merchantScope(caller: Caller, asked: string | undefined, path: string): string | undefined {
  if (caller.role !== 'merchant') {
    if (asked !== undefined && path !== '/reports/merchant-scorecard') {
      throw new ProblemError({ status: 400, code: 'validation_failed', title: 'Invalid request', detail: 'the query failed validation', errors: [{ field: 'query.merchantId', message: 'only the merchant scorecard filters by merchant' }] });
    }
    return asked;
  }
  if (asked !== undefined && asked !== caller.merchantId) {
    throw new ProblemError({ status: 403, code: 'forbidden', title: 'Forbidden', detail: 'a merchant reads its own scorecard only' });
  }
  return caller.merchantId;
}

function send(res: Response, name: string, range: { from: string; to: string }, cases: number, result: { json: object; table: Table }): void {
  const { fromMs, toMs } = rangeMs(range);
  if (res.req.accepts(['application/json', 'text/csv']) === 'text/csv') {
    const file = `${name}_${range.from}_${range.to}.csv`.replace(/[^A-Za-z0-9._-]/g, '-');
    res.type('text/csv; charset=utf-8').attachment(file).send(toCsv(result.table.header, result.table.rows));
    return;
  }
  res.json({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), cases, ...result.json });
}

function reportRoute(report: ReportDef): ApiRoute {
  const byMerchant = report.roles.includes('merchant');
  return defineRoute({
    method: 'get',
    path: report.path,
    roles: report.roles,
    summary: report.summary,
    description: `Over the cases opened in the range (at most ${MAX_REPORT_CASES} cases). Accept: text/csv answers one CSV table.${byMerchant ? ' A merchant key reads its own merchant only.' : ''}`,
    query: byMerchant ? ReportRangeQuery : ReportRangeQueryWithoutMerchant,
    responses: {
      200: {
        description: 'The report (JSON), or its main table as CSV',
        content: { 'application/json': { schema: z.looseObject({ from: z.string(), to: z.string(), cases: z.int() }) }, 'text/csv': { schema: z.string() } },
      },
      ...COMMON_RESPONSES,
      400: problem('Invalid range (query.from / query.to), or more cases than one report reads (range_too_large)'),
      503: problem('The case store is unreachable'),
    },
    async handle(ctx, { caller, query }, res) {
      const merchantId = merchantScope(caller, (query as { merchantId?: string }).merchantId, report.path);
      const { fromMs, toMs } = rangeMs(query);
      const { companyId } = query as { companyId?: string };
      let cases: ReportFacts[];
      try {
        cases = await readReportFacts(ctx.store, { from: new Date(fromMs), to: new Date(toMs), ...(merchantId !== undefined && { merchantId }), ...(companyId !== undefined && { companyId }) });
      } catch (err) {
        if (!(err instanceof RangeTooLargeError)) throw err;
        throw new ProblemError({ status: 400, code: 'range_too_large', title: 'Range too large', detail: `more than ${err.limit} cases were opened in the range; ask for a shorter one`, errors: [{ field: 'query.to', message: `at most ${err.limit} cases per report` }] });
      }
      send(res, report.path.slice('/reports/'.length), query, cases.length, await report.compute(cases, ctx.store));
    },
  });
}

/** GET /reports/...: one route per report. */
export const REPORT_ROUTES: ApiRoute[] = REPORTS.map(reportRoute);
