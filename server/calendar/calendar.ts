// Whose calendar is whose: a guardian's is their children's groups and units (each event marked by the children it
// concerns), a pupil's their own, a staff member's the groups they work in and the units they work in or head. The one
// place that turns events into occurrences on days, for the pages, the feed, the box and other domains
// (`eventsForChildren`, for the tomorrow card).
import type { Db } from '../kernel/db.ts';
import type { Actor } from '../kernel/policy.ts';
import { childrenOfGuardian, findUnit, firstNameOf, groupsOfStaff } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { closedDays } from '../settings/queries.ts';
import { eventsOf, type CalendarEvent } from './queries.ts';
import { occurrenceDays, type BringItem } from './rules.ts';

/** One event on one day: what other domains get (`eventsForChildren`). */
export interface Occurrence {
  eventId: number; childIds: number[]; date: string; start?: string; end?: string; title: string; bring: BringItem[]; note: string;
}

/** An occurrence as the calendar pages show it: where it is from (the group, or the unit). */
export interface ShownOccurrence extends Occurrence { groupName: string | null; unitName: string; repeats: boolean }

export interface ClosedOn { date: string; reason: string; unitName: string }

interface ChildPlaces { id: number; name: string; groupIds: number[]; unitIds: number[] }

/** What a user's calendar covers: children (with their groups and units) and the staff's own groups and units. */
export interface CalendarScope { children: ChildPlaces[]; groupIds: number[]; unitIds: number[]; unitNames: Map<number, string> }

async function placesOf(db: Db, childIds: readonly number[], today: string): Promise<Omit<ChildPlaces, 'name'>[]> {
  const located = await Promise.all(childIds.map(async (id) => ({ id, at: await locateChild(db, id, today) })));
  return located.filter((c) => c.at !== null).map((c) => ({ id: c.id, groupIds: [...(c.at?.groupIds ?? [])], unitIds: [...new Set(c.at?.unitIds ?? [])] }));
}

export async function scopeOf(db: Db, actor: Actor, today: string): Promise<CalendarScope> {
  const guardianOf = [...actor.guardianOf.keys()];
  const [named, staffGroups, places] = await Promise.all([
    childrenOfGuardian(db, actor.personId, today),
    groupsOfStaff(db, actor),
    placesOf(db, actor.isStudent ? [...guardianOf, actor.personId] : guardianOf, today),
  ]);
  const names = new Map(named.map((c) => [c.id, c.firstName]));
  if (actor.isStudent) names.set(actor.personId, (await firstNameOf(db, actor.personId)) ?? '');
  const unitNames = new Map<number, string>(staffGroups.map((g) => [g.unitId, g.unitName]));
  for (const c of named) unitNames.set(c.unitId, c.unitName);
  const unitIds = [...new Set([...actor.staffUnits, ...actor.headOf])];
  const unnamed = [...new Set([...unitIds, ...places.flatMap((p) => p.unitIds)])].filter((id) => !unitNames.has(id));
  for (const unit of await Promise.all(unnamed.map((id) => findUnit(db, id)))) if (unit) unitNames.set(unit.id, unit.name);
  return { children: places.map((p) => ({ ...p, name: names.get(p.id) ?? '' })), groupIds: staffGroups.map((g) => g.id), unitIds, unitNames };
}

/** Every occurrence from `from` to `to` of the scope's events, by day and time, each marked by the scope's children it concerns. */
export async function occurrencesIn(db: Db, scope: CalendarScope, from: string, to: string): Promise<ShownOccurrence[]> {
  const groupIds = [...new Set([...scope.groupIds, ...scope.children.flatMap((c) => c.groupIds)])];
  const unitIds = [...new Set([...scope.unitIds, ...scope.children.flatMap((c) => c.unitIds)])];
  const events = await eventsOf(db, { groupIds, unitIds }, from, to);
  return expand(events, scope.children, from, to);
}

function expand(events: CalendarEvent[], children: readonly Omit<ChildPlaces, 'name'>[], from: string, to: string): ShownOccurrence[] {
  const shown: ShownOccurrence[] = [];
  for (const e of events) {
    const childIds = children.filter((c) => (e.groupId !== null ? c.groupIds.includes(e.groupId) : c.unitIds.includes(e.unitId))).map((c) => c.id);
    for (const date of occurrenceDays(e, from, to)) {
      shown.push({
        eventId: e.id, childIds, date, ...(e.startTime ? { start: e.startTime } : {}), ...(e.endTime ? { end: e.endTime } : {}),
        title: e.title, bring: e.bring, note: e.note, groupName: e.groupName, unitName: e.unitName, repeats: e.repeatUntil !== null,
      });
    }
  }
  return shown.sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : (a.start ?? '') < (b.start ?? '') ? -1 : (a.start ?? '') > (b.start ?? '') ? 1 : a.eventId - b.eventId));
}

/**
 * The events of the children's groups and units from `from` to `to`, one occurrence per day, each with the children
 * (of those asked about) it concerns. For other domains (the tomorrow card); the caller has checked who may see them.
 */
export async function eventsForChildren(db: Db, childIds: readonly number[], from: string, to: string): Promise<Occurrence[]> {
  const places = await placesOf(db, childIds, from);
  const events = await eventsOf(db, { groupIds: [...new Set(places.flatMap((c) => c.groupIds))], unitIds: [...new Set(places.flatMap((c) => c.unitIds))] }, from, to);
  return expand(events, places, from, to).map(({ eventId, childIds: ids, date, start, end, title, bring, note }) => ({
    eventId, childIds: ids, date, ...(start ? { start } : {}), ...(end ? { end } : {}), title, bring, note,
  }));
}

/** The closed days (planning days, holidays, closures) of the scope's units from `from` to `to`, as settings keeps them. */
export async function closedIn(db: Db, scope: CalendarScope, from: string, to: string): Promise<ClosedOn[]> {
  const unitIds = [...new Set([...scope.unitIds, ...scope.children.flatMap((c) => c.unitIds)])];
  const lists = await Promise.all(unitIds.map(async (unitId) => (await closedDays(db, unitId, from, to))
    .map((d) => ({ date: d.date, reason: d.reason, unitName: scope.unitNames.get(unitId) ?? '' }))));
  return lists.flat().sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.unitName.localeCompare(b.unitName, 'sv')));
}
