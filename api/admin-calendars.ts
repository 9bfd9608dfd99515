/**
 * Calendar years for operators (admin only): a year's public holidays and make-up working days, added without a deploy,
 * and applied to the running cases when published after they opened.
 */
import { z } from 'zod';
import {
  addCalendarYear,
  calendarApplications,
  calendarHistory,
  currentYears,
  recordCalendarApplication,
  type CalendarApplicationDocument,
  type CalendarYearDocument,
} from '../activities/store/calendar-store';
import { CalendarYear } from '../workflows/contract';
import { applyCalendarUpdate, type ClockRetimed } from '../workflows/messages';
import { actorOf } from './auth';
import type { CaseApiContext } from './context';
import { sendToEach, type CaseOutcome } from './per-case';
import { ProblemError } from './problem';
import { COMMON_RESPONSES, json, problem } from './responses';
import { defineRoute, type ApiRoute } from './route-table';

const ADMIN = ['admin'] as const;
const reason = z.string().trim().min(1).max(2000);

const CalendarYearBody = CalendarYear.extend({ reason })
  .superRefine((body, ctx) => {
    for (const list of ['holidays', 'extraWorkingDays'] as const) {
      body[list].forEach((date, i) => {
        if (!date.startsWith(`${body.year}-`)) ctx.addIssue({ code: 'custom', path: [list, i], message: `${date} is not in ${body.year}` });
        if (body[list].indexOf(date) !== i) ctx.addIssue({ code: 'custom', path: [list, i], message: `${date} is listed twice` });
      });
    }
    body.extraWorkingDays.forEach((date, i) => {
      if (body.holidays.includes(date)) ctx.addIssue({ code: 'custom', path: ['extraWorkingDays', i], message: `${date} is also listed as a holiday` });
    });
  })
  .openapi('CalendarYear', { example: { year: 2027, holidays: ['2027-01-01'], extraWorkingDays: [], reason: 'State Council notice for 2027' } });

const CalendarYearDoc = z.object({ year: z.int(), holidays: z.array(z.string()), extraWorkingDays: z.array(z.string()), createdAt: z.string(), createdBy: z.string(), reason: z.string() });
const present = (doc: CalendarYearDocument) => ({ year: doc.year, holidays: doc.holidays, extraWorkingDays: doc.extraWorkingDays, createdAt: new Date(doc.createdAt).toISOString(), createdBy: doc.createdBy, reason: doc.reason });

const counts = {
  cases: z.int().openapi({ description: 'Running cases found' }),
  applied: z.int().openapi({ description: 'Cases that count with the year from now on' }),
  retimed: z.int().openapi({ description: 'Cases with at least one deadline re-timed' }),
  clocksRetimed: z.int(),
  unchanged: z.int().openapi({ description: 'Cases that already counted with this year' }),
  closed: z.int().openapi({ description: 'Closed cases still open to their survey or an intervention: no deadline to re-time' }),
  failed: z.int(),
};
const CalendarApplicationDoc = z.object({ year: z.int(), at: z.string(), by: z.string(), reason: z.string(), ...counts });
const presentApplication = (doc: CalendarApplicationDocument) => ({ ...doc, at: new Date(doc.at).toISOString() });
const CaseError = z.object({ caseId: z.string(), status: z.int(), code: z.string(), detail: z.string() });
const ApplyResultDoc = CalendarApplicationDoc.extend({
  retimedCases: z.array(z.object({ caseId: z.string(), clocks: z.array(z.object({ clock: z.string(), from: z.string(), to: z.string() })) })).openapi({ description: 'Each re-timed case with its clocks’ deadlines before and after' }),
  failures: z.array(CaseError).openapi({ description: 'Cases that did not take it (unknown, unavailable), with their error' }),
});
const yearParam = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' }, example: 2027 }) });

