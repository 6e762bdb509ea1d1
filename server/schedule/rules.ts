// Care-time rules: which days a user may still change and why not, reading the week, staff comment and standard week
// forms, and the hours a placement allows. Pure functions: the use cases load the facts, these decide.
import { addDays, addMonths, isDate, isoWeek, isoWeekday, minutesOf, mondayOf } from '../kernel/dates.ts';
import type { FieldError, FieldErrors } from '../kernel/forms.ts';
import type { Hours } from '../settings/rules.ts';
import type { HourLimit } from '../../db/schema.ts';
import type { ChildCare, StandardSchedule } from './queries.ts';
import { isOpen, type Calendar } from '../settings/calendar.ts';

export const MAX_COMMENT = 300;
export const MAX_REPEAT_WEEKS = 52;

/** One day's care: times, or "Ledig" (day off), or nothing registered; with the guardian's comment. */
export interface DayValue { starts: string | null; ends: string | null; dayOff: boolean; comment: string | null }

export const EMPTY_DAY: DayValue = { starts: null, ends: null, dayOff: false, comment: null };

/** Whether a value says something about the day: times or "Ledig" (a comment alone does not register the day). */
export function registers(v: Pick<DayValue, 'starts' | 'dayOff'>): boolean {
  return v.dayOff || v.starts !== null;
}

export function sameTimes(a: DayValue, b: DayValue): boolean {
  return a.dayOff === b.dayOff && (a.dayOff || (a.starts === b.starts && a.ends === b.ends));
}

export function sameDay(a: DayValue, b: DayValue): boolean {
  return sameTimes(a, b) && (a.comment ?? '') === (b.comment ?? '');
}

// ---------------------------------------------------------------------------------------------------------------------
// Which days may be changed, and why not

/** Why a day cannot be changed (or 'open' when it can). The order is the order they are checked in. */
export type DayState = 'open' | 'past' | 'no-placement' | 'closed' | 'too-far' | 'locked' | 'cutoff';

export interface ChangeRules {
  today: string;
  /** The clock time in Stockholm, HH:MM. */
  now: string;
  calendar: Calendar;
  placement: { startDate: string; endDate: string | null };
  /** From the unit settings: the days after today a guardian can no longer change (0: none). */
  lockDays: number;
  /** How far ahead times can be registered, in months. */
  planAheadMonths: number;
  /** From the group's settings: changes are taken only until this time (HH:MM) the day before. */
  cutoff: string | null;
  /** Guardians are held to the lock window and the cut-off; staff registering on their behalf are not. */
  asGuardian: boolean;
}

let lastBookable = { today: '', months: Number.NaN, day: '' };

/** The last day times can be registered for (asked for every day a page shows: the last answer is kept). */
export function lastBookableDay(rules: Pick<ChangeRules, 'today' | 'planAheadMonths'>): string {
  if (rules.today !== lastBookable.today || rules.planAheadMonths !== lastBookable.months) {
    lastBookable = { today: rules.today, months: rules.planAheadMonths, day: addMonths(rules.today, rules.planAheadMonths) };
  }
  return lastBookable.day;
}

export function dayState(date: string, rules: ChangeRules): DayState {
  if (date < rules.today) return 'past';
  if (date < rules.placement.startDate || (rules.placement.endDate !== null && date > rules.placement.endDate)) return 'no-placement';
  if (!isOpen(date, rules.calendar)) return 'closed';
  if (date > lastBookableDay(rules)) return 'too-far';
  if (!rules.asGuardian) return 'open';
  if (date > rules.today && date <= addDays(rules.today, rules.lockDays)) return 'locked';
  if (rules.cutoff !== null && !beforeCutoff(date, rules.today, rules.now, rules.cutoff)) return 'cutoff';
  return 'open';
}

/** A change for `date` is on time if made before `cutoff` (HH:MM, Stockholm) on the day before. */
export function beforeCutoff(date: string, today: string, now: string, cutoff: string): boolean {
  const dayBefore = addDays(date, -1);
  return today < dayBefore || (today === dayBefore && now < cutoff);
}

