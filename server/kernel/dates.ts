// Calendar days as YYYY-MM-DD text, in Stockholm's calendar: adding days and months, ISO weeks and weekdays, and
// reading a typed date or time. Pure functions every domain uses; "today" itself comes from the clock (clock.ts).

/** ISO weekdays, Monday (1) to Sunday (7). */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** Whether a text is a real calendar date written YYYY-MM-DD (not 2026-02-30). */
export function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Whether a text is a time of day written HH:MM (00:00–23:59). */
export function isTime(value: string): boolean {
  return TIME.test(value);
}

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

/** 1 for Monday to 7 for Sunday. */
export function isoWeekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
}

/** ISO 8601 week number and week-year of a date ("vecka 13"). */
export function isoWeek(date: string): { year: number; week: number } {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return { year: d.getUTCFullYear(), week };
}

/** "2026-W48" for any day of ISO week 48 of 2026. */
export function weekKey(date: string): string {
  const { year, week } = isoWeek(date);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function weeksInYear(year: number): number {
  return isoWeek(`${year}-12-28`).week;
}

/** The Monday of an ISO week, or undefined for a key that names no week ("2026-W54", "x"). */
export function mondayOfWeek(key: string): string | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!m) return undefined;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (year < 2000 || year > 2100 || week < 1 || week > weeksInYear(year)) return undefined;
  const jan4 = `${year}-01-04`; // always in week 1
  return addDays(jan4, (week - 1) * 7 - (isoWeekday(jan4) - 1));
}

export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** The seven days of the week that starts on `monday`. */
export function weekDays(monday: string): string[] {
  return [0, 1, 2, 3, 4, 5, 6].map((n) => addDays(monday, n));
}

/** Minutes since midnight of a time HH:MM. */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** The time HH:MM of minutes since midnight. */
export function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
