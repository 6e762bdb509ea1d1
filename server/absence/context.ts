// What an absence form needs to know about a child: its unit's open days, how far ahead, and the siblings the same
// user may report for at once.
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { childSummary, childrenOfGuardian, type ChildSummary } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { unitRules } from '../settings/queries.ts';
import { absencesOf, unitCalendar, type AbsenceItem } from './queries.ts';
import { addMonths, cancellable, isOpen, nextOpenDay, type Calendar } from './rules.ts';

export interface AbsenceContext {
  child: ChildSummary;
  today: string;
  todayOpen: boolean;
  next: string | undefined;
  lastDay: string;
  partOfDayAllowed: boolean;
  calendar: Calendar;
  siblings: ChildSummary[];
  upcoming: (AbsenceItem & { cancellable: boolean })[];
}

export async function absenceContext(db: Db, clock: Clock, childId: number, actor?: Actor): Promise<AbsenceContext | undefined> {
  const day = today(clock);
  const child = await childSummary(db, childId, day);
  if (!child) return undefined;
  const rules = await unitRules(db, child.unitId);
  const lastDay = addMonths(day, rules.planAheadMonths);
  const calendar = await unitCalendar(db, child.unitId, day, lastDay);
  // Siblings are the guardian's other children; staff reporting on a guardian's behalf get none (not their own kids).
  const siblings = actor?.guardianOf.has(child.id) ? await reportableSiblings(db, actor, child.id, day) : [];
  const now = stockholmTime(clock.now());
  const upcoming = (await absencesOf(db, [child.id], day)).map((a) => ({ ...a, cancellable: cancellable(a, day, now) }));
  return {
    child, today: day, todayOpen: isOpen(day, calendar), next: nextOpenDay(day, calendar, lastDay), lastDay,
    partOfDayAllowed: child.unitKind === 'school', calendar, siblings, upcoming,
  };
}

/** The user's other children whom the policy lets them report absence for. */
async function reportableSiblings(db: Db, actor: Actor, childId: number, day: string): Promise<ChildSummary[]> {
  const children = (await childrenOfGuardian(db, actor.personId, day)).filter((c) => c.id !== childId);
  const allowed = await Promise.all(children.map(async (c) => allows(actor, 'child.absence.report', await locateChild(db, c.id, day))));
  return children.filter((_, i) => allowed[i]);
}
