// The rules of the calendar: what a new event may say (a title, one day or a weekly repeat with an end, all day or a
// start and an end time, "ta med" items from a fixed list, a short note), and how a weekly event falls on days.
import { addDays, isDate, isoWeekday, isTime, minutesOf } from '../kernel/dates.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';

/** The "ta med" items an event may carry: a fixed list, so the tomorrow card and the feed can say them in any language. */
export const BRING_ITEMS = ['gymClothes', 'packedLunch', 'rainClothes', 'outing'] as const;
export type BringItem = (typeof BRING_ITEMS)[number];

export const TITLE_MAX_LENGTH = 120;
export const NOTE_MAX_LENGTH = 1000;
/** A weekly repeat ends within a year of its first day: a term's activity, not a standing rule. */
export const REPEAT_MAX_DAYS = 366;

export interface EventForm {
  title: string; note: string; date: string; allDay: boolean; startTime: string | null; endTime: string | null;
  repeatUntil: string | null; bring: BringItem[];
}

/**
 * What the edit form was opened on, as a short text sent back with the form: a change made by someone else meanwhile
 * (any stored field differs) makes the form's version stale, and the later save is refused instead of overwriting it.
 */
export function eventVersion(e: Pick<EventForm, 'title' | 'note' | 'date' | 'startTime' | 'endTime' | 'repeatUntil' | 'bring'>): string {
  const text = JSON.stringify([e.title, e.note, e.date, e.startTime, e.endTime, e.repeatUntil, [...e.bring].sort()]);
  let h = 0x811c9dc5; // FNV-1a over the UTF-16 units: a version, not a secret
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `${text.length.toString(36)}-${h.toString(36)}`;
}

export interface TypedEvent {
  title: string; note: string; date: string; allDay: string; startTime: string; endTime: string; repeat: string; repeatUntil: string;
  bring: string[];
}

/** Reads a typed event; each mistake is a message at its field, and nothing is saved. */
export function parseEvent(typed: TypedEvent, today: string): Parsed<EventForm> {
  const errors: FieldErrors = {};
  const title = typed.title.trim();
  const note = typed.note.trim();
  if (!title) errors.title = { key: 'calendar.errors.titleMissing' };
  else if (title.length > TITLE_MAX_LENGTH) errors.title = { key: 'calendar.errors.titleTooLong', params: { max: TITLE_MAX_LENGTH } };
  if (note.length > NOTE_MAX_LENGTH) errors.note = { key: 'calendar.errors.noteTooLong', params: { max: NOTE_MAX_LENGTH } };
  const date = typed.date.trim();
  if (!isDate(date)) errors.date = { key: 'calendar.errors.dateInvalid' };
  else if (date < addDays(today, -REPEAT_MAX_DAYS)) errors.date = { key: 'calendar.errors.datePast' };
  const allDay = typed.allDay === 'yes';
  const startTime = typed.startTime.trim();
  const endTime = typed.endTime.trim();
  if (!allDay) {
    if (!isTime(startTime)) errors.startTime = { key: 'calendar.errors.timeInvalid' };
    if (!isTime(endTime)) errors.endTime = { key: 'calendar.errors.timeInvalid' };
    else if (isTime(startTime) && minutesOf(endTime) <= minutesOf(startTime)) errors.endTime = { key: 'calendar.errors.endBeforeStart' };
  }
  const repeats = typed.repeat === 'weekly';
  const repeatUntil = typed.repeatUntil.trim();
  if (repeats && !errors.date) {
    if (!repeatUntil) errors.repeatUntil = { key: 'calendar.errors.repeatWithoutEnd' };
    else if (!isDate(repeatUntil)) errors.repeatUntil = { key: 'calendar.errors.dateInvalid' };
    else if (repeatUntil <= date) errors.repeatUntil = { key: 'calendar.errors.repeatEndsBeforeStart' };
    else if (repeatUntil > addDays(date, REPEAT_MAX_DAYS)) errors.repeatUntil = { key: 'calendar.errors.repeatTooLong' };
  }
  const bring = typed.bring.filter((b): b is BringItem => (BRING_ITEMS as readonly string[]).includes(b));
  if (bring.length !== typed.bring.length) errors.bring = { key: 'calendar.errors.bringUnknown' };
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      title, note, date, allDay, startTime: allDay ? null : startTime, endTime: allDay ? null : endTime,
      repeatUntil: repeats ? repeatUntil : null, bring: [...new Set(bring)],
    },
  };
}

/** The days from `from` to `to` (both included) an event falls on: its day, or every week on its weekday until its end. */
export function occurrenceDays(event: { date: string; repeatUntil: string | null }, from: string, to: string): string[] {
  const last = event.repeatUntil ?? event.date;
  if (last < from || event.date > to) return [];
  if (!event.repeatUntil) return [event.date];
  const days: string[] = [];
  let day = event.date;
  if (day < from) {
    const weeks = Math.ceil((Date.parse(`${from}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / (7 * 86_400_000));
    day = addDays(day, weeks * 7);
  }
  for (; day <= last && day <= to; day = addDays(day, 7)) days.push(day);
  return days;
}

/** The bring items stored as text, read back (an unknown key, from a later version, is left out). */
export function bringItems(stored: string): BringItem[] {
  return stored.split(',').filter((b): b is BringItem => (BRING_ITEMS as readonly string[]).includes(b));
}

/** A month as "2026-12": its first day, or undefined for a text that names no month. */
export function firstOfMonth(key: string): string | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(key);
  if (!m || Number(m[1]) < 2000 || Number(m[1]) > 2100 || Number(m[2]) < 1 || Number(m[2]) > 12) return undefined;
  return `${key}-01`;
}

/** The weeks (Monday first) that show a month: from the Monday on or before its first day to the Sunday on or after its last. */
export function monthGrid(first: string): string[][] {
  const start = addDays(first, 1 - isoWeekday(first));
  const next = new Date(`${first}T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const last = addDays(next.toISOString().slice(0, 10), -1);
  const weeks: string[][] = [];
  for (let monday = start; monday <= last; monday = addDays(monday, 7)) weeks.push([0, 1, 2, 3, 4, 5, 6].map((n) => addDays(monday, n)));
  return weeks;
}