/** The days of a week that are locked for a guardian by the lock window and by the cut-off, for the sentence above the form. */
export function lockedDays(days: string[], rules: ChangeRules): { window: string[]; cutoff: string[] } {
  const window: string[] = [];
  const cutoff: string[] = [];
  for (const day of days) {
    const state = dayState(day, rules);
    if (state === 'locked') window.push(day);
    if (state === 'cutoff') cutoff.push(day);
  }
  return { window, cutoff };
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading the form

/** "7:30", "07.30" and "0730" as "07:30"; undefined when it is no time of day. */
export function normaliseTime(raw: string): string | undefined {
  const m = /^([01]?\d|2[0-3])[:.]?([0-5]\d)$/.exec(raw.trim());
  return m ? `${m[1].padStart(2, '0')}:${m[2]}` : undefined;
}

/**
 * One day of the form: times within the day's opening hours, end after start, or "Ledig"; both times empty clears
 * the day. Errors are keyed by the field they belong to (`starts_<date>`...).
 */
export function parseDay(
  raw: { starts: string; ends: string; dayOff: boolean; comment: string }, date: string, hours: Hours, errors: FieldErrors,
): DayValue | undefined {
  const comment = raw.comment.trim().replace(/\s+/g, ' ');
  const before = Object.keys(errors).length;
  if (comment.length > MAX_COMMENT) errors[`comment_${date}`] = { key: 'schedule.errors.commentTooLong', params: { max: MAX_COMMENT } };
  if (raw.dayOff) {
    return Object.keys(errors).length > before ? undefined : { starts: null, ends: null, dayOff: true, comment: comment || null };
  }
  const startsRaw = raw.starts.trim();
  const endsRaw = raw.ends.trim();
  if (!startsRaw && !endsRaw) return Object.keys(errors).length > before ? undefined : { ...EMPTY_DAY, comment: comment || null };
  const starts = normaliseTime(startsRaw);
  const ends = normaliseTime(endsRaw);
  if (!startsRaw) errors[`starts_${date}`] = { key: 'schedule.errors.startsMissing' };
  else if (!starts) errors[`starts_${date}`] = { key: 'schedule.errors.timeFormat' };
  if (!endsRaw) errors[`ends_${date}`] = { key: 'schedule.errors.endsMissing' };
  else if (!ends) errors[`ends_${date}`] = { key: 'schedule.errors.timeFormat' };
  if (starts && ends && ends <= starts) errors[`ends_${date}`] = { key: 'schedule.errors.endsBeforeStarts' };
  if (hours && starts && starts < hours.opens) errors[`starts_${date}`] = { key: 'schedule.errors.beforeOpening', params: { time: hours.opens } };
  if (hours && ends && ends > hours.closes) errors[`ends_${date}`] = { key: 'schedule.errors.afterClosing', params: { time: hours.closes } };
  if (Object.keys(errors).length > before || !starts || !ends) return undefined;
  return { starts, ends, dayOff: false, comment: comment || null };
}

// ---------------------------------------------------------------------------------------------------------------------
// Hours

/** Minutes of care a day's value books. */
export function careMinutes(v: DayValue | null | undefined): number {
  if (!v || v.dayOff || v.starts === null || v.ends === null) return 0;
  return Math.max(0, minutesOf(v.ends) - minutesOf(v.starts));
}

export interface LimitPeriod { limit: Exclude<HourLimit, 'none'>; hours: number; from: string; to: string }

/** The period a placement's hour limit counts over for a day: its ISO week, or its calendar year. */
export function limitPeriod(limit: HourLimit, date: string): LimitPeriod | undefined {
  if (limit === '15h_week') return { limit, hours: 15, from: mondayOf(date), to: addDays(mondayOf(date), 6) };
  if (limit === '525h_year') return { limit, hours: 525, from: `${date.slice(0, 4)}-01-01`, to: `${date.slice(0, 4)}-12-31` };
  return undefined;
}

const hourFormats = new Map<string, Intl.NumberFormat>();

/** "12,5" in Swedish, "12.5" in English: hours with at most one decimal (one kept formatter per locale). */
export function hoursText(minutes: number, locale: string): string {
  let format = hourFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    hourFormats.set(locale, format);
  }
  return format.format(minutes / 60);
}

