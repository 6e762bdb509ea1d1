// Absence rules: which days a report covers, what a guardian may report, when a report can still be cancelled, and
// what school staff may mark as unreported. Absence is never locked: it can be reported for today and any later day
// within the unit's "how far ahead".
import { addDays, isDate, isTime } from '../kernel/dates.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';

export const MAX_COMMENT = 300;

export interface AbsenceRequest { from: string; to: string; starts: string | null; ends: string | null; comment: string | null }

/** Reads the absence form: `when` is today, next (the next open day) or range (from–to); a school may take part of a day. */
export function parseAbsence(form: (name: string) => string, context: {
  today: string; next: string | undefined; lastDay: string; partOfDayAllowed: boolean;
}): Parsed<AbsenceRequest> {
  const errors: FieldErrors = {};
  const when = form('when');
  let from = form('from').trim();
  let to = form('to').trim() || from;
  if (when === 'today') from = to = context.today;
  else if (when === 'next') from = to = context.next ?? '';
  else {
    if (!from) errors.from = { key: 'absence.errors.fromMissing' };
    else if (!isDate(from)) errors.from = { key: 'absence.errors.dateFormat' };
    else if (from < context.today) errors.from = { key: 'absence.errors.past' };
    if (!errors.from && !isDate(to)) errors.to = { key: 'absence.errors.dateFormat' };
    else if (!errors.from && to < from) errors.to = { key: 'absence.errors.toBeforeFrom' };
  }
  if (!errors.from && !errors.to && to > context.lastDay) errors[when === 'range' || !when ? 'to' : 'from'] = { key: 'absence.errors.tooFar' };
  if (!from && !errors.from && !errors.to) errors.from = { key: 'absence.errors.noOpenDay' };

  const partOfDay = form('part') === 'yes';
  let starts: string | null = null;
  let ends: string | null = null;
  if (partOfDay && context.partOfDayAllowed) {
    starts = form('starts').trim();
    ends = form('ends').trim();
    if (!isTime(starts)) errors.starts = { key: 'absence.errors.timeFormat' };
    if (!isTime(ends)) errors.ends = { key: 'absence.errors.timeFormat' };
    else if (isTime(starts) && ends <= starts) errors.ends = { key: 'absence.errors.endsBeforeStarts' };
    if (from !== to) errors.to = { key: 'absence.errors.partOneDay' };
  }
  const comment = form('comment').trim();
  if (comment.length > MAX_COMMENT) errors.comment = { key: 'absence.errors.commentTooLong' };
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { from, to, starts, ends, comment: comment || null } };
}

/** A report can be cancelled until it has started: a later day, or a part of today that begins later. */
export function cancellable(absence: { date: string; starts: string | null }, today: string, nowTime: string): boolean {
  if (absence.date > today) return true;
  return absence.date === today && absence.starts !== null && absence.starts > nowTime;
}

/** Minutes in which the one who reported absence may undo the report with "Ångra". */
export const UNDO_REPORT_MINUTES = 10;

/**
 * What the user can do with a report in the lists: "Ta bort" until it has started; a guardian's report of today that
 * has started, "Ta tillbaka" until the child is checked in (then nothing, and the list says why); a school's mark, nothing.
 */
export function reportAction(absence: { date: string; starts: string | null; kind: string }, today: string, nowTime: string, arrivedToday: boolean):
  'cancel' | 'withdraw' | 'checked-in' | null {
  if (absence.kind !== 'reported') return null;
  if (cancellable(absence, today, nowTime)) return 'cancel';
  if (absence.date !== today) return null;
  return arrivedToday ? 'checked-in' : 'withdraw';
}

/** A guardian's answer to the school about an unreported absence: some text, at most MAX_COMMENT characters. */
export function parseAnswer(raw: string): Parsed<string> {
  const answer = raw.trim();
  if (!answer) return { ok: false, errors: { answer: { key: 'absence.answer.errors.missing' } } };
  if (answer.length > MAX_COMMENT) return { ok: false, errors: { answer: { key: 'absence.answer.errors.tooLong' } } };
  return { ok: true, value: answer };
}

/** Minutes an SMS about a mark of unreported absence waits before it is sent: until then the mark can be undone. */
export const UNREPORTED_SMS_DELAY_MINUTES = 5;

/** How many days back staff may still mark an absence as unreported. */
export const UNREPORTED_DAYS_BACK = 7;

export interface UnreportedRequest { date: string; from: string | null; to: string | null }

/**
 * Reads the form for marking an absence as unreported: `date` (YYYY-MM-DD, empty for today; today or up to a week
 * back) and, for part of the day, `from` and `to` (HH:MM, from before to; today not starting later than now).
 */
export function parseUnreported(form: (name: string) => string, context: { today: string; now: string }): Parsed<UnreportedRequest> {
  const errors: FieldErrors = {};
  const date = form('date').trim() || context.today;
  if (!isDate(date)) errors.date = { key: 'unreportedAbsence.errors.dateFormat' };
  else if (date > context.today) errors.date = { key: 'unreportedAbsence.errors.future' };
  else if (date < addDays(context.today, -UNREPORTED_DAYS_BACK)) errors.date = { key: 'unreportedAbsence.errors.tooOld' };
  const from = form('from').trim();
  const to = form('to').trim();
  if (from || to) {
    if (!from) errors.from = { key: 'unreportedAbsence.errors.fromMissing' };
    else if (!isTime(from)) errors.from = { key: 'unreportedAbsence.errors.timeFormat' };
    else if (date === context.today && from > context.now) errors.from = { key: 'unreportedAbsence.errors.notYet' };
    if (!to) errors.to = { key: 'unreportedAbsence.errors.toMissing' };
    else if (!isTime(to)) errors.to = { key: 'unreportedAbsence.errors.timeFormat' };
    else if (isTime(from) && to <= from) errors.to = { key: 'unreportedAbsence.errors.toBeforeFrom' };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { date, from: from || null, to: to || null } };
}
