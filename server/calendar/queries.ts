// The calendar's SQL: its events (calendar_events, with how often each place's events changed: calendar_revisions), the
// accounts' feed tokens (calendar_feed_tokens), and the locator of an event: its unit and municipality, its group (a
// unit's event: none, so only the unit's head and the admin remove it), and the children placed now in its group or in
// every group of its unit (their guardians read it).
import type { ExpressionBuilder } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { childrenInGroupOn, findUnit, groupWithUnit, groupsOfUnit } from '../people/queries.ts';
import { bringItems, type BringItem, type EventForm } from './rules.ts';

export interface CalendarEvent {
  id: number; municipalityId: number; unitId: number; unitName: string; groupId: number | null; groupName: string | null;
  title: string; note: string; bring: BringItem[]; date: string; startTime: string | null; endTime: string | null;
  repeatUntil: string | null;
}

const eventList = (db: Db) => db.selectFrom('calendar_events')
  .select(['calendar_events.id', 'calendar_events.municipality_id', 'calendar_events.unit_id', 'calendar_events.group_id',
    'calendar_events.title', 'calendar_events.note', 'calendar_events.bring', 'calendar_events.date', 'calendar_events.start_time',
    'calendar_events.end_time', 'calendar_events.repeat_until']);

type EventRow = Awaited<ReturnType<ReturnType<typeof eventList>['execute']>>[number];

/** The rows with their group's and unit's names (people's, asked once per group and unit). */
async function toEvents(db: Db, rows: EventRow[]): Promise<CalendarEvent[]> {
  const groupIds = [...new Set(rows.map((r) => r.group_id).filter((id) => id !== null))];
  const unitIds = [...new Set(rows.map((r) => r.unit_id))];
  const [groups, units] = await Promise.all([Promise.all(groupIds.map((id) => groupWithUnit(db, id))), Promise.all(unitIds.map((id) => findUnit(db, id)))]);
  const groupNames = new Map(groups.filter((g) => g !== undefined).map((g) => [g.id, g.name]));
  const unitNames = new Map(units.filter((u) => u !== undefined).map((u) => [u.id, u.name]));
  return rows.map((r) => ({
    id: r.id, municipalityId: r.municipality_id, unitId: r.unit_id, unitName: unitNames.get(r.unit_id) ?? '', groupId: r.group_id,
    groupName: r.group_id !== null ? (groupNames.get(r.group_id) ?? '') : null, title: r.title, note: r.note, bring: bringItems(r.bring), date: r.date,
    startTime: r.start_time, endTime: r.end_time, repeatUntil: r.repeat_until,
  }));
}

/**
 * The events of the groups and of the units (a unit's own events, not its groups') that fall on some day from `from`
 * to `to`: first on or before `to`, last (its repeat's end, or its day) on or after `from`.
 */
export async function eventsOf(db: Db, where: { groupIds: readonly number[]; unitIds: readonly number[] }, from: string, to: string): Promise<CalendarEvent[]> {
  if (where.groupIds.length === 0 && where.unitIds.length === 0) return [];
  const rows = await eventList(db)
    .where((eb) => eb.or([
      ...(where.groupIds.length ? [eb('calendar_events.group_id', 'in', [...where.groupIds])] : []),
      ...(where.unitIds.length ? [eb.and([eb('calendar_events.group_id', 'is', null), eb('calendar_events.unit_id', 'in', [...where.unitIds])])] : []),
    ]))
    .where('calendar_events.date', '<=', to)
    .where((eb) => eb(eb.fn.coalesce('calendar_events.repeat_until', 'calendar_events.date'), '>=', from))
    .orderBy('calendar_events.date').orderBy('calendar_events.start_time').orderBy('calendar_events.id').execute();
  return toEvents(db, rows);
}

export async function eventById(db: Db, eventId: number): Promise<CalendarEvent | undefined> {
  const row = await eventList(db).where('calendar_events.id', '=', eventId).executeTakeFirst();
  return row && (await toEvents(db, [row]))[0];
}

export interface NewEvent extends EventForm { municipalityId: number; unitId: number; groupId: number | null; by: number; at: Date }

/** Where an event is kept in the feed's written text: its group (`g<id>`), or its unit's own events (`u<id>`). */
export const placeKey = (unitId: number, groupId: number | null): string => (groupId !== null ? `g${groupId}` : `u${unitId}`);

/**
 * Counts one more change of a place's events. Every write of an event calls it on the same handle, so inside the
 * write's transaction: the feed keeps a place's written events by this count (server/calendar/feed.ts), and a write
 * that did not count would leave the families' phone calendars showing the old event.
 */
async function countChange(db: Db, unitId: number, groupId: number | null): Promise<void> {
  await db.insertInto('calendar_revisions').values({ place: placeKey(unitId, groupId), revision: 1 })
    .onConflict((oc) => oc.column('place').doUpdateSet((eb) => ({ revision: eb('calendar_revisions.revision', '+', 1) })))
    .execute();
}

/** How many times each place's events have changed (0: not since migration 0066). */
export async function revisionsOf(db: Db, places: readonly string[]): Promise<Map<string, number>> {
  const rows = places.length === 0 ? [] : await db.selectFrom('calendar_revisions').select(['place', 'revision'])
    .where('place', 'in', [...places]).execute();
  const found = new Map(rows.map((r) => [r.place, Number(r.revision)]));
  return new Map(places.map((p) => [p, found.get(p) ?? 0]));
}

