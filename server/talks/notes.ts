// Notes of a development talk: written by the staff on a talk booked in talks (one note per booking, about the booking's
// child), on the day of the talk or after, changed at the version read. Shown on the pupil's development plan page
// (server/development-plans/): to the pupil, to the staff and to the guardians of the home the note is for. Which home
// that is (`home`) is fixed when the note is first written: the booking's home when the unit held one talk for each
// home, none (the whole family's) when the talk was together; a later change of the unit's two-homes setting never
// shows one home's note to the other home. The only SQL on talk_notes.
import { isUniqueViolation } from '../../db/sql.ts';
import type { Db } from '../kernel/db.ts';
import { slices } from '../kernel/personal-data.ts';
import { groupWithUnit, personName } from '../people/queries.ts';
import { talkSettings } from './queries.ts';
import { householdOf, talksOfViewer, type TalkSettings, type TwoHomes } from './rules.ts';

/** A talk's note; `home` the household it is for (null: the whole family's). */
export interface TalkNote { body: string; updatedAt: string; author: string; version: number; home: number | null }

/**
 * The home a note is for, from its booking's household and the unit's two-homes setting when it is written: a booking of
 * the other home (household 1, only ever made with one talk for each home) is that home's; with one talk for each home
 * the booking's household; else null, the whole family's.
 */
export function noteHome(household: number, twoHomes: TwoHomes): number | null {
  if (household !== 0) return household;
  return twoHomes === 'each' ? 0 : null;
}

/** Whether a guardian of the child (their guardianship) reads a note for `home`: the whole family's, or their own home's. */
export function noteIsGuardians(home: number | null, guardianship: { otherHousehold: boolean }): boolean {
  return home === null || home === householdOf('each', guardianship.otherHousehold);
}

/**
 * Of the child's held talks, those a guardian sees: a talk with a note when the note is for their home (whatever the
 * unit's setting is now), a talk without one as talks shows it (talksOfViewer).
 */
export function heldTalksOfGuardian(held: readonly HeldTalk[], guardianship: { otherHousehold: boolean }): HeldTalk[] {
  const unwritten = new Set(talksOfViewer(held.filter((t) => t.note === null), guardianship));
  return held.filter((t) => (t.note ? noteIsGuardians(t.note.home, guardianship) : unwritten.has(t)));
}

/** A talk of the child that has taken place (today or before), with its note when one is written. */
export interface HeldTalk {
  bookingId: number; groupId: number; date: string; start: string; end: string; staffName: string; household: number;
  settings: TalkSettings; note: TalkNote | null;
}

/** The child's talks in the groups, today's and earlier ones, newest first, each with its note. */
export async function heldTalks(db: Db, childId: number, groupIds: readonly number[], today: string): Promise<HeldTalk[]> {
  if (groupIds.length === 0) return [];
  const rows = await db.selectFrom('talk_bookings')
    .innerJoin('talk_slots', 'talk_slots.id', 'talk_bookings.slot_id')
    .leftJoin('talk_notes', 'talk_notes.booking_id', 'talk_bookings.id')
    .select((eb) => ['talk_bookings.id as booking_id', 'talk_bookings.household', 'talk_slots.group_id', 'talk_slots.date',
      'talk_slots.start_time', 'talk_slots.end_time', personName(eb, 'talk_slots.staff_person_id').as('staff_name'),
      'talk_notes.body', 'talk_notes.updated_at', 'talk_notes.version', 'talk_notes.home', personName(eb, 'talk_notes.updated_by').as('author')])
    .where('talk_bookings.child_id', '=', childId).where('talk_slots.group_id', 'in', [...groupIds]).where('talk_slots.date', '<=', today)
    .orderBy('talk_slots.date', 'desc').orderBy('talk_slots.start_time', 'desc').orderBy('talk_bookings.id', 'desc').execute();
  const settingsOf = new Map<number, Promise<TalkSettings>>();
  return Promise.all(rows.map(async (r) => {
    const { unitId } = await unitOfGroup(db, r.group_id);
    const settings = settingsOf.get(unitId) ?? talkSettings(db, unitId);
    settingsOf.set(unitId, settings);
    return {
      bookingId: r.booking_id, groupId: r.group_id, date: r.date, start: r.start_time, end: r.end_time, staffName: r.staff_name ?? '',
      household: Number(r.household), settings: await settings,
      note: r.body === null || r.body === undefined ? null
        : { body: r.body, updatedAt: r.updated_at ?? '', author: r.author ?? '', version: Number(r.version), home: r.home === null || r.home === undefined ? null : Number(r.home) },
    };
  }));
}

async function unitOfGroup(db: Db, groupId: number): Promise<{ unitId: number }> {
  const group = await groupWithUnit(db, groupId);
  if (!group) throw new Error(`talk's group ${groupId} not found`);
  return { unitId: group.unitId };
}

export type SaveTalkNote = { ok: true } | { ok: false; error: 'not-found' | 'stale' };

