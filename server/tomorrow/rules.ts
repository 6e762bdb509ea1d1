// The tomorrow card: the pure rules. Which day it is about, and how its parts are chosen from what the other domains
// hold (a closed day says only that; a reported absence stands instead of the care time).
import { addDays, isoWeekday } from '../kernel/dates.ts';

/**
 * The next day a child could attend: tomorrow, but from a Friday or a Saturday the coming Monday. (Sunday's next day
 * is Monday anyway.) A weekday holiday is still that day: the card says the unit is closed.
 */
export function nextDay(today: string): string {
  const weekday = isoWeekday(today);
  if (weekday === 5) return addDays(today, 3);
  if (weekday === 6) return addDays(today, 2);
  return addDays(today, 1);
}

/** Whether the card's day is tomorrow (the heading says "I morgon, …") rather than a later Monday. */
export function isTomorrow(today: string, day: string): boolean {
  return addDays(today, 1) === day;
}

/** A child's care on the day: the times of a reported absence, or the booked/standard care time, or nothing known. */
export type CareLine =
  | { kind: 'absent'; starts: string | null; ends: string | null }
  | { kind: 'care'; starts: string; ends: string }
  | { kind: 'dayOff' }
  | null;

/** A reported absence wins over the care time (the child will not come, or only part of the day). */
export function careLine(
  absence: { starts: string | null; ends: string | null } | undefined,
  care: { starts: string | null; ends: string | null; dayOff: boolean } | undefined,
): CareLine {
  if (absence) return { kind: 'absent', starts: absence.starts, ends: absence.ends };
  if (!care) return null;
  if (care.dayOff) return { kind: 'dayOff' };
  if (care.starts && care.ends) return { kind: 'care', starts: care.starts, ends: care.ends };
  return null;
}
