// Telling the guardians that staff marked their child arrived or picked up — only those who chose it: the topic
// 'attendance' is off until a guardian turns it on for the child in "Notiser" (/settings/notifications). With it off
// nothing is written, not even in the bell: a tap on Today disturbs nobody who did not ask for it.
import type { Db } from '../kernel/db.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { choicesOf, notify } from '../notifications/queries.ts';
import { applicableChoice } from '../notifications/rules.ts';
import { guardiansOfChild, firstNameOf } from '../people/queries.ts';

/** "Elsa har kommit 08:05" and "Elsa har hämtats 16:10": `notifications.kinds.childArrived` / `childLeft`. */
export const childArrivedNotification = defineNotificationKind({ key: 'childArrived', topic: 'attendance' });
export const childLeftNotification = defineNotificationKind({ key: 'childLeft', topic: 'attendance' });

/** The open accounts of the child's guardians whose choice of the topic for the child is not 'off'. */
export async function attendanceListeners(db: Db, childId: number): Promise<number[]> {
  const guardians = await guardiansOfChild(db, childId);
  const accounts = (await openAccountsOf(db, guardians.map((g) => g.id))).map((a) => a.id);
  if (accounts.length === 0) return [];
  const stored = await choicesOf(db, accounts, 'attendance');
  return accounts.filter((id) => applicableChoice(stored.get(id) ?? [], 'attendance', childId).timing !== 'off');
}

/** Pass the transaction of the check-in or check-out: the notification and the tap are stored together or not at all. */
export async function notifyAttendance(db: Db, n: { childId: number; event: 'arrive' | 'leave'; time: string; at: Date }): Promise<void> {
  const accountIds = await attendanceListeners(db, n.childId);
  if (accountIds.length === 0) return;
  // Only the first name goes into a notification: never a last name.
  const child = (await firstNameOf(db, n.childId)) ?? '';
  await notify(db, {
    accountIds, kind: n.event === 'arrive' ? childArrivedNotification : childLeftNotification, childId: n.childId,
    params: { child, time: n.time }, url: `/children/${n.childId}`, at: n.at,
  });
}
