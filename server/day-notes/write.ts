// A guardian's same-day note: what the form offers for a child today (the pickup list, "Går hem själv" where the
// child is in fritids and a guardian allowed it), saving one for the child (and the siblings ticked), taking one back.
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import type { Actor } from '../kernel/policy.ts';
import { childSummary, childrenOfGuardian, placementsOn, type ChildSummary } from '../people/queries.ts';
import { mayWalkHome, pickupListOf } from '../pickup/today.ts';
import { addDayNotes, cancelDayNote, dayNoteById, dayNotesOn, type DayNote } from './queries.ts';
import { badgeOf, LATE_MINUTES, MAX_LATE_MINUTES, parseDayNote, type Badge, type NoteForm } from './rules.ts';

export interface DayNoteOptions {
  child: ChildSummary; today: string; now: string;
  /** The child's pickup list (its pickup persons, not the emergency contacts): one tap each for "Hämtas av". */
  pickupList: { id: number; name: string; relation: string }[];
  /** "Går hem själv" is offered: the child is placed in fritids today and a guardian allowed it. */
  walksHome: boolean;
  /** Today's notes of the child, not taken back, each with its words. */
  notes: (DayNote & { badge: Badge })[];
  lateMinutes: readonly number[]; maxLateMinutes: number;
  /** The user's other children placed today, for "Gäller även" (a guardian's note for siblings at once). */
  siblings: ChildSummary[];
}

/** What the note form for a child shows today; undefined when the child has no placement today. */
export async function dayNoteOptions(db: Db, clock: Clock, childOrId: number | ChildSummary, actor?: Actor): Promise<DayNoteOptions | undefined> {
  const day = today(clock);
  const child = typeof childOrId === 'number' ? await childSummary(db, childOrId, day) : childOrId;
  if (!child) return undefined;
  const [list, allowed, fritids, notes, mine] = await Promise.all([
    pickupListOf(db, child.id), mayWalkHome(db, child.id), placementsOn(db, [child.id], day, ['fritids']), dayNotesOn(db, [child.id], day),
    actor && actor.guardianOf.has(child.id) ? childrenOfGuardian(db, actor.personId, day) : Promise.resolve([]),
  ]);
  return {
    child, today: day, now: stockholmTime(clock.now()),
    pickupList: list.filter((p) => p.kind === 'pickup').map((p) => ({ id: p.id, name: p.name, relation: p.relation })),
    walksHome: allowed && fritids.length > 0, notes: (notes.get(child.id) ?? []).map((n) => ({ ...n, badge: badgeOf(n) })),
    lateMinutes: LATE_MINUTES, maxLateMinutes: MAX_LATE_MINUTES,
    siblings: mine.filter((c) => c.id !== child.id),
  };
}

export type WriteOutcome =
  | { ok: true; ids: number[] }
  | { ok: false; error: 'not-found' }
  | { ok: false; error: 'invalid'; errors: FieldErrors };

/**
 * Saves the note for the child and each sibling ticked. A sibling that is not the user's own child placed today is
 * not found (nothing saved, as for a child of someone else's); a form that breaks the rules saves nothing either.
 */
export async function writeDayNote(
  db: Db, clock: Clock, input: { actor: Actor; options: DayNoteOptions; form: NoteForm; siblings: readonly string[]; by: number },
): Promise<WriteOutcome> {
  const { options } = input;
  const siblingIds = [...new Set(input.siblings.filter((s) => s !== '').map(Number))].filter((id) => id !== options.child.id);
  if (siblingIds.some((id) => !Number.isInteger(id) || !options.siblings.some((c) => c.id === id))) return { ok: false, error: 'not-found' };
  const parsed = parseDayNote(input.form, options);
  if (!parsed.ok) return { ok: false, error: 'invalid', errors: parsed.errors };
  const note = parsed.value;
  const at = clock.now();
  // "Går hem själv" is each child's own guardians' yes: it is never written for a sibling.
  const children = note.kind === 'walks-home' ? [options.child.id] : [options.child.id, ...siblingIds];
  const ids = await addDayNotes(db, children, { ...note, date: options.today, by: input.by, at });
  return { ok: true, ids };
}

export type CancelOutcome = { ok: true; note: DayNote } | { ok: false; error: 'gone' | 'past'; note?: DayNote };

/** Takes a note back: today's only (one of a day gone by is gone from Today anyway). */
export async function cancelNote(db: Db, clock: Clock, dayNoteId: number, by: number): Promise<CancelOutcome> {
  const note = await dayNoteById(db, dayNoteId);
  if (!note) return { ok: false, error: 'gone' };
  if (note.date !== today(clock)) return { ok: false, error: 'past', note };
  await cancelDayNote(db, dayNoteId, by, clock.now());
  return { ok: true, note };
}
