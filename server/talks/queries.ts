// Development talks: the only SQL on talk_slots, talk_bookings, talk_settings and talk_open_notices. Publishing a slot (refused when it
// overlaps another of the same staff member's), booking one for a child and home (the unique slot decides a race for
// the last one), moving and cancelling a booking, the lists for staff and guardians, and the reminders of the day before.
import type { Db } from '../kernel/db.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { isUniqueViolation, lockedRows } from '../../db/sql.ts';
import { childPlacements, groupWithUnit, lockPerson, personFirstName, personName, personProtectedIdentity } from '../people/queries.ts';
import type { UnitKind } from '../../db/schema.ts';
import { activeKey, bookingOpen, DEFAULT_DEADLINE_DAYS, DEFAULT_TWO_HOMES, overlaps, type SlotInput, type TalkSettings } from './rules.ts';

const ALL_KINDS: readonly UnitKind[] = ['preschool', 'school', 'fritids'];

export interface Slot {
  id: number; groupId: number; staffPersonId: number; staffName: string; date: string; start: string; end: string;
  place: string; videoUrl: string | null;
}
export interface SlotWithBooking extends Slot {
  booking: { id: number; childId: number; childName: string; household: number; protectedIdentity: boolean } | null;
}

function slots(db: Db) {
  return db.selectFrom('talk_slots')
    .select((eb) => ['talk_slots.id', 'talk_slots.group_id', 'talk_slots.staff_person_id', personName(eb, 'talk_slots.staff_person_id').as('staff_name'),
      'talk_slots.date', 'talk_slots.start_time', 'talk_slots.end_time', 'talk_slots.place', 'talk_slots.video_url']);
}

type SlotRow = {
  id: number; group_id: number; staff_person_id: number; staff_name: string | null; date: string;
  start_time: string; end_time: string; place: string; video_url: string | null;
};
function toSlot(r: SlotRow): Slot {
  return {
    id: r.id, groupId: r.group_id, staffPersonId: r.staff_person_id, staffName: r.staff_name ?? '', date: r.date,
    start: r.start_time, end: r.end_time, place: r.place, videoUrl: r.video_url,
  };
}

/** A unit's talk settings, or the defaults. */
export async function talkSettings(db: Db, unitId: number): Promise<TalkSettings> {
  const row = await db.selectFrom('talk_settings').select(['deadline_days', 'two_homes']).where('unit_id', '=', unitId).executeTakeFirst();
  return row ? { deadlineDays: row.deadline_days, twoHomes: row.two_homes } : { deadlineDays: DEFAULT_DEADLINE_DAYS, twoHomes: DEFAULT_TWO_HOMES };
}

export async function saveTalkSettings(db: Db, unitId: number, settings: TalkSettings, by: number, at: Date): Promise<void> {
  const values = { deadline_days: settings.deadlineDays, two_homes: settings.twoHomes, updated_by_account_id: by, updated_at: at.toISOString() };
  await db.insertInto('talk_settings').values({ unit_id: unitId, ...values })
    .onConflict((oc) => oc.column('unit_id').doUpdateSet(values)).execute();
}

export type Publish = { ok: true; id: number } | { ok: false; error: 'overlaps'; other: Slot };

/**
 * Publishes a slot for the group, held by the staff member; refused when it overlaps another slot of theirs that day.
 * The staff member's person row is locked first (PostgreSQL), so two overlapping slots posted at once cannot both pass.
 * `published` runs in the same transaction once the slot is stored.
 */
export async function publishSlot(
  db: Db, input: SlotInput & { groupId: number; staffPersonId: number; by: number; at: Date }, published?: (trx: Db, slotId: number) => Promise<void>,
): Promise<Publish> {
  return retryRaces(() => db.transaction().execute(async (trx): Promise<Publish> => {
    await lockPerson(trx, input.staffPersonId);
    const sameDay = await slots(trx).where('talk_slots.staff_person_id', '=', input.staffPersonId).where('talk_slots.date', '=', input.date).execute();
    const other = sameDay.map(toSlot).find((s) => overlaps(s, input));
    if (other) return { ok: false, error: 'overlaps', other };
    const row = await trx.insertInto('talk_slots').values({
      group_id: input.groupId, staff_person_id: input.staffPersonId, date: input.date, start_time: input.start, end_time: input.end,
      place: input.place, video_url: input.videoUrl, created_by_account_id: input.by, created_at: input.at.toISOString(),
    }).returning('id').executeTakeFirstOrThrow();
    await published?.(trx, row.id); // (what follows a publish, e.g. the families' notice queued: stored with the slot or not at all)
    return { ok: true, id: row.id };
  }));
}

