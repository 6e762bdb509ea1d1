// Who hears about development talks, through the one notifications writer: the guardians of the children who can book
// when a group's first free times are published, the guardians who have not booked when staff remind them, and the
// guardians of a booked talk the day before (a periodic task of the job runner; each booking once: talk_bookings.reminded_at).
import { openAccountsOf } from '../accounts/queries.ts';
import { today, type Clock } from '../kernel/clock.ts';
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { jobKind, type JobRunner } from '../kernel/jobs.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { guardiansOfChild } from '../people/queries.ts';
import { takeDueReminders } from './queries.ts';

export const talksOpenNotification = defineNotificationKind({ key: 'talksOpen', topic: 'calendar' });
export const talkBookingReminder = defineNotificationKind({ key: 'talkBookingReminder', topic: 'calendar' });
export const talkTomorrowNotification = defineNotificationKind({ key: 'talkTomorrow', topic: 'calendar' });

/** How often the runner looks for tomorrow's talks not yet reminded. */
const REMINDER_CHECK_MS = 15 * 60_000;

/** The open accounts of a child's guardians; with `household`, only those of that home (one talk each). */
async function guardianAccounts(db: Db, childId: number, household?: number): Promise<number[]> {
  const guardians = (await guardiansOfChild(db, childId)).filter((g) => household === undefined || Number(g.otherHousehold) === household);
  return (await openAccountsOf(db, guardians.map((g) => g.id))).map((a) => a.id);
}

/** Tells the guardians of each child that talks can be booked ('open': times were published; 'reminder': staff remind). */
export async function tellGuardiansToBook(db: Db, children: { id: number; firstName: string }[], which: 'open' | 'reminder', at: Date): Promise<number> {
  let told = 0;
  for (const child of children) {
    const accountIds = await guardianAccounts(db, child.id);
    await notify(db, {
      accountIds, kind: which === 'open' ? talksOpenNotification : talkBookingReminder, childId: child.id,
      url: `/children/${child.id}/talks`, at, params: { child: child.firstName },
    });
    told += accountIds.length;
  }
  return told;
}

/** Notifies the guardians of each talk tomorrow, once per booking; returns how many bookings were reminded. */
export async function sendTalkReminders(db: Db, clock: Clock): Promise<number> {
  const tomorrow = addDays(today(clock), 1);
  const at = clock.now();
  return takeDueReminders(db, tomorrow, at, async (trx, due) => {
    const settingsEach = due.household === 1;
    // A booking of home 1 is that home's own; home 0's is the whole family's unless the other home booked its own.
    const otherHasOwn = !settingsEach && (await trx.selectFrom('talk_bookings').select('id').where('child_id', '=', due.childId)
      .where('household', '=', 1).where('active_key', 'is not', null).executeTakeFirst()) !== undefined;
    const accountIds = await guardianAccounts(trx, due.childId, settingsEach || otherHasOwn ? due.household : undefined);
    await notify(trx, {
      accountIds, kind: talkTomorrowNotification, childId: due.childId, url: `/children/${due.childId}/talks`, at,
      params: { child: due.childFirstName, time: due.slot.start, place: due.slot.place || due.slot.videoUrl || '' },
    });
  });
}

/** The runner's periodic look for tomorrow's talks. */
export function registerTalkJobs(runner: JobRunner, deps: { db: Db; clock: Clock }): void {
  runner.every(jobKind('talks.reminders'), REMINDER_CHECK_MS, async () => { await sendTalkReminders(deps.db, deps.clock); });
}
