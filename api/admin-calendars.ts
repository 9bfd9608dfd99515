/** Calendar years for operators (admin only): a year's public holidays and make-up working days, added without a deploy. */
import { z } from 'zod';
import { addCalendarYear, calendarHistory, currentYears, type CalendarYearDocument } from '../activities/store/calendar-store';
import { COMMON_RESPONSES, json } from './responses';
import { defineRoute, type ApiRoute } from './route-table';

const ADMIN = ['admin'] as const;
const dates = z.array(z.iso.date()).max(366);

const CalendarYearBody = z
  .strictObject({
    year: z.int().min(2000).max(2100),
    holidays: dates,
    extraWorkingDays: dates,
    reason: z.string().trim().min(1).max(2000),
  })
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

export const ADMIN_CALENDAR_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'get',
    path: '/admin/calendars',
    roles: ADMIN,
    summary: 'Calendar years in force (the latest entry per year) and every entry, newest first',
    responses: { 200: json('Years and history', z.object({ years: z.array(CalendarYearDoc), history: z.array(CalendarYearDoc) })), ...COMMON_RESPONSES },
    async handle(ctx, _request, res) {
      const history = await calendarHistory(ctx.store);
      res.json({ years: currentYears(history).map(present), history: history.map(present) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/admin/calendars',
    roles: ADMIN,
    summary: 'Set a year’s public holidays and make-up working days for new cases',
    description: 'The whole year, in place of what the policy had for it; an earlier entry for the year is kept in the history, not edited. Working-day deadlines of cases opened from now on count with it; running cases keep the calendar they opened with.',
    body: CalendarYearBody,
    responses: { 201: json('The entry as stored', CalendarYearDoc), ...COMMON_RESPONSES },
    async handle(ctx, { caller, body }, res) {
      const entry = await addCalendarYear(ctx.store, { year: body.year, holidays: body.holidays, extraWorkingDays: body.extraWorkingDays, createdBy: caller.id, reason: body.reason });
      ctx.policies.invalidate();
      res.status(201).json(present(entry));
    },
  }),
];