/** Days of a standard schedule: the weekday (1–7) to its value. */
export type WeekPattern = Map<number, DayValue>;

/** Whether a day is one the unit opens and the placement covers, so that a standard schedule fills it. */
export function standardApplies(date: string, calendar: Calendar, placement: { startDate: string; endDate: string | null }): boolean {
  return isOpen(date, calendar) && date >= placement.startDate && (placement.endDate === null || date <= placement.endDate);
}

/** The standard schedule in force on `date` (schedules sorted by validFrom). */
export function scheduleOn(schedules: StandardSchedule[], date: string): StandardSchedule | undefined {
  let found: StandardSchedule | undefined;
  for (const s of schedules) if (s.validFrom <= date) found = s;
  return found;
}

/** The standard value for a day, when a standard schedule covers it, the unit is open and the placement covers it. */
export function standardOn(care: ChildCare, date: string): DayValue | undefined {
  if (!standardApplies(date, care.calendar, care.placement)) return undefined;
  return scheduleOn(care.schedules, date)?.days.get(isoWeekday(date));
}

/** What a day books: its registration (or a change about to be saved) when it registers anything, else the standard day. */
export function effectiveOn(care: ChildCare, date: string, changed?: ReadonlyMap<string, DayValue>): DayValue | undefined {
  const own = changed?.get(date) ?? care.registered.get(date);
  if (own && registers(own)) return own;
  return standardOn(care, date);
}