/**
 * Removes a slot of the group that nobody has booked; false when it is booked or not the group's. The slot's row is
 * locked first, as a booking locks it (PostgreSQL): a guardian booking it at that moment either books first, and the
 * slot stays, or finds it gone — never a booking removed with its slot.
 */
export async function removeSlot(db: Db, groupId: number, slotId: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const slot = await lockedRows(trx, trx.selectFrom('talk_slots').select('id').where('id', '=', slotId).where('group_id', '=', groupId)).executeTakeFirst();
    if (!slot) return false;
    const result = await trx.deleteFrom('talk_slots').where('id', '=', slotId)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('talk_bookings').select('talk_bookings.id').where('talk_bookings.slot_id', '=', slotId))))
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  });
}

/** The group's slots from `from` on, each with its booking (if any), in time order. */
export async function slotsOfGroup(db: Db, groupId: number, from: string): Promise<SlotWithBooking[]> {
  const rows = await slots(db)
    .leftJoin('talk_bookings', 'talk_bookings.slot_id', 'talk_slots.id')
    .select((eb) => ['talk_bookings.id as booking_id', 'talk_bookings.child_id', 'talk_bookings.household',
      personName(eb, 'talk_bookings.child_id').as('child_name'), personProtectedIdentity(eb, 'talk_bookings.child_id').as('protected_identity')])
    .where('talk_slots.group_id', '=', groupId).where('talk_slots.date', '>=', from)
    .orderBy('talk_slots.date').orderBy('talk_slots.start_time').orderBy('talk_slots.id').execute();
  return rows.map((r) => ({
    ...toSlot(r),
    booking: r.booking_id === null ? null : {
      id: r.booking_id, childId: Number(r.child_id), childName: r.child_name ?? '', household: Number(r.household),
      protectedIdentity: r.protected_identity === 1,
    },
  }));
}

/** The groups a child is placed in now or later: the slots of these groups are the child's to book. */
async function groupsOfChild(db: Db, childId: number, today: string): Promise<{ groupId: number; unitId: number }[]> {
  return (await childPlacements(db, childId, today, ALL_KINDS)).map((p) => ({ groupId: p.groupId, unitId: p.unitId }));
}

export interface ChildTalks {
  /** Each group of the child with its unit's settings. */
  groups: { groupId: number; unitId: number; settings: TalkSettings }[];
  /** Free slots from today on of the child's groups. */
  free: Slot[];
  /** The child's coming bookings (one per home at most). */
  booked: (Slot & { bookingId: number; household: number; unitId: number; settings: TalkSettings })[];
}

/** What a child's talks page shows: the free slots of its groups and its coming bookings. */
export async function childTalks(db: Db, childId: number, today: string): Promise<ChildTalks> {
  const placed = await groupsOfChild(db, childId, today);
  const groups = await Promise.all(placed.map(async (g) => ({ ...g, settings: await talkSettings(db, g.unitId) })));
  const groupIds = groups.map((g) => g.groupId);
  if (groupIds.length === 0) return { groups, free: [], booked: [] };
  const rows = await slots(db).leftJoin('talk_bookings', 'talk_bookings.slot_id', 'talk_slots.id')
    .select(['talk_bookings.id as booking_id', 'talk_bookings.child_id', 'talk_bookings.household'])
    .where('talk_slots.group_id', 'in', groupIds).where('talk_slots.date', '>=', today)
    .where((eb) => eb.or([eb('talk_bookings.id', 'is', null), eb('talk_bookings.child_id', '=', childId)]))
    .orderBy('talk_slots.date').orderBy('talk_slots.start_time').orderBy('talk_slots.id').execute();
  const groupOf = new Map(groups.map((g) => [g.groupId, g]));
  const free: Slot[] = [];
  const booked: ChildTalks['booked'] = [];
  for (const r of rows) {
    const group = groupOf.get(r.group_id);
    if (!group) continue;
    if (r.booking_id === null) free.push(toSlot(r));
    else booked.push({ ...toSlot(r), bookingId: r.booking_id, household: Number(r.household), unitId: group.unitId, settings: group.settings });
  }
  return { groups, free, booked };
}

export type Book =
  | { ok: true; slot: Slot; moved: boolean; /** The slot was the child's and home's already: nothing changed. */ already: boolean }
  | { ok: false; error: 'taken' | 'closed' | 'not-found' | 'locked' };

class SlotTaken extends Error {}

/**
 * Books the slot for the child and home; a coming booking of the same child and home moves to it. 'taken': someone
 * booked it first (also when both posted at the same moment: the slot is unique, the second insert fails and its whole
 * transaction, the move included, is rolled back). 'closed': past the unit's deadline for this slot; 'locked': the
 * booking to move is past its deadline. `byStaff`: staff book on a guardian's behalf until the day itself.
 */
