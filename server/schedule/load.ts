// What the care-time pages and their forms start from, for one user and one child: a week of days (with the siblings
// a guardian may copy it to), or the standard times. The use cases (save-*.ts) and the presenters (*-view.ts) both
// work on these.
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { addDays, weekDays, WEEKDAYS } from '../kernel/dates.ts';
import type { Located, SignedInAccount } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { childrenOfGuardian } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { carePlacement, loadChildCare, type CarePlacement, type ChildCare } from './queries.ts';
import { absencesOf, type AbsenceItem } from '../absence/queries.ts';
import { changeRules, firstStandardDay, limitPeriod, type ChangeRules } from './rules.ts';
import { guardiansOfChild } from '../people/queries.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { conflictsOf, patternsOf, type CareConflict } from './homes.ts';
import { hasTwoHomes, otherHousehold, type HomeGuardian, type HomePattern } from './homes-rules.ts';

export interface ScheduleDeps { db: Db; clock: Clock }

/** The signed-in user acting on the child the route's guard located and allowed (the route's context). */
export interface ChildContext { actor: Actor; account: SignedInAccount; target: Located }

export interface Sibling { id: number; firstName: string; placement: CarePlacement }

/** Everything the week page shows, for one child, one week and one user. */
export interface WeekPage {
  placement: CarePlacement;
  monday: string;
  days: string[];
  care: ChildCare;
  rules: ChangeRules;
  asGuardian: boolean;
  canUpdate: boolean;
  canComment: boolean;
  canHistory: boolean;
  siblings: Sibling[];
  /** The absence reported (or marked unreported) on the week's days, by date. */
  absences: Map<string, AbsenceItem>;
  homes: Homes;
}

/** Two homes, for one child and one user: the guardians by household, their patterns, the week's unsettled conflicts. */
export interface Homes {
  guardians: HomeGuardian[];
  twoHomes: boolean;
  patterns: HomePattern[];
  /** The user as a guardian of the child (a person id), or null (staff). */
  me: number | null;
  /** The guardians in the other household than the user's. */
  others: HomeGuardian[];
  /** Their open accounts: a day registered by one of them is theirs. */
  otherAccounts: Set<number>;
  conflicts: Map<string, CareConflict>;
}

/** The child's two homes as the user sees them, with the unsettled conflicts from `from` to `to`. */
export async function loadHomes(db: Db, actor: Actor, childId: number, from: string, to: string): Promise<Homes> {
  const [guardians, patterns, conflicts] = await Promise.all([
    guardiansOfChild(db, childId), patternsOf(db, childId), conflictsOf(db, childId, from, to),
  ]);
  // Only the names and households are kept: a guardian in the other household never sees the other's contact details.
  const homeGuardians = guardians.map((g) => ({ id: g.id, name: `${g.firstName} ${g.lastName}`, otherHousehold: g.otherHousehold }));
  const me = actor.guardianOf.has(childId) ? actor.personId : null;
  const twoHomes = hasTwoHomes(homeGuardians);
  const others = me !== null && twoHomes ? otherHousehold(homeGuardians, me) : [];
  const accounts = others.length ? await openAccountsOf(db, others.map((g) => g.id)) : [];
  return {
    guardians: homeGuardians, twoHomes, patterns: twoHomes ? patterns : [], me, others,
    otherAccounts: new Set(accounts.map((a) => a.id)), conflicts,
  };
}

/** Today and the clock time in Stockholm, which the rules compare against. */
export function moment(clock: Clock): { today: string; now: string } {
  return { today: today(clock), now: stockholmTime(clock.now()) };
}

/** The days whose data a page about the weeks from `monday` to `lastMonday` needs: for a yearly limit, whole years. */
export function dataRange(placement: CarePlacement, monday: string, lastMonday: string): { from: string; to: string } {
  const sunday = addDays(lastMonday, 6);
  const first = limitPeriod(placement.hourLimit, monday);
  const last = limitPeriod(placement.hourLimit, sunday);
  return { from: first && first.from < monday ? first.from : monday, to: last && last.to > sunday ? last.to : sunday };
}

/**
 * The week from `monday` of the child the guard located, for the user; with `extraWeeks` following weeks' data (a
 * repeat). Undefined when the child has no placement with care times.
 */
export async function loadWeek(
  { db, clock }: ScheduleDeps, actor: Actor, child: Located, monday: string, extraWeeks = 0,
): Promise<WeekPage | undefined> {
  const placement = await carePlacement(db, child.id, today(clock));
  if (!placement) return undefined;
  const range = dataRange(placement, monday, addDays(monday, 7 * extraWeeks));
  const [care, absences, homes] = await Promise.all([
    loadChildCare(db, placement, range.from, range.to), absencesOf(db, [child.id], monday, addDays(monday, 6)),
    loadHomes(db, actor, child.id, monday, addDays(monday, 7 * extraWeeks + 6)),
  ]);
  const asGuardian = actor.guardianOf.has(child.id);
  const canUpdate = allows(actor, 'child.schedule.update', child);
  return {
    placement, monday, days: weekDays(monday), care, rules: changeRules(care, moment(clock), asGuardian), asGuardian, canUpdate,
    canComment: allows(actor, 'child.schedule.comment', child),
    canHistory: allows(actor, 'child.history.read', child),
    siblings: canUpdate && asGuardian ? await siblingsOf({ db, clock }, actor, child.id) : [],
    absences: new Map(absences.map((a) => [a.date, a])),
    homes,
  };
}

/** The guardian's other children with care times that the guardian may register. */
export async function siblingsOf({ db, clock }: ScheduleDeps, actor: Actor, childId: number): Promise<Sibling[]> {
  if (actor.guardianOf.size < 2) return [];
  const day = today(clock);
  const children = (await childrenOfGuardian(db, actor.personId, day)).filter((c) => c.id !== childId);
  const siblings: Sibling[] = [];
  for (const child of children) {
    const [placement, location] = await Promise.all([carePlacement(db, child.id, day), locateChild(db, child.id, day)]);
    if (placement && allows(actor, 'child.schedule.update', location)) siblings.push({ id: child.id, firstName: child.firstName, placement });
  }
  return siblings;
}

/** Everything the standard times page shows, for one child and one user. */
export interface StandardPage {
  placement: CarePlacement;
  care: ChildCare;
  rules: ChangeRules;
  /** The weekdays the unit opens: the ones a standard week has. */
  openWeekdays: number[];
  /** The first day new standard times can start from, for this user. */
  earliest: string;
  canUpdate: boolean;
}

/** The standard times of the child the guard located, for the user. Undefined when the child has no placement with care times. */
export async function loadStandard({ db, clock }: ScheduleDeps, actor: Actor, child: Located): Promise<StandardPage | undefined> {
  const day = today(clock);
  const placement = await carePlacement(db, child.id, day);
  if (!placement) return undefined;
  const care = await loadChildCare(db, placement, day, addDays(day, 800));
  const rules = changeRules(care, moment(clock), actor.guardianOf.has(placement.childId));
  return {
    placement, care, rules, openWeekdays: WEEKDAYS.filter((d) => care.calendar.hours[d] !== null && care.calendar.hours[d] !== undefined),
    earliest: firstStandardDay(rules), canUpdate: allows(actor, 'child.schedule.update', child),
  };
}
