// Adding an event: the event, and a notification to the guardians of every child it concerns (placed today in its
// group, or in any group of its unit), in one transaction, each notification a link straight to the event.
import type { Db } from '../kernel/db.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { guardiansOfChildren } from '../people/queries.ts';
import { addEvent, childrenOfEvent, removeEvent, type NewEvent } from './queries.ts';

export const calendarEventNotification = defineNotificationKind({ key: 'calendarEvent', topic: 'calendar' });

/** Stores the event and tells the guardians; `where` is the group's or the unit's name, for the notification. */
export async function publishEvent(db: Db, event: NewEvent, where: string, today: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const id = await addEvent(trx, event);
    const children = await childrenOfEvent(trx, event, today);
    const guardians = await guardiansOfChildren(trx, children);
    for (const childId of children) {
      const accounts = await openAccountsOf(trx, (guardians.get(childId) ?? []).map((g) => g.id));
      await notify(trx, {
        accountIds: accounts.map((a) => a.id), kind: calendarEventNotification, childId, url: `/calendar/events/${id}`, at: event.at,
        params: { title: event.title, date: event.date, where, ...(event.repeatUntil ? { context: 'weekly' } : {}) },
      });
    }
    return id;
  });
}

export async function unpublishEvent(db: Db, eventId: number): Promise<boolean> {
  return removeEvent(db, eventId);
}
