// Reporting absence from the forms (the start page's box and the absence page): the days asked for, on each child's
// open days, for the child and the siblings the user chose; and cancelling a report that has not started.
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import type { Actor } from '../kernel/policy.ts';
import { unitCalendar, openDays } from '../settings/calendar.ts';
import { absenceDays, reportableSiblings } from './context.ts';
import { absenceById, cancelAbsence, reportAbsence, type AbsenceItem } from './queries.ts';
import { cancellable, parseAbsence } from './rules.ts';

export interface ReportForm {
  actor: Actor;
  childId: number;
  /** Reads a field of the posted form. */
  form: (name: string) => string;
  /** The siblings the form names (ids as posted); only those the user may report for count. */
  siblings: readonly string[];
  by: number;
}

export type ReportOutcome = { ok: true } | { ok: false; error: 'not-found' } | { ok: false; error: 'invalid'; errors: FieldErrors };

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
  await reportAbsence(db, { childIds: children.map((c) => c.id), days, starts, ends, comment, kind: 'reported', by: r.by, now: clock.now() });
  return { ok: true };
}

/** Cancels a report that has not started yet; undefined when there is none such (cancelled already, or started). */
export async function cancelReport(db: Db, clock: Clock, absenceId: number, by: number): Promise<AbsenceItem | undefined> {
  const absence = await absenceById(db, absenceId);
  if (!absence || !cancellable(absence, today(clock), stockholmTime(clock.now()))) return undefined;
  return (await cancelAbsence(db, absence, by, clock.now())) ? absence : undefined;
}
