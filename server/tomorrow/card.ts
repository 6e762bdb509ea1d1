// The tomorrow card on a guardian's start page: for each child, the next day the child could attend (tomorrow; from a
// Friday or Saturday the coming Monday), built from structured data only, never free text a person wrote about the
// day: the unit closed that day (and then nothing else), the events of the child's groups and units with their "ta
// med" items, the unit's lunch, the booked care time or the reported absence, and a booked development talk. Each part
// links to where it comes from. The unit (closed day, lunch) is the one the child is placed in ON that day, not today's:
// a child not placed that day (left, or not started yet) gets no card. Read-only calls into the domains that own the data; for several children each source
// is asked once for all of them (the talks, kept per child by their module, once per child).
import { weekKey } from '../kernel/dates.ts';
import type { UnitKind } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import type { Actor } from '../kernel/policy.ts';
import { absencesOf } from '../absence/queries.ts';
import { eventsForChildren } from '../calendar/calendar.ts';
import type { BringItem } from '../calendar/rules.ts';
import { lunchesOn } from '../menu/queries.ts';
import { placementsOn, type ChildSummary } from '../people/queries.ts';
import { expectedCare } from '../schedule/queries.ts';
import { closedDays } from '../settings/queries.ts';
import { childTalks } from '../talks/queries.ts';
import { talksOfViewer } from '../talks/rules.ts';
import { careLine, isTomorrow, nextDay, type CareLine } from './rules.ts';

/** Every kind of unit: the card is about any placement the child has on its day. */
const ALL_KINDS: readonly UnitKind[] = ['preschool', 'school', 'fritids'];

export interface TomorrowCard {
  childId: number;
  date: string;
  /** The heading says "I morgon, …" (else the weekday and date of the coming Monday). */
  tomorrow: boolean;
  /** The unit is closed that day: the card says why and nothing else. */
  closed: string | null;
  events: { id: number; title: string; start?: string; end?: string; bring: BringItem[] }[];
  lunch: { text: string; url: string } | null;
  care: CareLine;
  talk: { start: string; end: string; place: string } | null;
  /** Links to the sources. */
  scheduleUrl: string; absenceUrl: string; talksUrl: string;
  /** Nothing to say: the card is left out. */
  empty: boolean;
}

/** The cards of a guardian's children (those the actor is a guardian of), for the day after `today` they could attend. */
export async function tomorrowCards(db: Db, actor: Actor, children: readonly ChildSummary[], today: string): Promise<Map<number, TomorrowCard>> {
  const cards = new Map<number, TomorrowCard>();
  const own = children.filter((c) => actor.guardianOf.has(c.id));
  if (own.length === 0) return cards;
  const day = nextDay(today);
  // The unit each child is placed in on the card's day (of several, today's unit when it is one of them).
  const placed = await placementsOn(db, own.map((c) => c.id), day, ALL_KINDS);
  const unitOf = new Map<number, number>();
  for (const child of own) {
    const units = placed.filter((p) => p.childId === child.id).map((p) => p.unitId);
    if (units.length) unitOf.set(child.id, units.includes(child.unitId) ? child.unitId : units[0]);
  }
  const placedChildren = own.filter((c) => unitOf.has(c.id));
  if (placedChildren.length === 0) return cards;
  const ids = placedChildren.map((c) => c.id);
  const unitIds = [...new Set(unitOf.values())];
  const [closedByUnit, events, lunches, care, absences, talks] = await Promise.all([
    Promise.all(unitIds.map(async (unitId) => [unitId, (await closedDays(db, unitId, day, day))[0]?.reason] as const)),
    eventsForChildren(db, ids, day, day),
    lunchesOn(db, unitIds, day),
    expectedCare(db, ids, day),
    absencesOf(db, ids, day, day),
    Promise.all(placedChildren.map(async (c) => [c.id, await childTalks(db, c.id, today)] as const)),
  ]);
  const closed = new Map(closedByUnit);
  const talksOf = new Map(talks);
  for (const child of placedChildren) {
    const unitId = unitOf.get(child.id) ?? child.unitId;
    const reason = closed.get(unitId);
    const base = {
      childId: child.id, date: day, tomorrow: isTomorrow(today, day),
      scheduleUrl: `/children/${child.id}/schedule?week=${weekKey(day)}`, absenceUrl: `/children/${child.id}/absence`, talksUrl: `/children/${child.id}/talks`,
    };
    if (reason !== undefined) {
      cards.set(child.id, { ...base, closed: reason || '', events: [], lunch: null, care: null, talk: null, empty: false });
      continue;
    }
    // A family in two homes where the unit wants one talk each: the other home's talk is theirs, not shown here.
    const talk = talksOfViewer(talksOf.get(child.id)?.booked ?? [], actor.guardianOf.get(child.id)).find((b) => b.date === day);
    const lunch = lunches.get(unitId);
    const card: TomorrowCard = {
      ...base, closed: null,
      events: events.filter((e) => e.childIds.includes(child.id))
        .map((e) => ({ id: e.eventId, title: e.title, ...(e.start ? { start: e.start } : {}), ...(e.end ? { end: e.end } : {}), bring: e.bring })),
      lunch: lunch ? { text: lunch, url: `/units/${unitId}/menu?week=${weekKey(day)}` } : null,
      care: careLine(absences.find((a) => a.childId === child.id), care.get(child.id)),
      talk: talk ? { start: talk.start, end: talk.end, place: talk.place } : null,
      empty: false,
    };
    card.empty = card.events.length === 0 && card.lunch === null && card.care === null && card.talk === null;
    cards.set(child.id, card);
  }
  return cards;
}
