// What an absence form needs to know about a child: its unit's open days, how far ahead, and the siblings the same
// user may report for at once.
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { childSummary, childrenOfGuardian, type ChildSummary } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { unitRules } from '../settings/queries.ts';
import { hasArrivedOn } from '../attendance/queries.ts';
import { absencesOf, ownReportsSince, type AbsenceItem } from './queries.ts';
import { reportAction, UNDO_REPORT_MINUTES, UNREPORTED_DAYS_BACK } from './rules.ts';
import { unitCalendar, isOpen, nextOpenDay, type Calendar } from '../settings/calendar.ts';
import { addDays, addMonths } from '../kernel/dates.ts';

/** Which days a report for the child may cover: what a posted report is checked against. */
export interface AbsenceDays {
  child: ChildSummary;
  today: string;
  todayOpen: boolean;
  next: string | undefined;
  lastDay: string;
  partOfDayAllowed: boolean;
  calendar: Calendar;
}

export interface AbsenceContext extends AbsenceDays {
  siblings: ChildSummary[];
  /** The reports from today on, each with what the user can do with it (see reportAction). */
  upcoming: (AbsenceItem & { action: ReturnType<typeof reportAction> })[];
  /** The school's marks of unreported absence of the last week, today's included, for the guardian to answer. */
  unreported: AbsenceItem[];
  /**
   * Reports of the child made in the last minutes, newest first, by whoever made them: the view offers "Ångra" for
   * the signed-in account's own (the route undoes only those).
   */
  recent: { by: number; at: string; time: string; absences: AbsenceItem[] }[];
  undoMinutes: number;
}

/** The child (its id, or its summary when the caller has read it already) and its unit's open days ahead. */
export async function absenceDays(db: Db, clock: Clock, childOrId: number | ChildSummary): Promise<AbsenceDays | undefined> {
  const day = today(clock);
  const child = typeof childOrId === 'number' ? await childSummary(db, childOrId, day) : childOrId;
  if (!child) return undefined;
  const rules = await unitRules(db, child.unitId);
  const lastDay = addMonths(day, rules.planAheadMonths);
  const calendar = await unitCalendar(db, child.unitId, day, lastDay);
  return {
    child, today: day, todayOpen: isOpen(day, calendar), next: nextOpenDay(day, calendar, lastDay), lastDay,
    partOfDayAllowed: child.unitKind === 'school', calendar,
  };
}

/** Everything an absence form shows: the days, the siblings the user may report for too, and the coming reports. */
export async function absenceContext(db: Db, clock: Clock, childOrId: number | ChildSummary, actor?: Actor): Promise<AbsenceContext | undefined> {
  const days = await absenceDays(db, clock, childOrId);
  if (!days) return undefined;
  const day = days.today;
  const siblings = actor ? await reportableSiblings(db, actor, days.child.id, day) : [];
  const now = stockholmTime(clock.now());
  const [listed, marks, recent] = await Promise.all([
    absencesOf(db, [days.child.id], day),
    absencesOf(db, [days.child.id], addDays(day, -UNREPORTED_DAYS_BACK), addDays(day, -1)),
    ownReportsSince(db, [days.child.id], new Date(clock.now().getTime() - UNDO_REPORT_MINUTES * 60_000)),
  ]);
  const reported = listed.filter((a) => a.kind === 'reported');
  const arrivedToday = reported.some((a) => a.date === day) && (await hasArrivedOn(db, days.child.id, day));
  return {
    ...days, siblings,
    upcoming: reported.map((a) => ({ ...a, action: reportAction(a, day, now, arrivedToday) })),
    unreported: [...marks, ...listed].filter((a) => a.kind === 'unreported'),
    recent: recent.map((r) => ({ ...r, time: stockholmTime(new Date(r.at)) })),
    undoMinutes: UNDO_REPORT_MINUTES,
  };
}

/**
 * The user's other children whom the policy lets them report absence for. Siblings are the guardian's other
 * children; staff reporting on a guardian's behalf get none (not their own kids).
 */
export async function reportableSiblings(db: Db, actor: Actor, childId: number, day: string): Promise<ChildSummary[]> {
  if (!actor.guardianOf.has(childId)) return [];
  const children = (await childrenOfGuardian(db, actor.personId, day)).filter((c) => c.id !== childId);
  const allowed = await Promise.all(children.map(async (c) => allows(actor, 'child.absence.report', await locateChild(db, c.id, day))));
  return children.filter((_, i) => allowed[i]);
}
