// What an absence form needs to know about a child: its unit's open days, how far ahead, and the siblings the same
// user may report for at once.
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { childSummary, childrenOfGuardian, type ChildSummary } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { unitRules } from '../settings/queries.ts';
import { absencesOf, type AbsenceItem } from './queries.ts';
import { cancellable } from './rules.ts';
import { unitCalendar, isOpen, nextOpenDay, type Calendar } from '../settings/calendar.ts';
import { addMonths } from '../kernel/dates.ts';

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
  upcoming: (AbsenceItem & { cancellable: boolean })[];
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
  const upcoming = (await absencesOf(db, [days.child.id], day)).map((a) => ({ ...a, cancellable: cancellable(a, day, now) }));
  return { ...days, siblings, upcoming };
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