export async function bookSlot(
  db: Db, input: { childId: number; slotId: number; household: number; by: number; at: Date; today: string; byStaff: boolean },
  booked?: (trx: Db, slot: Slot) => Promise<void>,
): Promise<Book> {
  const key = activeKey(input.childId, input.household);
  try {
    return await retryRaces(() => db.transaction().execute(async (trx): Promise<Book> => {
      // (the slot's row locked, as removeSlot locks it: a slot removed meanwhile is not found)
      if (!(await lockedRows(trx, trx.selectFrom('talk_slots').select('id').where('id', '=', input.slotId)).executeTakeFirst())) return { ok: false, error: 'not-found' };
      const groups = await groupsOfChild(trx, input.childId, input.today);
      const row = await slots(trx).where('talk_slots.id', '=', input.slotId)
        .where('talk_slots.group_id', 'in', groups.length ? groups.map((g) => g.groupId) : [0]).executeTakeFirst();
      if (!row) return { ok: false, error: 'not-found' };
      const slot = toSlot(row);
      const unitId = groups.find((g) => g.groupId === slot.groupId)?.unitId ?? 0;
      const settings = await talkSettings(trx, unitId);
      if (!bookingOpen(slot.date, input.today, settings, input.byStaff)) return { ok: false, error: 'closed' };
      const taken = await trx.selectFrom('talk_bookings').select(['id', 'child_id', 'household']).where('slot_id', '=', slot.id).executeTakeFirst();
      if (taken) return taken.child_id === input.childId && taken.household === input.household ? { ok: true, slot, moved: false, already: true } : { ok: false, error: 'taken' };
      // A booking of a talk that has passed keeps its row but no longer holds the child's one coming talk.
      await trx.updateTable('talk_bookings').set({ active_key: null }).where('active_key', '=', key)
        .where('slot_id', 'in', (eb) => eb.selectFrom('talk_slots').select('talk_slots.id').where('talk_slots.date', '<', input.today)).execute();
      const current = await trx.selectFrom('talk_bookings').innerJoin('talk_slots', 'talk_slots.id', 'talk_bookings.slot_id')
        .select(['talk_bookings.id', 'talk_slots.date']).where('talk_bookings.active_key', '=', key).executeTakeFirst();
      if (current) {
        if (!bookingOpen(current.date, input.today, settings, input.byStaff)) return { ok: false, error: 'locked' };
        const gone = await trx.deleteFrom('talk_bookings').where('id', '=', current.id).executeTakeFirst();
        if (Number(gone.numDeletedRows) !== 1) throw new RaceLost('the booking to move was changed');
      }
      try {
        await trx.insertInto('talk_bookings').values({
          slot_id: slot.id, child_id: input.childId, household: input.household, active_key: key, booked_by_account_id: input.by,
          booked_at: input.at.toISOString(), reminded_at: null,
        }).execute();
      } catch (error) {
        if (isUniqueViolation(error, 'talk_bookings.slot_id')) throw new SlotTaken();
        throw error;
      }
      await booked?.(trx, slot); // (e.g. the family told that staff booked for them: with the booking or not at all)
      return { ok: true, slot, moved: current !== undefined, already: false };
    }), ['talk_bookings.active_key']);
  } catch (error) {
    if (error instanceof SlotTaken) return { ok: false, error: 'taken' };
    throw error;
  }
}

export type Cancel = { ok: true; slot: Slot; household: number } | { ok: false; error: 'not-found' | 'closed' };

/** Cancels the child's booking (of this home) until the deadline; the slot is free again. */
export async function cancelBooking(
  db: Db, input: { childId: number; bookingId: number; households: readonly number[]; today: string; byStaff: boolean },
  cancelled?: (trx: Db, slot: Slot, household: number) => Promise<void>,
): Promise<Cancel> {
  return db.transaction().execute(async (trx): Promise<Cancel> => {
    const row = await slots(trx).innerJoin('talk_bookings', 'talk_bookings.slot_id', 'talk_slots.id')
      .select(['talk_bookings.household']).where('talk_bookings.id', '=', input.bookingId)
      .where('talk_bookings.child_id', '=', input.childId).where('talk_slots.date', '>=', input.today).executeTakeFirst();
    if (!row || !input.households.includes(Number(row.household))) return { ok: false, error: 'not-found' };
    const slot = toSlot(row);
    const group = await groupWithUnit(trx, slot.groupId);
    if (!group) throw new Error(`talk slot ${slot.id}: group ${slot.groupId} not found`);
    if (!bookingOpen(slot.date, input.today, await talkSettings(trx, group.unitId), input.byStaff)) return { ok: false, error: 'closed' };
    const gone = await trx.deleteFrom('talk_bookings').where('id', '=', input.bookingId).executeTakeFirst();
    if (Number(gone.numDeletedRows) !== 1) return { ok: false, error: 'not-found' };
    await cancelled?.(trx, slot, Number(row.household)); // (in the same transaction: a failed notice undoes the cancel)
    return { ok: true, slot, household: Number(row.household) };
  });
}