/** Adds an event (call it in a transaction: it counts the change of its place too). */
export async function addEvent(db: Db, e: NewEvent): Promise<number> {
  const { id } = await db.insertInto('calendar_events').values({
    municipality_id: e.municipalityId, unit_id: e.unitId, group_id: e.groupId, title: e.title, note: e.note, bring: e.bring.join(','),
    date: e.date, start_time: e.startTime, end_time: e.endTime, repeat_until: e.repeatUntil, created_by: e.by, created_at: e.at.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  await countChange(db, e.unitId, e.groupId);
  return id;
}

/** An event's stored fields; `bringStored` as stored, for a change conditional on what was read. */
export type StoredEvent = EventForm & { unitId: number; groupId: number | null; bringStored: string };

/** The stored fields of an event (no names): what a change compares and whom a removal tells. */
export async function eventRow(db: Db, eventId: number): Promise<StoredEvent | undefined> {
  const r = await eventList(db).where('calendar_events.id', '=', eventId).executeTakeFirst();
  return r && {
    unitId: r.unit_id, groupId: r.group_id, title: r.title, note: r.note, bring: bringItems(r.bring), date: r.date, allDay: r.start_time === null,
    startTime: r.start_time, endTime: r.end_time, repeatUntil: r.repeat_until, bringStored: r.bring,
  };
}

/**
 * Writes every field of the form over the event, only while it still holds the values `read` (a conditional update:
 * of two changes made at once, the second finds the row changed and writes nothing); false when it was changed or
 * removed meanwhile.
 */
export async function updateEvent(db: Db, eventId: number, e: EventForm, read: StoredEvent): Promise<boolean> {
  const nullable = (column: 'start_time' | 'end_time' | 'repeat_until', value: string | null) =>
    (eb: ExpressionBuilder<Database, 'calendar_events'>) => (value === null ? eb(column, 'is', null) : eb(column, '=', value));
  const updated = await db.updateTable('calendar_events').set({
    title: e.title, note: e.note, bring: e.bring.join(','), date: e.date, start_time: e.startTime, end_time: e.endTime, repeat_until: e.repeatUntil,
  }).where('id', '=', eventId).where('title', '=', read.title).where('note', '=', read.note).where('bring', '=', read.bringStored)
    .where('date', '=', read.date).where(nullable('start_time', read.startTime)).where(nullable('end_time', read.endTime))
    .where(nullable('repeat_until', read.repeatUntil)).executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await countChange(db, read.unitId, read.groupId); // an event never moves to another group or unit
  return true;
}

/** Removes an event (in a transaction, like every write: it counts the change of its place). */
export async function removeEvent(db: Db, eventId: number): Promise<boolean> {
  const removed = await db.deleteFrom('calendar_events').where('id', '=', eventId).returning(['unit_id', 'group_id']).executeTakeFirst();
  if (!removed) return false;
  await countChange(db, removed.unit_id, removed.group_id);
  return true;
}

/** The account whose feed token has this hash (the token itself is never stored). */
export async function accountOfFeedToken(db: Db, tokenHash: string): Promise<number | undefined> {
  const row = await db.selectFrom('calendar_feed_tokens').select('account_id').where('token_hash', '=', tokenHash).executeTakeFirst();
  return row?.account_id;
}

export async function feedTokenMadeAt(db: Db, accountId: number): Promise<string | undefined> {
  const row = await db.selectFrom('calendar_feed_tokens').select('created_at').where('account_id', '=', accountId).executeTakeFirst();
  return row?.created_at;
}

/** Stores the account's new token hash in place of the old one (one row per account: the old URL stops working). */
export async function replaceFeedToken(db: Db, accountId: number, tokenHash: string, at: Date): Promise<void> {
  await db.insertInto('calendar_feed_tokens').values({ account_id: accountId, token_hash: tokenHash, created_at: at.toISOString() })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ token_hash: tokenHash, created_at: at.toISOString() })).execute();
}

/** When each of the accounts' tokens was made (for the register extract: never the token or its hash). */
export async function feedTokensForExtract(db: Db, accountIds: readonly number[]): Promise<{ createdAt: string }[]> {
  if (accountIds.length === 0) return [];
  const rows = await db.selectFrom('calendar_feed_tokens').select('created_at').where('account_id', 'in', [...accountIds]).orderBy('created_at').execute();
  return rows.map((r) => ({ createdAt: r.created_at }));
}

/** Removes the account's token (its account is closed): the feed URL answers 404 from now on. */
export async function removeFeedToken(db: Db, accountId: number): Promise<void> {
  await db.deleteFrom('calendar_feed_tokens').where('account_id', '=', accountId).execute();
}

/** The groups an event is for: its group, or every group of its unit. */
export async function groupsOfEvent(db: Db, event: { unitId: number; groupId: number | null }): Promise<number[]> {
  return event.groupId !== null ? [event.groupId] : (await groupsOfUnit(db, event.unitId)).map((g) => g.id);
}

/** The children placed today in the event's group, or in any group of its unit. */
export async function childrenOfEvent(db: Db, event: { unitId: number; groupId: number | null }, today: string): Promise<number[]> {
  const groups = await groupsOfEvent(db, event);
  const children = await Promise.all(groups.map((g) => childrenInGroupOn(db, g, today)));
  return [...new Set(children.flat())];
}

async function locateEvent(db: Db, eventId: number, today: string): Promise<Location | null> {
  const event = await db.selectFrom('calendar_events').select(['municipality_id', 'unit_id', 'group_id']).where('id', '=', eventId).executeTakeFirst();
  if (!event) return null;
  const where = { unitId: event.unit_id, groupId: event.group_id };
  return {
    municipalityId: event.municipality_id, unitIds: [event.unit_id], groupIds: event.group_id !== null ? [event.group_id] : [],
    childIds: await childrenOfEvent(db, where, today),
  };
}

/** The records of this module that routes name by id. */
export const calendarLocators = { calendarEvent: locateEvent } satisfies Partial<Locators>;
