// Absence rules: which days a report covers, what a guardian may report, and when a report can still be cancelled.
// Absence is never locked: it can be reported for today and any later day within the unit's "how far ahead".
import type { Hours } from '../settings/rules.ts';
import { isDate, isTime } from '../settings/rules.ts';

export const MAX_COMMENT = 300;

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function addMonths(day: string, months: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export function isoWeekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
}

export interface Calendar { hours: Record<number, Hours>; closed: Set<string> }

export function isOpen(day: string, calendar: Calendar): boolean {
  return calendar.hours[isoWeekday(day)] !== null && calendar.hours[isoWeekday(day)] !== undefined && !calendar.closed.has(day);
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

export interface AbsenceRequest { from: string; to: string; starts: string | null; ends: string | null; comment: string | null }
export type AbsenceErrors = Record<string, string>;

/** Reads the absence form: `when` is today, next (the next open day) or range (from–to); a school may take part of a day. */
export function parseAbsence(form: (name: string) => string, context: {
  today: string; next: string | undefined; lastDay: string; partOfDayAllowed: boolean;
}): { ok: true; value: AbsenceRequest } | { ok: false; errors: AbsenceErrors } {
  const errors: AbsenceErrors = {};
  const when = form('when');
  let from = form('from').trim();
  let to = form('to').trim() || from;
  if (when === 'today') from = to = context.today;
  else if (when === 'next') from = to = context.next ?? '';
  else {
    if (!from) errors.from = 'absence.errors.fromMissing';
    else if (!isDate(from)) errors.from = 'absence.errors.dateFormat';
    else if (from < context.today) errors.from = 'absence.errors.past';
    if (!errors.from && !isDate(to)) errors.to = 'absence.errors.dateFormat';
    else if (!errors.from && to < from) errors.to = 'absence.errors.toBeforeFrom';
  }
  if (!errors.from && !errors.to && to > context.lastDay) errors[when === 'range' || !when ? 'to' : 'from'] = 'absence.errors.tooFar';
  if (!from && !errors.from && !errors.to) errors.from = 'absence.errors.noOpenDay';

  const partOfDay = form('part') === 'yes';
  let starts: string | null = null;
  let ends: string | null = null;
  if (partOfDay && context.partOfDayAllowed) {
    starts = form('starts').trim();
    ends = form('ends').trim();
    if (!isTime(starts)) errors.starts = 'absence.errors.timeFormat';
    if (!isTime(ends)) errors.ends = 'absence.errors.timeFormat';
    else if (isTime(starts) && ends <= starts) errors.ends = 'absence.errors.endsBeforeStarts';
    if (from !== to) errors.to = 'absence.errors.partOneDay';
  }
  const comment = form('comment').trim();
  if (comment.length > MAX_COMMENT) errors.comment = 'absence.errors.commentTooLong';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { from, to, starts, ends, comment: comment || null } };
}

/** A report can be cancelled until it has started: a later day, or a part of today that begins later. */
export function cancellable(absence: { date: string; starts: string | null }, today: string, nowTime: string): boolean {
  if (absence.date > today) return true;
  return absence.date === today && absence.starts !== null && absence.starts > nowTime;
}
