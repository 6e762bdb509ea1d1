// School staff mark a child's absence as unreported (ogiltig frånvaro): the whole day or the lessons' time span, today
// or up to a week back, on a day the child was in the school and the school was open. The absence is stored the way
// every absence is (reportAbsence, kind 'unreported') and the guardians are told (unreported-notice.ts) in the same
// transaction: a notification each time, an SMS at most once per child and day. Staff confirm first (the form says
// who will be told); the SMS waits a few minutes, in which the mark can be undone with its notification and SMS; later
// it can still be taken back (the SMS went). Guardians answer the school about it. Who may mark it is the action
// table's: only the child's school groups whose placement has started count (actions.ts, 'school-groups').
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { addDays } from '../kernel/dates.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { firstNameOf, schoolPlacements } from '../people/queries.ts';
import { unitCalendar, isOpen } from '../settings/calendar.ts';
import { notifyUnreportedAbsence, unreportedAbsenceNotification } from './unreported-notice.ts';
import { ABSENCE_RACES, absenceById, answerAbsence, cancelAbsence, isReportedAbsent, reportAbsence, type AbsenceItem } from './queries.ts';
import { retryRaces } from '../kernel/races.ts';
import { withdrawNotifications } from '../notifications/queries.ts';
import { withdrawUnsentSms } from '../sms/outbox.ts';
import { parseAnswer, parseUnreported, UNREPORTED_DAYS_BACK, UNREPORTED_SMS_DELAY_MINUTES } from './rules.ts';

export interface UnreportedMark {
  childId: number;
  /** Reads a field of the posted form (date, from, to). */
  form: (name: string) => string;
  by: number;
  /** Staff saw the confirmation (who will be told) and confirmed: without it, nothing is marked. */
  confirmed: boolean;
}

export type UnreportedOutcome =
  /** Marked; the group of the school placement it was marked in (its Today is where staff go back to), and when the SMS go. */
  | { ok: true; groupId: number; childFirstName: string; smsAfter: Date }
  /** All is well, but not confirmed yet: the confirmation, for the day and time asked. */
  | { ok: false; error: 'unconfirmed'; date: string; from: string | null; to: string | null }
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
  if (!mark.confirmed) return { ok: false, error: 'unconfirmed', date, from, to };

  const childFirstName = (await firstNameOf(db, mark.childId)) ?? '';
  const now = clock.now();
  const smsAfter = new Date(now.getTime() + UNREPORTED_SMS_DELAY_MINUTES * 60_000);
  const marked = await retryRaces(() => db.transaction().execute(async (trx) => {
    // Asked again in the transaction: a guardian's report made meanwhile is not replaced either.
    if (await isReportedAbsent(trx, mark.childId, date)) return false;
    await reportAbsence(db, {
      childIds: [mark.childId], days: { [mark.childId]: [date] }, starts: from, ends: to, comment: null, kind: 'unreported', by: mark.by, now,
    }, trx);
    await notifyUnreportedAbsence(trx, {
      childId: mark.childId, date, from: from ?? undefined, to: to ?? undefined, childFirstName, schoolName: placement.unitName, now, smsAfter,
    });
    return true;
  }), ABSENCE_RACES);
  if (!marked) return { ok: false, error: 'already-reported' };
  return { ok: true, groupId: placement.groupId, childFirstName, smsAfter };
}

export type UnmarkOutcome = { ok: true; absence: AbsenceItem; smsWent: boolean } | { ok: false };

/**
 * Takes a mark of unreported absence back. Before its SMS went, it is undone: the SMS waiting are deleted and the
 * notifications too, so the guardians hear nothing. Once an SMS went (or its sender has taken it), the mark is only
 * cancelled, and `smsWent` says so. One transaction: an SMS the sender takes meanwhile is either taken back or counted.
 */
export async function unmarkUnreported(db: Db, clock: Clock, absenceId: number, by: number): Promise<UnmarkOutcome> {
  const absence = await absenceById(db, absenceId);
  if (absence?.kind !== 'unreported') return { ok: false };
  const now = clock.now();
  const queuedAt = new Date(absence.createdAt);
  return db.transaction().execute(async (trx): Promise<UnmarkOutcome> => {
    if (!(await cancelAbsence(db, absence, by, now, trx))) return { ok: false };
    const sms = await withdrawUnsentSms(trx, { childId: absence.childId, day: absence.date, queuedAt });
    if (sms.gone === 0) await withdrawNotifications(trx, { kind: unreportedAbsenceNotification, childId: absence.childId, at: queuedAt });
    return { ok: true, absence, smsWent: sms.gone > 0 };
  });
}

export type AnswerOutcome = { ok: true; absence: AbsenceItem } | { ok: false; error: 'gone' } | { ok: false; error: 'invalid'; errors: FieldErrors };

/** A guardian's short answer to the school about a mark of unreported absence, stored with the absence. */
export async function answerMark(db: Db, clock: Clock, absenceId: number, raw: string, by: number): Promise<AnswerOutcome> {
  const absence = await absenceById(db, absenceId);
  if (absence?.kind !== 'unreported') return { ok: false, error: 'gone' };
  const parsed = parseAnswer(raw);
  if (!parsed.ok) return { ok: false, error: 'invalid', errors: parsed.errors };
  return (await answerAbsence(db, absenceId, parsed.value, by, clock.now())) ? { ok: true, absence } : { ok: false, error: 'gone' };
}
