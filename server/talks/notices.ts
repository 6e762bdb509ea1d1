// Who hears about development talks, through the one notifications writer:
// - "times are open": when staff publish times for a group, the families of its children who have no talk booked yet
//   (with one talk per home, each home that has none) — once a day and group however many times are published: the
//   publish queues a job (`talks.open`) in its own transaction and the job claims the group's day (talk_open_notices),
//   so the publish stays fast and a rerun, a second job or a second process tells nobody twice;
// - a reminder when staff press "remind" (the same families);
// - when staff book or cancel a talk on a family's behalf, that family (the home the talk is for);
// - the day before a booked talk (a periodic task of the job runner; each booking once: talk_bookings.reminded_at).
import { openAccountsOf } from '../accounts/queries.ts';
import { today, type Clock } from '../kernel/clock.ts';
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { enqueueJob, jobKind, jobQueued, type JobRunner } from '../kernel/jobs.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { childrenInGroup, groupWithUnit, guardiansOfChild, guardiansOfChildren } from '../people/queries.ts';
import { bookedHomesInGroup, claimOpenNotice, slotsOfGroup, takeDueReminders, talkSettings, type Slot } from './queries.ts';
import { bookingOpen, householdOf } from './rules.ts';

export const talksOpenNotification = defineNotificationKind({ key: 'talksOpen', topic: 'calendar' });
export const talkBookingReminder = defineNotificationKind({ key: 'talkBookingReminder', topic: 'calendar' });
export const talkTomorrowNotification = defineNotificationKind({ key: 'talkTomorrow', topic: 'calendar' });
export const talkBookedByStaff = defineNotificationKind({ key: 'talkBookedByStaff', topic: 'calendar' });
export const talkCancelledByStaff = defineNotificationKind({ key: 'talkCancelledByStaff', topic: 'calendar' });

/** The job that tells a group's families that times are open; payload `{ groupId, day }`. */
export const TALKS_OPEN_JOB = jobKind('talks.open');

/** How often the runner looks for tomorrow's talks not yet reminded. */
const REMINDER_CHECK_MS = 15 * 60_000;

/** The open accounts of a child's guardians; with `household`, only those of that home (one talk each). */
async function guardianAccounts(db: Db, childId: number, household?: number): Promise<number[]> {
  const guardians = (await guardiansOfChild(db, childId)).filter((g) => household === undefined || Number(g.otherHousehold) === household);
  return (await openAccountsOf(db, guardians.map((g) => g.id))).map((a) => a.id);
}

/**
 * The group's children placed on `day` with the accounts of their guardians whose home has no coming talk in the group:
 * with one talk together, a child's booking is the whole family's; with one talk each, each home books its own.
 */
async function familiesToBook(db: Db, groupId: number, day: string): Promise<{ childId: number; firstName: string; accountIds: number[] }[]> {
  const group = await groupWithUnit(db, groupId);
  if (!group) return [];
  const [settings, children] = await Promise.all([talkSettings(db, group.unitId), childrenInGroup(db, groupId, day)]);
  const ids = children.map((c) => c.id);
  const [booked, guardians] = await Promise.all([bookedHomesInGroup(db, groupId, ids, day), guardiansOfChildren(db, ids)]);
  const accounts = await openAccountsOf(db, [...new Set([...guardians.values()].flat().map((g) => g.id))]);
  return children.flatMap((child) => {
    const homes = booked.get(child.id) ?? new Set<number>();
    const waiting = (guardians.get(child.id) ?? []).filter((g) => settings.twoHomes === 'together'
      ? homes.size === 0 : !homes.has(householdOf(settings.twoHomes, g.otherHousehold)));
    const accountIds = accounts.filter((a) => waiting.some((g) => g.id === a.personId)).map((a) => a.id);
    return accountIds.length ? [{ childId: child.id, firstName: child.firstName, accountIds }] : [];
  });
}

async function tellFamilies(db: Db, groupId: number, day: string, kind: typeof talksOpenNotification | typeof talkBookingReminder, at: Date): Promise<number> {
  let told = 0;
  for (const family of await familiesToBook(db, groupId, day)) {
    await notify(db, { accountIds: family.accountIds, kind, childId: family.childId, url: `/children/${family.childId}/talks`, at, params: { child: family.firstName } });
    told += family.accountIds.length;
  }
  return told;
}

/**
 * Queues the group's "times are open" notice of the day, in the publishing transaction (both stored or neither). A
 * batch of times queues one job; should two be queued at the same moment, the job's claim still tells each family once.
 */
export async function queueTalksOpen(trx: Db, groupId: number, day: string, at: Date): Promise<void> {
  const payload = { groupId, day };
  if (!(await jobQueued(trx, TALKS_OPEN_JOB, payload))) await enqueueJob(trx, TALKS_OPEN_JOB, payload, at);
}

/** Whether the group has a free time that guardians may book on `day` (the booking rule: before the unit's deadline). */
async function bookableTimeOpen(db: Db, groupId: number, day: string): Promise<boolean> {
  const group = await groupWithUnit(db, groupId);
  if (!group) return false;
  const [settings, slots] = await Promise.all([talkSettings(db, group.unitId), slotsOfGroup(db, groupId, day)]);
  return slots.some((s) => s.booking === null && bookingOpen(s.date, day, settings));
}

/** The job: tells the families who have no talk yet that times are open, once per group and day; returns how many accounts. */
export async function tellTalksOpen(db: Db, groupId: number, day: string, at: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Only times a guardian can book today are news: times inside the unit's deadline tell nobody and leave the day
    // unclaimed, so a bookable time published later that day is still told.
    if (!(await bookableTimeOpen(trx, groupId, day))) return 0;
    if (!(await claimOpenNotice(trx, groupId, day, at))) return 0;
    return tellFamilies(trx, groupId, day, talksOpenNotification, at);
  });
}

/** Staff remind the families who have not booked; returns how many accounts were told. */
export async function remindToBook(db: Db, groupId: number, day: string, at: Date): Promise<number> {
  return db.transaction().execute((trx) => tellFamilies(trx, groupId, day, talkBookingReminder, at));
}

/** Tells the family that staff booked (or cancelled) the child's talk on their behalf: the home the talk is for, or everyone with one talk together. */
export async function tellBookedByStaff(db: Db, b: { which: 'booked' | 'cancelled'; childId: number; childFirstName: string; household: number; slot: Slot; at: Date }): Promise<void> {
  const group = await groupWithUnit(db, b.slot.groupId);
  const settings = await talkSettings(db, group?.unitId ?? 0);
  const accountIds = await guardianAccounts(db, b.childId, settings.twoHomes === 'each' ? b.household : undefined);
  await notify(db, {
    accountIds, kind: b.which === 'booked' ? talkBookedByStaff : talkCancelledByStaff, childId: b.childId, url: `/children/${b.childId}/talks`,
    at: b.at, params: { child: b.childFirstName, date: b.slot.date, time: b.slot.start },
  });
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

/** The runner's periodic look for tomorrow's talks, and the "times are open" job. */
export function registerTalkJobs(runner: JobRunner, deps: { db: Db; clock: Clock }): void {
  runner.every(jobKind('talks.reminders'), REMINDER_CHECK_MS, async () => { await sendTalkReminders(deps.db, deps.clock); });
  runner.register(TALKS_OPEN_JOB, async (payload: { groupId?: unknown; day?: unknown } | undefined) => {
    const groupId = Number(payload?.groupId);
    const day = String(payload?.day ?? '');
    if (!Number.isSafeInteger(groupId) || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
    await tellTalksOpen(deps.db, groupId, day, deps.clock.now());
  });
}