/**
 * Writes the note of the child's talk `bookingId` held in one of `groupIds` on `today` or before: a first note when
 * `version` is absent and none is written (for the home of noteHome, by the unit's setting now), else the note read at
 * `version` (its home kept); 'stale' when someone saved it since (also a first note written at the same moment: the
 * unique booking lets one in).
 */
export async function saveTalkNote(
  db: Db, input: { childId: number; bookingId: number; groupIds: readonly number[]; today: string; body: string; version: number | undefined; by: number; at: Date },
): Promise<SaveTalkNote> {
  if (input.groupIds.length === 0) return { ok: false, error: 'not-found' };
  const booking = await db.selectFrom('talk_bookings').innerJoin('talk_slots', 'talk_slots.id', 'talk_bookings.slot_id')
    .leftJoin('talk_notes', 'talk_notes.booking_id', 'talk_bookings.id').select(['talk_bookings.id', 'talk_bookings.household', 'talk_slots.group_id', 'talk_notes.id as note_id'])
    .where('talk_bookings.id', '=', input.bookingId).where('talk_bookings.child_id', '=', input.childId)
    .where('talk_slots.group_id', 'in', [...input.groupIds]).where('talk_slots.date', '<=', input.today).executeTakeFirst();
  if (!booking) return { ok: false, error: 'not-found' };
  const at = input.at.toISOString();
  if (booking.note_id === null) {
    if (input.version !== undefined) return { ok: false, error: 'stale' };
    const { twoHomes } = await talkSettings(db, (await unitOfGroup(db, booking.group_id)).unitId);
    try {
      await db.insertInto('talk_notes').values({
        booking_id: input.bookingId, child_id: input.childId, home: noteHome(Number(booking.household), twoHomes), body: input.body, created_at: at, updated_at: at, updated_by: input.by,
      }).execute();
      return { ok: true };
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, error: 'stale' };
      throw error;
    }
  }
  if (input.version === undefined) return { ok: false, error: 'stale' };
  const saved = await db.updateTable('talk_notes')
    .set((eb) => ({ body: input.body, updated_at: at, updated_by: input.by, version: eb('version', '+', 1) }))
    .where('booking_id', '=', input.bookingId).where('version', '=', input.version).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1 ? { ok: true } : { ok: false, error: 'stale' };
}

/** A note of a child's talk in the register extract: the talk's day and the home the note is for (noteIsGuardians). */
export interface ExtractTalkNote { childId: number; date: string; body: string; updatedBy: number; updatedAt: string; home: number | null }

/** The notes of the children's talks, for the register extract, by the talk's day. */
export async function talkNotesOfChildren(db: Db, childIds: readonly number[]): Promise<ExtractTalkNote[]> {
  if (childIds.length === 0) return [];
  const rows = await db.selectFrom('talk_notes').innerJoin('talk_bookings', 'talk_bookings.id', 'talk_notes.booking_id')
    .innerJoin('talk_slots', 'talk_slots.id', 'talk_bookings.slot_id')
    .select(['talk_notes.child_id', 'talk_slots.date', 'talk_notes.home', 'talk_notes.body', 'talk_notes.updated_by', 'talk_notes.updated_at'])
    .where('talk_notes.child_id', 'in', [...childIds]).orderBy('talk_slots.date').orderBy('talk_notes.id').execute();
  return rows.map((r) => ({
    childId: r.child_id, date: r.date, body: r.body, updatedBy: r.updated_by, updatedAt: r.updated_at, home: r.home === null ? null : Number(r.home),
  }));
}

/** Removes the notes of the children's talks (retention, in the caller's transaction); how many went. */
export async function removeTalkNotesOfChildren(trx: Db, childIds: readonly number[]): Promise<number> {
  let removed = 0;
  for (const ids of slices(childIds)) removed += Number((await trx.deleteFrom('talk_notes').where('child_id', 'in', ids).executeTakeFirst()).numDeletedRows);
  return removed;
}

/**
 * The demo's talk held before today, with its note (server/development-plans/demo.ts), in the demo's transaction: a
 * slot, its booking (no longer coming: no active key) and the note.
 */
export async function insertDemoHeldTalk(trx: Db, talk: {
  groupId: number; staffPersonId: number; date: string; start: string; end: string; place: string; childId: number;
  byAccount: number; noteBy: number; body: string; at: Date;
}): Promise<void> {
  const at = talk.at.toISOString();
  const slot = await trx.insertInto('talk_slots').values({
    group_id: talk.groupId, staff_person_id: talk.staffPersonId, date: talk.date, start_time: talk.start, end_time: talk.end,
    place: talk.place, video_url: null, created_by_account_id: talk.byAccount, created_at: at,
  }).returning('id').executeTakeFirstOrThrow();
  const booking = await trx.insertInto('talk_bookings').values({
    slot_id: slot.id, child_id: talk.childId, household: 0, active_key: null, booked_by_account_id: talk.byAccount, booked_at: at, reminded_at: at,
  }).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('talk_notes').values({
    booking_id: booking.id, child_id: talk.childId, body: talk.body, created_at: at, updated_at: at, updated_by: talk.noteBy,
  }).execute();
}
