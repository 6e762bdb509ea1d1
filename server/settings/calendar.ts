// A unit's open days: its opening hours per weekday less its closed days and ranges ("Planeringsdag", a summer
// closure) and the public holidays it did not say it is open on (holidays.ts). Absence, care times and the staff's
// Today all ask here whether a day is one the unit is open.
import type { Db } from '../kernel/db.ts';
import { addDays, isoWeekday } from '../kernel/dates.ts';
import { closedDays, openingHours } from './queries.ts';
import type { Hours } from './rules.ts';

export interface Calendar { hours: Record<number, Hours>; closed: Set<string> }

/** The unit's opening hours and its closed days from `from` to `to`. */
export async function unitCalendar(db: Db, unitId: number, from: string, to: string): Promise<Calendar> {
  const [hours, closed] = await Promise.all([openingHours(db, unitId), closedDays(db, unitId, from, to)]);
  return { hours, closed: new Set(closed.map((d) => d.date)) };
}

export function isOpen(day: string, calendar: Calendar): boolean {
  const hours = calendar.hours[isoWeekday(day)];
  return hours !== null && hours !== undefined && !calendar.closed.has(day);
}

/** The days the unit is open from `from` to `to`, both included. */
export function openDays(from: string, to: string, calendar: Calendar): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) if (isOpen(day, calendar)) days.push(day);
  return days;
}

/** The first open day after `day` ("i morgon", or Monday after a Friday), within `lastDay`. */
export function nextOpenDay(day: string, calendar: Calendar, lastDay: string): string | undefined {
  for (let next = addDays(day, 1); next <= lastDay; next = addDays(next, 1)) if (isOpen(next, calendar)) return next;
  return undefined;
}
