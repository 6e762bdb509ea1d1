// Reporting absence from the forms (the start page's box and the absence page): the days asked for, on each child's
// open days, for the child and the siblings the user chose; cancelling a report that has not started; undoing one's own
// report of moments ago ("Ångra"); and withdrawing a report of today while the child has not come ("Ta tillbaka").
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import type { Actor } from '../kernel/policy.ts';
import { unitCalendar, openDays } from '../settings/calendar.ts';
import { absenceDays, reportableSiblings } from './context.ts';
import { hasArrivedOn } from '../attendance/queries.ts';
import { absenceById, cancelAbsence, reportAbsence, undoReport, type AbsenceItem } from './queries.ts';
import { cancellable, parseAbsence, UNDO_REPORT_MINUTES } from './rules.ts';

export interface ReportForm {
  actor: Actor;
  childId: number;
  /** Reads a field of the posted form. */
  form: (name: string) => string;
  /** The siblings the form names (ids as posted); only those the user may report for count. */
  siblings: readonly string[];
  by: number;
}

export type ReportOutcome = { ok: true; ids: number[] } | { ok: false; error: 'not-found' } | { ok: false; error: 'invalid'; errors: FieldErrors };

/** Reports what the form asks for, or says what was wrong with it; nothing is saved unless some open day is covered. */
export async function reportFromForm(db: Db, clock: Clock, r: ReportForm): Promise<ReportOutcome> {
  // The open days to check the report against; the siblings only when the form names some.
  const context = await absenceDays(db, clock, r.childId);
  if (!context) return { ok: false, error: 'not-found' };
  const parsed = parseAbsence(r.form, context);
  if (!parsed.ok) return { ok: false, error: 'invalid', errors: parsed.errors };
  const siblings = r.siblings.length ? await reportableSiblings(db, r.actor, context.child.id, context.today) : [];
  const children = [context.child, ...siblings.filter((s) => r.siblings.includes(String(s.id)))];
  const { from, to, starts, ends, comment } = parsed.value;
  const days: Record<number, string[]> = {};
  for (const child of children) {
    const calendar = child.unitId === context.child.unitId ? context.calendar : await unitCalendar(db, child.unitId, from, to);
    days[child.id] = openDays(from, to, calendar);
  }
  if (Object.values(days).every((d) => d.length === 0)) return { ok: false, error: 'invalid', errors: { from: { key: 'absence.errors.closed' } } };
  const ids = await reportAbsence(db, { childIds: children.map((c) => c.id), days, starts, ends, comment, kind: 'reported', by: r.by, now: clock.now() });
  return { ok: true, ids };
}

/** Cancels a report that has not started yet; undefined when there is none such (cancelled already, or started). */
export async function cancelReport(db: Db, clock: Clock, absenceId: number, by: number): Promise<AbsenceItem | undefined> {
  const absence = await absenceById(db, absenceId);
  if (!absence || !cancellable(absence, today(clock), stockholmTime(clock.now()))) return undefined;
  return (await cancelAbsence(db, absence, by, clock.now())) ? absence : undefined;
}

/** The moment from which a report can still be undone by the one who made it. */
export function undoSince(clock: Clock): Date {
  return new Date(clock.now().getTime() - UNDO_REPORT_MINUTES * 60_000);
}

/**
 * Undoes the user's own report of the last minutes: the absences posted by id, of the child and the siblings the user
 * may report for, made by this account (any other id is ignored). Returns what was taken back (none: too late).
 */
export async function undoOwnReport(db: Db, clock: Clock, u: { actor: Actor; childId: number; ids: readonly string[]; by: number }): Promise<AbsenceItem[]> {
  const ids = u.ids.filter((id) => /^[1-9]\d{0,9}$/.test(id)).map(Number);
  const siblings = await reportableSiblings(db, u.actor, u.childId, today(clock));
  return undoReport(db, { ids, childIds: [u.childId, ...siblings.map((s) => s.id)], by: u.by, since: undoSince(clock), now: clock.now() });
}

export type WithdrawOutcome = { ok: true; absence: AbsenceItem } | { ok: false; error: 'gone' | 'past' | 'checked-in'; absence?: AbsenceItem };

/**
 * A guardian takes back a reported absence of today (or a later day) while the child has not been checked in today.
 * Staff checking the child in at the same moment is no lost update: either the check-in comes first and this is
 * refused, or the absence is withdrawn and the check-in stands, as if the two had come one after the other.
 */
export async function withdrawReport(db: Db, clock: Clock, absenceId: number, by: number): Promise<WithdrawOutcome> {
  const absence = await absenceById(db, absenceId);
  if (absence?.kind !== 'reported') return { ok: false, error: 'gone' };
  const day = today(clock);
  if (absence.date < day) return { ok: false, error: 'past', absence };
  if (absence.date === day && (await hasArrivedOn(db, absence.childId, day))) return { ok: false, error: 'checked-in', absence };
  return (await cancelAbsence(db, absence, by, clock.now())) ? { ok: true, absence } : { ok: false, error: 'gone' };
}
