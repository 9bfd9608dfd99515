/**
 * Seeing ahead: a policy version's effect on the cases already recorded (POST /admin/policies/:version/simulate), and
 * the deadlines coming due (GET /supervisor/forecast). Both read the clock histories the worker projects; neither
 * changes a case.
 */
import type mongoose from 'mongoose';
import { z } from 'zod';
import { calendarHistory, currentYears } from '../activities/store/calendar-store';
import { findPolicyVersion } from '../activities/store/policy-store';
import { compareWhatIf, comparisonTable } from '../activities/store/what-if/comparison';
import { deadlineIndexFor } from '../activities/store/what-if/deadline-index';
import { forecast } from '../activities/store/what-if/forecast';
import { readClockHistories, TooManyCasesError } from '../activities/store/what-if/history-store';
import { CaseSimulator, clockDefinitions } from '../activities/store/what-if/simulate';
import { completePolicy, type CasePolicy } from '../workflows/policy';
import type { PolicyRules } from '../workflows/policy-rules';
import { withYears } from '../workflows/sla/calendar';
import { unknownVersion, versionParam } from './admin-policies';
import { ProblemError } from './problem';
import { toCsv } from './reports/csv';
import { checkRange, instant, rangeFields, rangeMs } from './reports/range-query';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';
import { SUPERVISOR_ROLES } from './supervisor';

/** The most cases one simulation re-times. */
const MAX_SIMULATED_CASES = 150_000;
const MAX_FORECAST_HOURS = 168;

const Side = z.object({ met: z.int(), breached: z.int(), pending: z.int(), compliancePercent: z.number().nullable().openapi({ description: 'met / (met + breached), one decimal; null when nothing was decided' }) });
const GroupRow = z.object({ key: z.string(), actual: Side, simulated: Side, breachChange: z.int().openapi({ description: 'simulated.breached − actual.breached' }) }).openapi('WhatIfGroup');
const Verdict = z.object({ percentage: z.number().nullable(), meetsTarget: z.boolean().nullable() });
const SimulationDoc = z
  .object({
    version: z.string(),
    from: z.string(),
    to: z.string(),
    asOf: z.string().openapi({ description: 'Clocks still running are judged at this instant' }),
    cases: z.int().openapi({ description: 'Cases opened in the range and re-timed' }),
    incomplete: z
      .object({ cases: z.int(), reasons: z.record(z.string(), z.int()), sampleCaseIds: z.array(z.string()) })
      .openapi({ description: 'Cases whose recorded history lacks what a re-timing needs (a clock no playbook defines, one the version gives no limit, a clock restarted under the same name, a pause not recorded): counted apart, in no other figure' }),
    totals: z.object({ actual: Side, simulated: Side, newBreaches: z.int(), avertedBreaches: z.int() }),
    byClock: z.array(GroupRow),
    byOwingParty: z.array(GroupRow),
    byMerchant: z.array(GroupRow),
    byPriority: z.array(GroupRow),
    defaultActions: z.array(z.object({ action: z.string(), actual: z.int(), simulated: z.int(), change: z.int() })).openapi({ description: 'Breach actions that fired, and would have (approve, refund_on_behalf_of_merchant, close_abandoned, …)' }),
    compliance: z.object({ targetPercent: z.number(), clocks: z.array(z.object({ clock: z.string(), targetPercent: z.number(), actual: Verdict, simulated: Verdict })) }),
    mostChanged: z.object({ merchants: z.array(GroupRow), clocks: z.array(GroupRow) }).openapi({ description: 'The ten whose breaches change most, largest change first' }),
  })
  .openapi('PolicySimulation');

const ForecastRow = z.object({ key: z.string(), due: z.int(), atRisk: z.int(), perHour: z.array(z.int()) }).openapi('ForecastRow');
const ForecastDoc = z
  .object({
    from: z.string(),
    to: z.string(),
    asOf: z.string().openapi({ description: 'The open deadlines as read from the store at this instant (a few seconds old at most while requests come)' }),
    total: z.object({ due: z.int(), atRisk: z.int() }),
    hours: z.array(z.object({ start: z.string(), due: z.int(), atRisk: z.int() })),
    byOwingParty: z.array(ForecastRow),
    byQueue: z.array(ForecastRow).openapi({ description: 'By the role queues the case sits in (open escalations); (none) when it sits in none' }),
    byClock: z.array(ForecastRow),
    byMerchant: z.array(ForecastRow),
    merchantsOmitted: z.int(),
  })
  .openapi('DeadlineForecast');