/** The ids of the running case workflows of this platform's task queue, from Temporal's visibility store. */
async function runningCaseIds(ctx: CaseApiContext): Promise<string[]> {
  const ids: string[] = [];
  const query = `WorkflowType = 'caseWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${ctx.taskQueue}'`;
  for await (const execution of ctx.temporal.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

/** What the cases answered, counted as the admin audit keeps it. */
function tally(outcomes: CaseOutcome<{ retimed: ClockRetimed[] }>[]) {
  const applied = outcomes.flatMap((o) => (o.ok ? [{ caseId: o.caseId, clocks: o.value.retimed }] : []));
  const refused = (code: string) => outcomes.filter((o) => !o.ok && o.error.code === code).length;
  const failures = outcomes.flatMap((o) => (!o.ok && o.error.code !== 'unchanged' && o.error.code !== 'invalid_transition' ? [{ caseId: o.caseId, ...o.error }] : []));
  const retimedCases = applied.filter((c) => c.clocks.length > 0);
  return {
    counts: { cases: outcomes.length, applied: applied.length, retimed: retimedCases.length, clocksRetimed: retimedCases.reduce((n, c) => n + c.clocks.length, 0), unchanged: refused('unchanged'), closed: refused('invalid_transition'), failed: failures.length },
    retimedCases: retimedCases.map((c) => ({ caseId: c.caseId, clocks: c.clocks.map((k) => ({ clock: k.clock, from: new Date(k.from).toISOString(), to: new Date(k.to).toISOString() })) })),
    failures,
  };
}

export const ADMIN_CALENDAR_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/admin/calendars',
    roles: ADMIN,
    summary: 'Calendar years in force (the latest entry per year), every entry, and every application to running cases, newest first',
    responses: {
      200: json('Years, history and applications', z.object({ years: z.array(CalendarYearDoc), history: z.array(CalendarYearDoc), applications: z.array(CalendarApplicationDoc) })),
      ...COMMON_RESPONSES,
    },
    async handle(ctx, _request, res) {
      const [history, applications] = await Promise.all([calendarHistory(ctx.store), calendarApplications(ctx.store)]);
      res.json({ years: currentYears(history).map(present), history: history.map(present), applications: applications.map(presentApplication) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/calendars',
    roles: ADMIN,
    summary: 'Set a year’s public holidays and make-up working days for new cases',
    description:
      'The whole year, in place of what the policy had for it; an earlier entry for the year is kept in the history, not edited. Working-day deadlines of cases opened from now on count with it; running cases keep the calendar they opened with until it is applied to them (POST /admin/calendars/{year}/apply).',
    body: CalendarYearBody,
    responses: { 201: json('The entry as stored', CalendarYearDoc), ...COMMON_RESPONSES },
    async handle(ctx, { caller, body }, res) {
      const entry = await addCalendarYear(ctx.store, { year: body.year, holidays: body.holidays, extraWorkingDays: body.extraWorkingDays, createdBy: caller.id, reason: body.reason });
      ctx.policies.invalidate();
      res.status(201).json(present(entry));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/calendars/:year/apply',
    roles: ADMIN,
    summary: 'Apply the year’s calendar in force to every running case, with a reason',
    description:
      'Each running case (Temporal’s visibility store) gets the update apply_calendar: it counts with the year from now on, and each running working-day deadline the year moves is re-timed as a priority change re-times it (counted from where it counted from), audited on the case as calendar_applied. Answers how many cases took it and were re-timed; the application is kept in the admin audit (GET /admin/calendars). Applying the same year again changes nothing (unchanged).',
    params: yearParam,
    body: z.strictObject({ reason }),
    responses: { 200: json('What the running cases answered', ApplyResultDoc), ...COMMON_RESPONSES, 404: problem('calendar_year_not_found') },
    async handle(ctx, { caller, params, body }, res) {
      const entry = currentYears(await calendarHistory(ctx.store)).find((y) => y.year === params.year);
      if (!entry) {
        throw new ProblemError({ status: 404, code: 'calendar_year_not_found', title: 'Calendar year not found', detail: `no calendar for ${params.year} was added (POST /admin/calendars)` });
      }
      const year = { year: entry.year, holidays: entry.holidays, extraWorkingDays: entry.extraWorkingDays };
      const actor = actorOf(caller);
      const outcomes = await sendToEach(ctx, await runningCaseIds(ctx), (handle) => handle.executeUpdate(applyCalendarUpdate, { args: [{ year, reason: body.reason, actor }] }));
      const { counts, retimedCases, failures } = tally(outcomes);
      const application = { year: entry.year, at: new Date(), by: caller.id, reason: body.reason, ...counts };
      await recordCalendarApplication(ctx.store, application);
      res.json({ ...presentApplication(application), retimedCases, failures });
    },
  }),
];
