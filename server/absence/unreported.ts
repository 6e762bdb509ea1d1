// School staff mark a child's absence as unreported (ogiltig frånvaro): the whole day or the lessons' time span, today
// or up to a week back, on a day the child was in the school and the school was open. The absence is stored the way
// every absence is (reportAbsence, kind 'unreported') and the guardians are told (unreported-notice.ts) in the same
// transaction: a notification each time, an SMS at most once per child and day. Who may mark it is the action
// table's: only the child's school groups whose placement has started count (actions.ts, 'school-groups').
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { addDays } from '../kernel/dates.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { firstNameOf, schoolPlacements } from '../people/queries.ts';
import { unitCalendar, isOpen } from '../settings/calendar.ts';
import { notifyUnreportedAbsence } from './unreported-notice.ts';
import { ABSENCE_RACES, isReportedAbsent, reportAbsence } from './queries.ts';
import { retryRaces } from '../kernel/races.ts';
import { parseUnreported, UNREPORTED_DAYS_BACK } from './rules.ts';

export interface UnreportedMark {
  childId: number;
  /** Reads a field of the posted form (date, from, to). */
  form: (name: string) => string;
  by: number;
}

export type UnreportedOutcome =
  /** Marked; the group of the school placement it was marked in (its Today is where staff go back to). */
  | { ok: true; groupId: number }
  /** The child has no school placement now or in the last week. */
  | { ok: false; error: 'not-in-school' }
  | { ok: false; error: 'invalid'; errors: FieldErrors }
  /** Not in the school that day, the school closed that day, or a guardian has reported the day. */
  | { ok: false; error: 'not-placed' | 'closed' | 'already-reported' };

export async function markUnreported(db: Db, clock: Clock, mark: UnreportedMark): Promise<UnreportedOutcome> {
  const day = today(clock);
  const placements = await schoolPlacements(db, mark.childId, day, addDays(day, -UNREPORTED_DAYS_BACK));
  if (placements.length === 0) return { ok: false, error: 'not-in-school' };
  const parsed = parseUnreported(mark.form, { today: day, now: stockholmTime(clock.now()) });
  if (!parsed.ok) return { ok: false, error: 'invalid', errors: parsed.errors };
  const { date, from, to } = parsed.value;
  const placement = placements.find((p) => p.startDate <= date && (p.endDate === null || p.endDate >= date));
  if (!placement) return { ok: false, error: 'not-placed' };
  if (!isOpen(date, await unitCalendar(db, placement.unitId, date, date))) return { ok: false, error: 'closed' };
  // A day a guardian has reported absence for is not unreported; marking it would replace the guardian's report.
  if (await isReportedAbsent(db, mark.childId, date)) return { ok: false, error: 'already-reported' };

  const childFirstName = (await firstNameOf(db, mark.childId)) ?? '';
  const now = clock.now();
  const marked = await retryRaces(() => db.transaction().execute(async (trx) => {
    // Asked again in the transaction: a guardian's report made meanwhile is not replaced either.
    if (await isReportedAbsent(trx, mark.childId, date)) return false;
    await reportAbsence(db, {
      childIds: [mark.childId], days: { [mark.childId]: [date] }, starts: from, ends: to, comment: null, kind: 'unreported', by: mark.by, now,
    }, trx);
    await notifyUnreportedAbsence(trx, {
      childId: mark.childId, date, from: from ?? undefined, to: to ?? undefined, childFirstName, schoolName: placement.unitName, now,
    });
    return true;
  }), ABSENCE_RACES);
  if (!marked) return { ok: false, error: 'already-reported' };
  return { ok: true, groupId: placement.groupId };
}