/** The rules for one user changing one child's days. */
export function changeRules(care: ChildCare, at: { today: string; now: string }, asGuardian: boolean): ChangeRules {
  return {
    today: at.today, now: at.now, calendar: care.calendar, placement: care.placement, lockDays: care.rules.lockDays,
    planAheadMonths: care.rules.planAheadMonths, cutoff: care.cutoff, asGuardian,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The week form: what the user typed, what the form was opened with, and what is to be written

/** A day as typed in the form. */
export interface RawDay { starts: string; ends: string; dayOff: boolean; comment: string }

/** A day as the form showed it when opened, with the version it had (hidden field `was_<date>`). */
export interface WasDay extends RawDay { version: number; conflict: boolean }

export function rawOf(value: DayValue | undefined, comment: string | null): RawDay {
  return { starts: value?.dayOff ? '' : value?.starts ?? '', ends: value?.dayOff ? '' : value?.ends ?? '', dayOff: value?.dayOff ?? false, comment: comment ?? '' };
}

export function wasText(raw: RawDay, version: number, conflict = false): string {
  return JSON.stringify({ s: raw.starts, e: raw.ends, o: raw.dayOff ? 1 : 0, c: raw.comment, v: version, ...(conflict ? { x: 1 } : {}) });
}

/** Reads `was_<date>`; a missing or broken one reads as an empty day never saved (version 0). */
export function parseWas(text: string): WasDay {
  try {
    const w = JSON.parse(text) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      starts: str(w.s), ends: str(w.e), dayOff: w.o === 1, comment: str(w.c),
      version: Number.isSafeInteger(w.v) && (w.v as number) >= 0 ? (w.v as number) : 0, conflict: w.x === 1,
    };
  } catch {
    return { starts: '', ends: '', dayOff: false, comment: '', version: 0, conflict: false };
  }
}

/** The day's fields as posted, or undefined when the form had none for it (a day shown without fields). */
export function postedDay(form: (name: string) => string, has: (name: string) => boolean, date: string): RawDay | undefined {
  const names = [`starts_${date}`, `ends_${date}`, `comment_${date}`, `off_${date}`];
  if (!names.some(has)) return undefined;
  return { starts: form(`starts_${date}`), ends: form(`ends_${date}`), dayOff: form(`off_${date}`) === 'yes', comment: form(`comment_${date}`) };
}

function comparable(raw: RawDay): string {
  const time = (t: string) => normaliseTime(t) ?? t.trim();
  return JSON.stringify(raw.dayOff ? ['off', raw.comment.trim().replace(/\s+/g, ' ')]
    : [time(raw.starts), time(raw.ends), raw.comment.trim().replace(/\s+/g, ' ')]);
}

/** Whether the user changed the day: what was posted differs from what the form showed. */
export function touched(raw: RawDay, was: RawDay): boolean {
  return comparable(raw) !== comparable(was);
}

export interface WeekPlan {
  errors: FieldErrors;
  /** The days the user changed, with the version the form saw. */
  changes: Map<string, { value: DayValue; version: number }>;
  /** The week to repeat or copy: the changed days and the days already registered. */
  pattern: Map<string, DayValue>;
  /** What to show in the fields again (what the user typed, the whole-week times filled in). */
  inputs: Map<string, RawDay>;
  /** Days where the user chose to keep the other person's version. */
  keptTheirs: Set<string>;
  /** "Hela veckan" when filled in: its times, the days it was laid on, and the days that kept the times typed for them. */
  whole: WholeWeek | undefined;
}

export interface WholeWeek { starts: string; ends: string; applied: string[]; kept: string[] }

/** Whether the user typed other times into the day's own fields than the form showed (a comment or "Ledig" aside). */
export function timesTouched(raw: RawDay, was: RawDay): boolean {
  const time = (t: string) => normaliseTime(t) ?? t.trim();
  return time(raw.starts) !== time(was.starts) || time(raw.ends) !== time(was.ends);
}

/**
 * Reads the week form. Only the days the user changed are written; a changed day must be one the user may change
 * (else an error at the day), hold valid times inside the opening hours, and say which version to keep if it came
 * back as a conflict. "Hela veckan" times fill every day the user may change that is not ticked "Ledig" and whose
 * own times the user left as they were: a day whose times were changed by hand in the same form keeps them.
 */
export function planWeek(form: (name: string) => string, has: (name: string) => boolean, days: string[], care: ChildCare, rules: ChangeRules): WeekPlan {
  const errors: FieldErrors = {};
  const changes: WeekPlan['changes'] = new Map();
  const pattern = new Map<string, DayValue>();
  const inputs = new Map<string, RawDay>();
  const keptTheirs = new Set<string>();

  const wholeStarts = form('week_starts').trim();
  const wholeEnds = form('week_ends').trim();
  let whole: { starts: string; ends: string } | undefined;
  if (wholeStarts || wholeEnds) {
    const starts = normaliseTime(wholeStarts);
    const ends = normaliseTime(wholeEnds);
    if (!starts) errors.week_starts = { key: wholeStarts ? 'schedule.errors.timeFormat' : 'schedule.errors.startsMissing' };
    if (!ends) errors.week_ends = { key: wholeEnds ? 'schedule.errors.timeFormat' : 'schedule.errors.endsMissing' };
    else if (starts && ends <= starts) errors.week_ends = { key: 'schedule.errors.endsBeforeStarts' };
    if (starts && ends && ends > starts) whole = { starts, ends };
  }
  const applied: string[] = [];
  const kept: string[] = [];

  for (const date of days) {
    const state = dayState(date, rules);
    let raw = postedDay(form, has, date);
    const registered = care.registered.get(date);
    if (registered && registers(registered)) pattern.set(date, registered);
    if (!raw) continue;
    const was = parseWas(form(`was_${date}`));
    if (whole && state === 'open' && !raw.dayOff) {
      const sameAsWhole = normaliseTime(raw.starts) === whole.starts && normaliseTime(raw.ends) === whole.ends;
      if (timesTouched(raw, was) && !sameAsWhole) {
        kept.push(date);
      } else {
        raw = { ...raw, starts: whole.starts, ends: whole.ends };
        applied.push(date);
      }
    }
    inputs.set(date, raw);
    if (!touched(raw, was)) continue;
    const keep = form(`keep_${date}`);
    if (was.conflict && keep !== 'mine' && keep !== 'theirs') {
      errors[`keep_${date}`] = { key: 'schedule.errors.conflictChoice', dates: { date } };
      continue;
    }
    if (was.conflict && keep === 'theirs') {
      keptTheirs.add(date);
      continue;
    }
    if (state !== 'open') {
      errors[`day_${date}`] = stateError(state, rules);
      continue;
    }
    // A comment on a day that shows standard times leaves the times to the standard: only the comment is registered.
    const commentOnly = !(registered && registers(registered)) && !touched({ ...raw, comment: '' }, { ...was, comment: '' });
    const value = parseDay(commentOnly ? { ...raw, starts: '', ends: '', dayOff: false } : raw, date, rules.calendar.hours[isoWeekday(date)] ?? null, errors);
    if (!value) continue;
    changes.set(date, { value, version: was.version });
    if (registers(value) || registered) pattern.set(date, value);
  }
  const mine = (date: string) => !keptTheirs.has(date);
  return { errors, changes, pattern, inputs, keptTheirs, whole: whole && { ...whole, applied: applied.filter(mine), kept: kept.filter(mine) } };
}

/** The message for a change refused by the day's state. */
export function stateError(state: Exclude<DayState, 'open'>, rules: Pick<ChangeRules, 'cutoff' | 'today' | 'planAheadMonths'>): FieldError {
  switch (state) {
    case 'past': return { key: 'schedule.errors.past' };
    case 'no-placement': return { key: 'schedule.errors.noPlacement' };
    case 'closed': return { key: 'schedule.errors.closed' };
    case 'too-far': return { key: 'schedule.errors.tooFar', dates: { date: lastBookableDay(rules) } };
    case 'locked': return { key: 'schedule.errors.locked' };
    case 'cutoff': return { key: 'schedule.errors.cutoff', params: { time: rules.cutoff ?? '' } };
  }
}

function fitsHours(value: DayValue, hours: Hours): boolean {
  if (!registers(value) || value.dayOff) return true;
  return hours !== null && value.starts !== null && value.ends !== null && value.starts >= hours.opens && value.ends <= hours.closes;
}

/**
 * The week's pattern laid on `weeks` following weeks (times and "Ledig" only). Closed days and days outside the
 * placement are skipped; a day the user may not change refuses the whole repeat.
 */
export function repeatPattern(pattern: Map<string, DayValue>, weeks: number, rules: ChangeRules): { writes: Map<string, DayValue>; error?: FieldError } {
  const writes = new Map<string, DayValue>();
  for (let week = 1; week <= weeks; week++) {
    for (const [date, value] of pattern) {
      const target = addDays(date, 7 * week);
      const state = dayState(target, rules);
      if (state === 'closed' || state === 'no-placement') continue;
      if (state === 'too-far') return { writes, error: { key: 'schedule.errors.repeatTooFar', dates: { date: lastBookableDay(rules) } } };
      if (state !== 'open') return { writes, error: { key: 'schedule.errors.repeatLocked', dates: { date: target } } };
      if (!fitsHours(value, rules.calendar.hours[isoWeekday(target)] ?? null)) {
        return { writes, error: { key: 'schedule.errors.repeatHours', dates: { date: target } } };
      }
      writes.set(target, value);
    }
  }
  return { writes };
}

/**
 * The same days for a sibling, under the sibling's own rules. Closed days, days outside its placement and days that
 * already book the same are skipped; a day the user may not change for the sibling refuses the copy.
 */
export function copyToSibling(days: Map<string, DayValue>, name: string, care: ChildCare, rules: ChangeRules): { writes: Map<string, DayValue>; error?: FieldError } {
  const writes = new Map<string, DayValue>();
  for (const [date, value] of days) {
    const state = dayState(date, rules);
    if (state === 'closed' || state === 'no-placement') continue;
    const current = effectiveOn(care, date);
    if (current && registers(value) && sameTimes(current, value)) continue;
    const own = care.registered.get(date);
    if (!registers(value) && !(own && registers(own))) continue; // nothing registered there to clear
    if (state !== 'open') return { writes, error: { key: 'schedule.errors.siblingDay', params: { name }, dates: { date } } };
    if (!fitsHours(value, rules.calendar.hours[isoWeekday(date)] ?? null)) {
      return { writes, error: { key: 'schedule.errors.siblingHours', params: { name }, dates: { date } } };
    }
    writes.set(date, value);
  }
  return { writes };
}

/**
 * The first day a new standard schedule can apply from: for a guardian, the first day after the lock window that the
 * cut-off still takes; for staff, today.
 */
export function firstStandardDay(rules: ChangeRules): string {
  if (!rules.asGuardian) return rules.today;
  let day = rules.lockDays > 0 ? addDays(rules.today, rules.lockDays + 1) : rules.today;
  while (rules.cutoff !== null && !beforeCutoff(day, rules.today, rules.now, rules.cutoff)) day = addDays(day, 1);
  return day;
}

export interface Usage { period: LimitPeriod; minutes: number }

/**
 * Minutes booked in a period, with the changes about to be saved: each registered day, and the standard schedule's
 * days. For a yearly limit only the standard days that have passed count: the rest of the year is not booked yet
 * (a standard week is held to the weekly share instead, see STANDARD_WEEK_LIMIT).
 */
export function usage(care: ChildCare, period: LimitPeriod, today: string, changed?: ReadonlyMap<string, DayValue>): Usage {
  let minutes = 0;
  for (let day = period.from; day <= period.to; day = addDays(day, 1)) {
    const own = changed?.get(day) ?? care.registered.get(day);
    if (own && registers(own)) minutes += careMinutes(own);
    else if (period.limit === '15h_week' || day < today) minutes += careMinutes(standardOn(care, day));
  }
  return { period, minutes };
}

/** Hours a standard week may hold under a limit: 15 a week, and for 525 a year its share over 35 weeks, also 15. */
export const STANDARD_WEEK_LIMIT = 15;

/**
 * The first period (a week, or a year) in which the changes book more than the placement allows, and more than before
 * (so a change that lowers an already too full week is never refused).
 */
export function overLimit(care: ChildCare, changed: ReadonlyMap<string, DayValue>, today: string): { before: Usage; after: Usage } | undefined {
  const seen = new Set<string>();
  for (const date of [...changed.keys()].sort()) {
    const period = limitPeriod(care.placement.hourLimit, date);
    if (!period || seen.has(period.from)) continue;
    seen.add(period.from);
    const after = usage(care, period, today, changed);
    if (after.minutes <= period.hours * 60) continue;
    const before = usage(care, period, today);
    if (after.minutes > before.minutes) return { before, after };
  }
  return undefined;
}

/** The message for changes that book more than the placement allows: the week, a repeated week, or the year. */
export function overLimitError(over: { after: Usage }, monday: string, locale: string): FieldError {
  const { period, minutes } = over.after;
  const used = hoursText(minutes, locale);
  if (period.limit === '525h_year') return { key: 'schedule.errors.overYear', params: { used, limit: period.hours, year: period.from.slice(0, 4) } };
  if (period.from === monday) return { key: 'schedule.errors.overWeek', params: { used, limit: period.hours } };
  return { key: 'schedule.errors.overWeekRepeat', params: { used, limit: period.hours, week: isoWeek(period.from).week } };
}

/** "Upprepa" and its number of weeks: 0 when not ticked; 1 to MAX_REPEAT_WEEKS, else an error at the field. */
export function parseRepeat(repeat: string, weeksRaw: string): { weeks: number; error?: FieldError } {
  if (repeat !== 'yes') return { weeks: 0 };
  const raw = weeksRaw.trim();
  const weeks = Number(raw);
  if (!/^\d{1,2}$/.test(raw) || weeks < 1 || weeks > MAX_REPEAT_WEEKS) {
    return { weeks: 0, error: { key: 'schedule.errors.repeatWeeks', params: { max: MAX_REPEAT_WEEKS } } };
  }
  return { weeks };
}

// ---------------------------------------------------------------------------------------------------------------------
// The staff's comment on a day

/** The staff's comment as it is saved: spaces collapsed; empty removes the comment. */
export interface StaffComment { date: string; text: string }

/** A day of the placement, no further ahead than two years, and a comment of at most MAX_COMMENT characters. */
export function parseStaffComment(
  raw: { date: string; text: string }, placement: { startDate: string; endDate: string | null }, today: string,
): { comment: StaffComment; errors: FieldErrors } {
  const date = raw.date.trim();
  const text = raw.text.trim().replace(/\s+/g, ' ');
  const errors: FieldErrors = {};
  const lastDay = lastBookableDay({ today, planAheadMonths: 24 });
  if (!date) errors.comment_date = { key: 'schedule.errors.dateMissing' };
  else if (!isDate(date)) errors.comment_date = { key: 'schedule.errors.dateFormat' };
  else if (date < placement.startDate || (placement.endDate !== null && date > placement.endDate)) errors.comment_date = { key: 'schedule.errors.noPlacement' };
  else if (date > lastDay) errors.comment_date = { key: 'schedule.errors.tooFar', dates: { date: lastDay } };
  if (text.length > MAX_COMMENT) errors.staff_comment = { key: 'schedule.errors.commentTooLong', params: { max: MAX_COMMENT } };
  return { comment: { date, text }, errors };
}

// ---------------------------------------------------------------------------------------------------------------------
// The standard week form

/** A standard week as typed: each open weekday's fields, and the day it starts from (empty: the earliest). */
export interface RawStandardWeek { days: Map<number, Omit<RawDay, 'comment'>>; validFrom: string }

/**
 * The standard week form: valid times within each weekday's opening hours (or "Ledig"), a first day from `earliest`
 * to the last bookable day, and for a placement with an hour limit at most STANDARD_WEEK_LIMIT hours.
 */
export function parseStandardWeek(
  raw: RawStandardWeek, limits: { hours: Record<number, Hours>; earliest: string; lastDay: string; hourLimit: HourLimit; locale: string },
): { days: WeekPattern; validFrom: string; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const days: WeekPattern = new Map();
  for (const [weekday, day] of raw.days) {
    const value = parseDay({ ...day, comment: '' }, String(weekday), limits.hours[weekday] ?? null, errors);
    if (value && registers(value)) days.set(weekday, value);
  }
  const validFrom = raw.validFrom.trim() || limits.earliest;
  if (!isDate(validFrom)) errors.valid_from = { key: 'schedule.errors.dateFormat' };
  else if (validFrom < limits.earliest) errors.valid_from = { key: 'schedule.errors.validFromEarly', dates: { date: limits.earliest } };
  else if (validFrom > limits.lastDay) errors.valid_from = { key: 'schedule.errors.tooFar', dates: { date: limits.lastDay } };
  const minutes = [...days.values()].reduce((sum, v) => sum + careMinutes(v), 0);
  if (limits.hourLimit !== 'none' && minutes > STANDARD_WEEK_LIMIT * 60) {
    errors.hours = { key: 'schedule.errors.standardOverWeek', params: { used: hoursText(minutes, limits.locale), limit: STANDARD_WEEK_LIMIT } };
  }
  return { days, validFrom, errors };
}
