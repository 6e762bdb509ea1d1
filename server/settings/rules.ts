// Validation of the unit settings forms: each rule broken gives a catalogue key at its field.
import { isDate, isTime, WEEKDAYS } from '../kernel/dates.ts';
import { hasErrors, type FieldErrors, type Parsed } from '../kernel/forms.ts';

/** The boxes ticked in the form, out of the start page's boxes `keys`; any other value is ignored. */
export function parseBoxes(chosen: string[], keys: readonly string[]): Record<string, boolean> {
  const on = new Set(chosen);
  return Object.fromEntries(keys.map((box) => [box, on.has(box)]));
}

/** A unit's opening hours on one weekday, or null when it is closed that weekday. */
export type Hours = { opens: string; closes: string } | null;

/** Opening hours per ISO weekday; a weekday with both fields empty is closed. */
export function parseOpeningHours(form: (name: string) => string): Parsed<Record<number, Hours>> {
  const errors: FieldErrors = {};
  const value: Record<number, Hours> = {};
  for (const day of WEEKDAYS) {
    const opens = form(`opens_${day}`).trim();
    const closes = form(`closes_${day}`).trim();
    if (!opens && !closes) {
      value[day] = null;
    } else if (!isTime(opens)) {
      errors[`opens_${day}`] = { key: opens ? 'settings.errors.timeFormat' : 'settings.errors.opensMissing' };
    } else if (!isTime(closes)) {
      errors[`closes_${day}`] = { key: closes ? 'settings.errors.timeFormat' : 'settings.errors.closesMissing' };
    } else if (closes <= opens) {
      errors[`closes_${day}`] = { key: 'settings.errors.closesBeforeOpens' };
    } else {
      value[day] = { opens, closes };
    }
  }
  return hasErrors(errors) ? { ok: false, errors } : { ok: true, value };
}

/** The weekdays whose new hours are shorter than before: opening later, closing earlier, or not opening at all. */
export function cutWeekdays(before: Record<number, Hours>, after: Record<number, Hours>): Set<number> {
  const cut = new Set<number>();
  for (const day of WEEKDAYS) {
    const was = before[day];
    const now = after[day];
    if (was && (!now || now.opens > was.opens || now.closes < was.closes)) cut.add(day);
  }
  return cut;
}

/** Whether care from `starts` to `ends` (HH:MM) falls outside the opening hours, or on a day the unit does not open. */
export function outsideHours(times: { starts: string; ends: string | null }, hours: Hours): boolean {
  if (!hours) return true;
  return times.starts < hours.opens || (times.ends !== null && times.ends > hours.closes);
}

export interface CareRules {
  lockDays: number; planAheadMonths: number; inviteDaysBefore: number; cutoffs: Map<number, string | null>;
}

// A type, not `as const`: mutation testing (stryker.config.mjs) skips everything that stands under an `as`.
const LIMITS: Record<string, readonly [min: number, max: number, message: string]> = {
  lock_days: [0, 60, 'settings.errors.lockDays'],
  plan_ahead_months: [1, 24, 'settings.errors.planAhead'],
  invite_days_before: [0, 90, 'settings.errors.inviteDays'],
};

export function parseCareRules(form: (name: string) => string, groupIds: number[]): Parsed<CareRules> {
  const errors: FieldErrors = {};
  const numbers: Record<string, number> = {};
  for (const [name, [min, max, message]] of Object.entries(LIMITS)) {
    const raw = form(name).trim();
    const n = Number(raw);
    if (!/^\d{1,3}$/.test(raw) || n < min || n > max) errors[name] = { key: message };
    else numbers[name] = n;
  }
  const cutoffs = new Map<number, string | null>();
  for (const id of groupIds) {
    const raw = form(`cutoff_${id}`).trim();
    if (raw && !isTime(raw)) errors[`cutoff_${id}`] = { key: 'settings.errors.timeFormat' };
    else cutoffs.set(id, raw || null);
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return {
    ok: true,
    value: { lockDays: numbers.lock_days, planAheadMonths: numbers.plan_ahead_months, inviteDaysBefore: numbers.invite_days_before, cutoffs },
  };
}

export const MAX_REASON = 200;

/** A closed day, or a range of days when `last_date` is given (a summer closure), with its reason. */
export function parseClosedDay(form: (name: string) => string, today: string): Parsed<{ date: string; lastDate: string; reason: string }> {
  const errors: FieldErrors = {};
  const date = form('date').trim();
  const last = form('last_date').trim();
  const reason = form('reason').trim();
  const tooFar = `${Number(today.slice(0, 4)) + 2}${today.slice(4)}`;
  if (!date) errors.date = { key: 'settings.errors.dateMissing' };
  else if (!isDate(date)) errors.date = { key: 'settings.errors.dateFormat' };
  else if (date < today) errors.date = { key: 'settings.errors.datePast' };
  else if (date > tooFar) errors.date = { key: 'settings.errors.dateTooFar' };
  if (last && !isDate(last)) errors.last_date = { key: 'settings.errors.dateFormat' };
  else if (last && isDate(date) && last < date) errors.last_date = { key: 'settings.errors.lastBeforeFirst' };
  else if (last > tooFar) errors.last_date = { key: 'settings.errors.dateTooFar' };
  if (!reason) errors.reason = { key: 'settings.errors.reasonMissing' };
  else if (reason.length > MAX_REASON) errors.reason = { key: 'settings.errors.reasonTooLong' };
  return hasErrors(errors) ? { ok: false, errors } : { ok: true, value: { date, lastDate: last || date, reason } };
}

export const MAX_TERMS = 20_000;

export function parseTerms(text: string): Parsed<string> {
  const value = text.replace(/\r\n/g, '\n').trim();
  if (!value) return { ok: false, errors: { terms: { key: 'settings.errors.termsMissing' } } };
  if (value.length > MAX_TERMS) return { ok: false, errors: { terms: { key: 'settings.errors.termsTooLong' } } };
  return { ok: true, value };
}

/** How many days an invitation key stays valid in the municipality (14 until the municipality changes it); empty leaves it as it is. */
export function parseInvitationDays(raw: string): Parsed<number | undefined> {
  const value = raw.trim();
  if (!value) return { ok: true, value: undefined };
  const days = Number(value);
  if (!/^\d{1,2}$/.test(value) || days < 1 || days > 60) return { ok: false, errors: { invitation_valid_days: { key: 'settings.errors.invitationDays' } } };
  return { ok: true, value: days };
}
