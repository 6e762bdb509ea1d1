// Adding, changing and removing an event: the event, and a notification to the guardians of every child it concerns
// (placed today in its group, or in any group of its unit), in one transaction. A new event is told with a link straight
// to it; a change of its day, time or repeat is told once more (a change of its title, note or "ta med" only is not:
// that would be noise), linking to the event; a removed event is told with a link to the calendar (the event is gone).
// An event wholly in the past, before and after the change, is changed or removed without telling anyone.
import type { Db } from '../kernel/db.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify, withdrawUnreadByUrl } from '../notifications/queries.ts';
import { guardiansOfChildren } from '../people/queries.ts';
import { addEvent, childrenOfEvent, eventRow, removeEvent, updateEvent, type NewEvent } from './queries.ts';
import { eventVersion, type EventForm } from './rules.ts';

export const calendarEventNotification = defineNotificationKind({ key: 'calendarEvent', topic: 'calendar' });
/** An event's day, time or repeat changed: `notifications.kinds.calendarEventChanged`. */
export const calendarEventChangedNotification = defineNotificationKind({ key: 'calendarEventChanged', topic: 'calendar' });
/** An event was removed: `notifications.kinds.calendarEventRemoved`, linking to the calendar. */
export const calendarEventRemovedNotification = defineNotificationKind({ key: 'calendarEventRemoved', topic: 'calendar' });

type Kind = typeof calendarEventNotification | typeof calendarEventChangedNotification | typeof calendarEventRemovedNotification;

/** One notification per child the event concerns, to the child's guardians' open accounts. */
async function tellFamilies(trx: Db, event: { unitId: number; groupId: number | null }, today: string, n: { kind: Kind; url: string; at: Date; params: Record<string, string> }) {
  const children = await childrenOfEvent(trx, event, today);
  const guardians = await guardiansOfChildren(trx, children);
  for (const childId of children) {
    const accounts = await openAccountsOf(trx, (guardians.get(childId) ?? []).map((g) => g.id));
    await notify(trx, { accountIds: accounts.map((a) => a.id), kind: n.kind, childId, url: n.url, at: n.at, params: n.params });
  }
}

/** Stores the event and tells the guardians; `where` is the group's or the unit's name, for the notification. */
export async function publishEvent(db: Db, event: NewEvent, where: string, today: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await addEvent(trx, event);
    await tellFamilies(trx, event, today, {
      kind: calendarEventNotification, url: `/calendar/events/${id}`, at: event.at,
      params: { title: event.title, date: event.date, where, ...(event.repeatUntil ? { context: 'weekly' } : {}) },
    });
    return id;
  });
}

/** Whether the event falls on today or a later day (its last day, or its only one). */
const ahead = (e: { date: string; repeatUntil: string | null }, today: string) => (e.repeatUntil ?? e.date) >= today;

export type ChangeOutcome = { ok: true; told: boolean } | { ok: false; error: 'gone' } | { ok: false; error: 'changed'; version: string };

/**
 * Changes every field of the event; its families are told when its day, time or repeat changed. `where` is the group's
 * or the unit's name. `version` is the event's eventVersion when the form was opened. An event removed meanwhile is
 * 'gone'; one changed by someone else since the form was opened, or at the same moment (the update is conditional on
 * the values read, so of two saves at once one writes and tells, the other nothing), is 'changed' with its new version.
 */
export async function changeEvent(
  db: Db, eventId: number, form: EventForm, where: string, today: string, at: Date, version?: string,
): Promise<ChangeOutcome> {
  return db.transaction().execute(async (trx): Promise<ChangeOutcome> => {
    const before = await eventRow(trx, eventId);
    if (!before) return { ok: false, error: 'gone' };
    if (version !== undefined && version !== eventVersion(before)) return { ok: false, error: 'changed', version: eventVersion(before) };
    if (!(await updateEvent(trx, eventId, form, before))) {
      const now = await eventRow(trx, eventId);
      return now ? { ok: false, error: 'changed', version: eventVersion(now) } : { ok: false, error: 'gone' };
    }
    const moved = (before.date !== form.date || before.startTime !== form.startTime || before.endTime !== form.endTime || before.repeatUntil !== form.repeatUntil)
      && (ahead(before, today) || ahead(form, today));
    if (moved) {
      await tellFamilies(trx, before, today, {
        kind: calendarEventChangedNotification, url: `/calendar/events/${eventId}`, at,
        params: { title: form.title, date: form.date, where, ...(form.repeatUntil ? { context: 'weekly' } : {}) },
      });
    }
    return { ok: true, told: moved };
  });
}

/** Removes the event and tells its families (once each), linking to the calendar; false when it was gone already. */
export async function unpublishEvent(db: Db, eventId: number, where: string, today: string, at: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await eventRow(trx, eventId);
    if (!before || !(await removeEvent(trx, eventId))) return false;
    // Its earlier notices (new, changed) lead to the removed event: those not read yet are taken back (and their
    // mails and pushes not sent yet), so no one follows a link to a page that is gone.
    await withdrawUnreadByUrl(trx, { url: `/calendar/events/${eventId}`, at });
    if (ahead(before, today)) await tellFamilies(trx, before, today, {
      kind: calendarEventRemovedNotification, url: '/calendar', at, params: { title: before.title, date: before.date, where },
    });
    return true;
  });
}
