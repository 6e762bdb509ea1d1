// The rules of a same-day note: what a posted note must say, by kind. A note is for today only (the app clock's day
// in Europe/Stockholm); it shows on the group's Today until midnight and is gone the next day by itself.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import { isTime } from '../kernel/dates.ts';

export const DAY_NOTE_KINDS = ['late', 'early', 'other-pickup', 'walks-home'] as const;
export type DayNoteKind = (typeof DAY_NOTE_KINDS)[number];

/** The minutes offered as one tap ("Vi blir sena ca 15 min"); any whole number 1–240 may be typed. */
export const LATE_MINUTES = [10, 15, 30, 45, 60] as const;
export const MAX_LATE_MINUTES = 240;
export const MAX_NAME_LENGTH = 80;

export interface NewDayNote {
  kind: DayNoteKind; minutes: number | null; atTime: string | null; pickupName: string | null; pickupPersonId: number | null;
}

/** What the form is checked against: the day and time now, the child's pickup list, whether "Går hem själv" is offered. */
export interface NoteContext {
  today: string; now: string;
  pickupList: readonly { id: number; name: string }[];
  walksHome: boolean;
}

export interface NoteForm { kind: string; date: string; minutes: string; time: string; pickupPerson: string; pickupName: string }

export function isDayNoteKind(kind: string): kind is DayNoteKind {
  return (DAY_NOTE_KINDS as readonly string[]).includes(kind);
}

/**
 * A posted note read by its rules: the kind; the day, when posted, must be today (a note for yesterday or tomorrow is
 * refused); "late" a whole number of minutes 1–240; "early" a time HH:MM later than now; "other-pickup" someone of the
 * pickup list (by id) or a typed name; "walks-home" only where it is offered.
 */
export function parseDayNote(form: NoteForm, context: NoteContext): Parsed<NewDayNote> {
  const errors: FieldErrors = {};
  const none = { minutes: null, atTime: null, pickupName: null, pickupPersonId: null };
  const date = form.date.trim();
  if (date && date !== context.today) errors.form = { key: 'dayNotes.errors.notToday', dates: { today: context.today } };
  const kind = form.kind;
  if (!isDayNoteKind(kind)) return { ok: false, errors: { ...errors, form: errors.form ?? { key: 'dayNotes.errors.kind' } } };
  let note: NewDayNote = { kind, ...none };
  if (kind === 'late') {
    const typed = form.minutes.trim();
    const minutes = /^\d{1,3}$/.test(typed) ? Number(typed) : NaN;
    if (!typed) errors.minutes = { key: 'dayNotes.errors.minutesMissing' };
    else if (!(minutes >= 1 && minutes <= MAX_LATE_MINUTES)) errors.minutes = { key: 'dayNotes.errors.minutes', params: { max: MAX_LATE_MINUTES } };
    else note = { ...note, minutes };
  } else if (kind === 'early') {
    const time = form.time.trim();
    if (!time) errors.time = { key: 'dayNotes.errors.timeMissing' };
    else if (!isTime(time)) errors.time = { key: 'dayNotes.errors.time' };
    else if (time <= context.now) errors.time = { key: 'dayNotes.errors.timePassed', params: { now: context.now } };
    else note = { ...note, atTime: time };
  } else if (kind === 'other-pickup') {
    const chosen = form.pickupPerson.trim();
    const typed = form.pickupName.trim().replace(/\s+/g, ' ');
    if (chosen) {
      const person = context.pickupList.find((p) => String(p.id) === chosen);
      if (!person) errors.pickupName = { key: 'dayNotes.errors.pickupPerson' };
      else note = { ...note, pickupName: person.name, pickupPersonId: person.id };
    } else if (!typed) errors.pickupName = { key: 'dayNotes.errors.pickupName' };
    else if (typed.length > MAX_NAME_LENGTH) errors.pickupName = { key: 'dayNotes.errors.pickupNameLong', params: { max: MAX_NAME_LENGTH } };
    else note = { ...note, pickupName: typed };
  } else if (!context.walksHome) {
    errors.form = errors.form ?? { key: 'dayNotes.errors.walksHome' };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: note };
}

/** A note as a badge says it: the catalogue key and its values ("Sen ca 20 min", "Hämtas 14:30"). */
export interface Badge { key: string; params: Record<string, string | number> }

export function badgeOf(note: { kind: DayNoteKind; minutes: number | null; atTime: string | null; pickupName: string | null }): Badge {
  switch (note.kind) {
    case 'late': return { key: 'dayNotes.badge.late', params: { minutes: note.minutes ?? 0 } };
    case 'early': return { key: 'dayNotes.badge.early', params: { time: note.atTime ?? '' } };
    case 'other-pickup': return { key: 'dayNotes.badge.otherPickup', params: { name: note.pickupName ?? '' } };
    case 'walks-home': return { key: 'dayNotes.badge.walksHome', params: {} };
  }
}