/** A booking with its slot, for the .ics download: the child's coming booking by id. */
export async function bookingOfChild(db: Db, childId: number, bookingId: number): Promise<(Slot & { household: number }) | undefined> {
  const row = await slots(db).innerJoin('talk_bookings', 'talk_bookings.slot_id', 'talk_slots.id').select('talk_bookings.household')
    .where('talk_bookings.id', '=', bookingId).where('talk_bookings.child_id', '=', childId).executeTakeFirst();
  return row && { ...toSlot(row), household: Number(row.household) };
}

/** Of the children of `childIds`, the homes (0, 1) that have a coming booking in the group, per child. */
export async function bookedHomesInGroup(db: Db, groupId: number, childIds: readonly number[], today: string): Promise<Map<number, Set<number>>> {
  const homes = new Map<number, Set<number>>();
  if (childIds.length === 0) return homes;
  const rows = await db.selectFrom('talk_bookings').innerJoin('talk_slots', 'talk_slots.id', 'talk_bookings.slot_id')
    .select(['talk_bookings.child_id', 'talk_bookings.household']).where('talk_slots.group_id', '=', groupId).where('talk_slots.date', '>=', today)
    .where('talk_bookings.child_id', 'in', [...childIds]).execute();
  for (const r of rows) homes.set(r.child_id, (homes.get(r.child_id) ?? new Set()).add(Number(r.household)));
  return homes;
}

/**
 * Claims the group's "times are open" notice of the day; false when it was claimed already (by an earlier publish that
 * day, a rerun of the job, or another process at the same moment: the primary key decides, and the loser waits for the
 * winner's transaction on PostgreSQL). Pass the transaction that sends the notice, so an undone send frees the claim.
 */
export async function claimOpenNotice(trx: Db, groupId: number, day: string, at: Date): Promise<boolean> {
  const result = await trx.insertInto('talk_open_notices').values({ group_id: groupId, day, created_at: at.toISOString() })
    .onConflict((oc) => oc.columns(['group_id', 'day']).doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export interface DueReminder { bookingId: number; childId: number; childFirstName: string; household: number; slot: Slot }

/**
 * Takes the bookings of talks on `day` not yet reminded, marking each (a conditional update: a second run, or a second
 * process, finds it taken and skips it). `send` runs in the same transaction, so a failure leaves the booking unmarked.
 */
export async function takeDueReminders(db: Db, day: string, at: Date, send: (trx: Db, due: DueReminder) => Promise<void>): Promise<number> {
  const rows = await slots(db).innerJoin('talk_bookings', 'talk_bookings.slot_id', 'talk_slots.id')
    .select((eb) => ['talk_bookings.id as booking_id', 'talk_bookings.child_id', 'talk_bookings.household',
      personFirstName(eb, 'talk_bookings.child_id').as('child_first_name')])
    .where('talk_slots.date', '=', day).where('talk_bookings.reminded_at', 'is', null).execute();
  let sent = 0;
  for (const r of rows) {
    await db.transaction().execute(async (trx) => {
      const marked = await trx.updateTable('talk_bookings').set({ reminded_at: at.toISOString() })
        .where('id', '=', r.booking_id).where('reminded_at', 'is', null).executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1) return;
      await send(trx, { bookingId: r.booking_id, childId: r.child_id, childFirstName: r.child_first_name ?? '', household: Number(r.household), slot: toSlot(r) });
      sent++;
    });
  }
  return sent;
}

/** The demo's times (server/talks/demo.ts): written in the demo's own transaction, without a publish's checks or notice. */
export async function insertDemoSlots(trx: Db, groupId: number, slots: (SlotInput & { staffPersonId: number })[], by: number, at: Date): Promise<number[]> {
  if (slots.length === 0) return [];
  const rows = await trx.insertInto('talk_slots').values(slots.map((s) => ({
    group_id: groupId, staff_person_id: s.staffPersonId, date: s.date, start_time: s.start, end_time: s.end, place: s.place,
    video_url: s.videoUrl, created_by_account_id: by, created_at: at.toISOString(),
  }))).returning('id').execute();
  return rows.map((r) => r.id);
}

/** The demo's booking of a time for a child and home (the family's one coming talk). */
export async function insertDemoBooking(trx: Db, b: { slotId: number; childId: number; household: number; by: number; at: Date }): Promise<void> {
  await trx.insertInto('talk_bookings').values({
    slot_id: b.slotId, child_id: b.childId, household: b.household, active_key: activeKey(b.childId, b.household), booked_by_account_id: b.by,
    booked_at: b.at.toISOString(), reminded_at: null,
  }).execute();
}
