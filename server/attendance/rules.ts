// The rules of checking in and out: how long a tap can be taken back, which children are asked about before they are
// checked in, and what a corrected arrival and departure must be.
import type { FieldErrors, Parsed } from '../kernel/forms.ts';
import { isTime } from '../kernel/dates.ts';

/** For how long after a tap Today offers "Ångra" (and the server takes the tap back). */
export const UNDO_MINUTES = 5;

/** The moment before which a tap can no longer be taken back. */
export function undoCutoff(now: Date): Date {
  return new Date(now.getTime() - UNDO_MINUTES * 60_000);
}

/** The last tap of the day, when it can still be taken back at `now`: the departure, or else the arrival. */
export function undoableEvent(
  a: { arrivedAt: string | null; leftAt: string | null; arrivalMarkedAt: string | null; departureMarkedAt: string | null } | undefined, now: Date,
): 'arrive' | 'leave' | undefined {
  if (!a) return undefined;
  const since = undoCutoff(now).toISOString();
  if (a.leftAt) return a.departureMarkedAt && a.departureMarkedAt >= since ? 'leave' : undefined;
  if (a.arrivedAt) return a.arrivalMarkedAt && a.arrivalMarkedAt >= since ? 'arrive' : undefined;
  return undefined;
}

/** A child reported absent that day (all day or part of it) is checked in only when staff have said yes to it. */
export function needsConfirmation(absence: unknown, confirmed: string): boolean {
  return absence !== undefined && absence !== null && confirmed !== 'yes';
}

export interface CorrectedTimes { arrivedAt: string | null; leftAt: string | null }

/**
 * The arrival and departure typed on the correction form: HH:MM or empty; a departure needs an arrival before it; on
 * today neither may lie after `now` (HH:MM). Both empty: the child was not there.
 */
export function parseCorrectedTimes(form: { arrived: string; left: string }, context: { isToday: boolean; now: string }): Parsed<CorrectedTimes> {
  const arrived = form.arrived.trim();
  const left = form.left.trim();
  const errors: FieldErrors = {};
  if (arrived && !isTime(arrived)) errors.arrived = { key: 'today.errors.timeFormat' };
  else if (arrived && context.isToday && arrived > context.now) errors.arrived = { key: 'today.errors.future', params: { now: context.now } };
  if (left && !isTime(left)) errors.left = { key: 'today.errors.timeFormat' };
  else if (left && !arrived) errors.left = { key: 'today.errors.leftWithoutArrival' };
  else if (left && !errors.arrived && left <= arrived) errors.left = { key: 'today.errors.leftBeforeArrival', params: { arrived } };
  else if (left && context.isToday && left > context.now) errors.left = { key: 'today.errors.future', params: { now: context.now } };
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: { arrivedAt: arrived || null, leftAt: left || null } };
}
