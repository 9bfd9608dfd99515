/**
 * A year's public holidays and make-up working days, kept by operators in the store like policy versions: an entry is
 * never edited, a later entry for the same year supersedes it, and each says who added it and why.
 */
import mongoose, { Schema } from 'mongoose';

export interface CalendarYearDocument {
  year: number;
  holidays: string[];
  extraWorkingDays: string[];
  createdAt: Date;
  createdBy: string;
  reason: string;
}

const schema = new Schema<CalendarYearDocument>(
  {
    year: { type: Number, required: true },
    holidays: { type: [String], required: true },
    extraWorkingDays: { type: [String], required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    reason: { type: String, required: true },
  },
  { collection: 'calendar_years', versionKey: false },
);
schema.index({ year: 1, createdAt: -1 });

export const calendarYearModel = (conn: mongoose.Connection) => conn.models.CalendarYear ?? conn.model<CalendarYearDocument>('CalendarYear', schema);

export async function addCalendarYear(conn: mongoose.Connection, entry: Omit<CalendarYearDocument, 'createdAt'>): Promise<CalendarYearDocument> {
  const doc = await calendarYearModel(conn).create({ ...entry, createdAt: new Date() });
  return doc.toObject() as CalendarYearDocument;
}

/** Every entry, newest first (the history). */
export async function calendarHistory(conn: mongoose.Connection): Promise<CalendarYearDocument[]> {
  return calendarYearModel(conn).find({}, { _id: 0 }).sort({ createdAt: -1, _id: -1 }).limit(1000).lean<CalendarYearDocument[]>().exec();
}

/** The entry in force for each year: the latest one. */
export function currentYears(history: readonly CalendarYearDocument[]): CalendarYearDocument[] {
  const byYear = new Map<number, CalendarYearDocument>();
  for (const entry of history) if (!byYear.has(entry.year)) byYear.set(entry.year, entry);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

/** A calendar year applied to the running cases: who, why, and what the cases answered (the admin audit of it). */
export interface CalendarApplicationDocument {
  year: number;
  at: Date;
  by: string;
  reason: string;
  cases: number;
  applied: number;
  retimed: number;
  clocksRetimed: number;
  unchanged: number;
  closed: number;
  failed: number;
}

const applicationSchema = new Schema<CalendarApplicationDocument>(
  {
    year: { type: Number, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    reason: { type: String, required: true },
    cases: { type: Number, required: true },
    applied: { type: Number, required: true },
    retimed: { type: Number, required: true },
    clocksRetimed: { type: Number, required: true },
    unchanged: { type: Number, required: true },
    closed: { type: Number, required: true },
    failed: { type: Number, required: true },
  },
  { collection: 'calendar_applications', versionKey: false },
);
applicationSchema.index({ at: -1 });

const applicationModel = (conn: mongoose.Connection) => conn.models.CalendarApplication ?? conn.model<CalendarApplicationDocument>('CalendarApplication', applicationSchema);

export async function recordCalendarApplication(conn: mongoose.Connection, entry: CalendarApplicationDocument): Promise<void> {
  await applicationModel(conn).create(entry);
}

/** Every application, newest first. */
export async function calendarApplications(conn: mongoose.Connection): Promise<CalendarApplicationDocument[]> {
  return applicationModel(conn).find({}, { _id: 0 }).sort({ at: -1, _id: -1 }).limit(1000).lean<CalendarApplicationDocument[]>().exec();
}
