// Closing a unit for a day or a range of days (a summer closure is one entry): the entry, and a notification to the
// guardians of every child with care times registered on those days, in one transaction. The settings page lists the
// children with times under each coming entry.
import type { Db } from '../kernel/db.ts';
import { retryRaces } from '../kernel/races.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { childrenInGroup, groupsOfUnit, guardiansOfChild } from '../people/queries.ts';
import { addClosedDay, type Change } from './queries.ts';

export const closedDaysNotification = defineNotificationKind({ key: 'closedDays', topic: 'information' });

export interface ChildWithTimes { id: number; name: string }

/**
 * Which of the children have care times registered from `from` to `to` (from `today` on): schedule's query, handed in
 * by app.ts, since schedule reads settings' calendar and settings may not import schedule.
 */
export type ChildrenWithTimesBetween = (db: Db, childIds: readonly number[], from: string, to: string, today: string) => Promise<Set<number>>;

/** The children placed in the unit today who have care times registered on some day from `from` to `to` (from today on), by name. */
export async function childrenWithTimes(
  db: Db, timesBetween: ChildrenWithTimesBetween, unitId: number, from: string, to: string, today: string,
): Promise<ChildWithTimes[]> {
  const groups = await groupsOfUnit(db, unitId);
  const children = (await Promise.all(groups.map((g) => childrenInGroup(db, g.id, today)))).flat();
  const withTimes = await timesBetween(db, children.map((c) => c.id), from, to, today);
  return children.filter((c) => withTimes.has(c.id)).map((c) => ({ id: c.id, name: `${c.firstName} ${c.lastName}` }))
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export type CloseDays = { ok: true; affected: ChildWithTimes[] } | { ok: false; error: 'already-closed' | 'overlaps' };

export async function closeDays(
  db: Db, timesBetween: ChildrenWithTimesBetween, unit: { id: number; name: string }, days: { date: string; lastDate: string; reason: string }, change: Change, today: string,
): Promise<CloseDays> {
  // The same first day added twice at once: the second meets the first's row (the unique key), as if it had come later.
  return retryRaces(() => db.transaction().execute(async (trx): Promise<CloseDays> => {
    const added = await addClosedDay(trx, unit.id, days, change);
    if (!added.ok) return added;
    const affected = await childrenWithTimes(trx, timesBetween, unit.id, days.date, days.lastDate, today);
    const range = days.lastDate !== days.date;
    for (const child of affected) {
      const accounts = await openAccountsOf(trx, (await guardiansOfChild(trx, child.id)).map((g) => g.id));
      await notify(trx, {
        accountIds: accounts.map((a) => a.id), kind: closedDaysNotification, childId: child.id, url: `/children/${child.id}/schedule`, at: change.at,
        params: { unit: unit.name, date: days.date, reason: days.reason, ...(range ? { lastDate: days.lastDate, context: 'range' } : {}) },
      });
    }
    return { ok: true, affected };
  }), ['unit_closed_days.date']);
}
