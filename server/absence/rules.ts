// Absence rules: which days a report covers, what a guardian may report, and when a report can still be cancelled.
// Absence is never locked: it can be reported for today and any later day within the unit's "how far ahead".
import { isDate, isTime } from '../kernel/dates.ts';

export const MAX_COMMENT = 300;

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