const ForecastQuery = z.strictObject({
  from: instant.optional().openapi({ description: 'Start of the window (default now)' }),
  hours: z.coerce.number().int().min(1).max(MAX_FORECAST_HOURS).default(24).openapi({ description: 'Length of the window in hours (default 24)' }),
});

/** A version's rules, with the calendar years operators keep in the store, as a case opened now would run them. */
async function versionRules(store: mongoose.Connection, version: string, filePolicy: CasePolicy): Promise<PolicyRules<CasePolicy>> {
  const [doc, years] = await Promise.all([findPolicyVersion(store, version), calendarHistory(store)]);
  const rules = doc?.rules ?? (version === filePolicy.version ? { version, base: filePolicy, overrides: [] } : undefined);
  if (!rules) throw unknownVersion(version);
  return { ...rules, base: completePolicy({ ...rules.base, calendar: withYears(rules.base.calendar, currentYears(years)) }) };
}

const definitions = clockDefinitions();

export const WHAT_IF_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'post',
    path: '/admin/policies/:version/simulate',
    roles: SUPERVISOR_ROLES,
    summary: 'What-if: the cases opened in a range re-timed under a policy version, side by side with what happened',
    description:
      'Every case opened in [from, to) is re-timed from its recorded clock history (starts, pauses, resumptions, extensions, priority changes, satisfaction) under the version’s limits, overrides and calendar, with the workflow’s own deadline arithmetic. A step is taken as done when it was done, and a step never done as never done. Answers breaches per clock, owing party, merchant and priority, the default actions that would have fired, compliance against the targets and the most changed merchants and clocks; Accept: text/csv answers the same as one table. Nothing running changes. The file’s version can be simulated by its name too.',
    params: versionParam,
    body: z.strictObject(rangeFields).superRefine(checkRange),
    bodyExample: { from: '2026-11-01', to: '2026-11-30' },
    responses: {
      200: { description: 'The comparison (JSON), or as CSV', content: { 'application/json': { schema: SimulationDoc }, 'text/csv': { schema: z.string() } } },
      ...COMMON_RESPONSES,
      400: problem('Invalid range (body.from / body.to), or more cases than one simulation re-times (range_too_large)'),
      404: problem('policy_not_found'),
    },
    async handle(ctx, { params, body }, res) {
      const rules = await versionRules(ctx.store, params.version, ctx.policy);
      const { fromMs, toMs } = rangeMs(body);
      let histories;
      try {
        histories = await readClockHistories(ctx.store, { from: new Date(fromMs), to: new Date(toMs) }, MAX_SIMULATED_CASES);
      } catch (err) {
        if (!(err instanceof TooManyCasesError)) throw err;
        throw new ProblemError({ status: 400, code: 'range_too_large', title: 'Range too large', detail: `more than ${err.limit} cases were opened in the range; ask for a shorter one`, errors: [{ field: 'body.to', message: `at most ${err.limit} cases per simulation` }] });
      }
      const asOf = Date.now();
      const simulator = new CaseSimulator(rules, definitions, asOf);
      const comparison = compareWhatIf(histories.map((history) => ({ history, simulation: simulator.simulate(history) })));
      if (res.req.accepts(['application/json', 'text/csv']) === 'text/csv') {
        const table = comparisonTable(comparison);
        const file = `what-if_${params.version}_${body.from}_${body.to}.csv`.replace(/[^A-Za-z0-9._-]/g, '-');
        res.type('text/csv; charset=utf-8').attachment(file).send(toCsv(table.header, table.rows));
        return;
      }
      res.json({ version: params.version, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), asOf: new Date(asOf).toISOString(), ...comparison });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/supervisor/forecast',
    roles: SUPERVISOR_ROLES,
    summary: 'Deadlines coming due: per hour of the window, per owing party, role queue, clock and merchant, with those at risk (warned, not satisfied)',
    description: 'Every running clock of an open case whose deadline falls in [from, from + hours). Answered from the open cases’ deadlines the API keeps in memory (asOf: when they were read): once older than 2 s, what changed is read from the store behind the answer.',
    query: ForecastQuery,
    responses: { 200: json('The forecast', ForecastDoc), ...COMMON_RESPONSES },
    async handle(ctx, { query }, res) {
      const { asOf, counts } = await deadlineIndexFor(ctx.store, ctx.logger).current();
      const fromMs = query.from === undefined ? Date.now() : Date.parse(query.from);
      const result = forecast(counts, fromMs, query.hours);
      const iso = (ms: number) => new Date(ms).toISOString();
      res.json({ from: iso(fromMs), to: iso(fromMs + query.hours * 3_600_000), asOf: iso(asOf), ...result, hours: result.hours.map((h) => ({ ...h, start: iso(h.start) })) });
    },
  }),
];
