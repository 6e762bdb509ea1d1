// Same-day notes (server/day-notes/): the SQL of the day_notes table, and its locator: a note sits where its child is.
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';
import { personName } from '../people/queries.ts';
import { slices } from '../kernel/personal-data.ts';
import type { DayNoteKind, NewDayNote } from './rules.ts';

const dayNoteChild = prepared((db: Db, dayNoteId: number) => db.selectFrom('day_notes').select('child_id').where('id', '=', dayNoteId));

async function locateDayNote(db: Db, dayNoteId: number, today: string): Promise<Location | null> {
  const [row] = await dayNoteChild(db, dayNoteId);
  return row ? locateChild(db, row.child_id, today) : null;
}

/** The records of this module that routes name by id. */
export const dayNoteLocators = { dayNote: locateDayNote } satisfies Partial<Locators>;

// ---------------------------------------------------------------------------------------------------------------------
// The notes themselves.

export interface DayNote {
  id: number; childId: number; date: string; kind: DayNoteKind;
  minutes: number | null; atTime: string | null; pickupName: string | null; pickupPersonId: number | null;
  writtenBy: number; writer: string; createdAt: string; cancelledAt: string | null;
}

const noteList = (db: Db) => db.selectFrom('day_notes')
  .select((eb) => ['day_notes.id', 'day_notes.child_id', 'day_notes.date', 'day_notes.kind', 'day_notes.minutes', 'day_notes.at_time',
    'day_notes.pickup_name', 'day_notes.pickup_person_id', 'day_notes.written_by', 'day_notes.created_at', 'day_notes.cancelled_at',
    personName(eb, 'day_notes.written_by').as('writer')]);

type NoteRow = Awaited<ReturnType<ReturnType<typeof noteList>['execute']>>[number];

function toNote(r: NoteRow): DayNote {
  return {
    id: r.id, childId: r.child_id, date: r.date, kind: r.kind as DayNoteKind, minutes: r.minutes, atTime: r.at_time,
    pickupName: r.pickup_name, pickupPersonId: r.pickup_person_id, writtenBy: r.written_by, writer: r.writer ?? '',
    createdAt: r.created_at, cancelledAt: r.cancelled_at,
  };
}

/** The notes of these children on a day that were not taken back, oldest first: one query for a whole group. */
export async function dayNotesOn(db: Db, childIds: readonly number[], date: string): Promise<Map<number, DayNote[]>> {
  const byChild = new Map<number, DayNote[]>();
  for (const ids of slices(childIds)) {
    const rows = await noteList(db).where('day_notes.child_id', 'in', ids).where('day_notes.date', '=', date)
      .where('day_notes.cancelled_at', 'is', null).orderBy('day_notes.created_at').orderBy('day_notes.id').execute();
    for (const r of rows) {
      const list = byChild.get(r.child_id) ?? [];
      list.push(toNote(r));
      byChild.set(r.child_id, list);
    }
  }
  return byChild;
}

export async function dayNoteById(db: Db, dayNoteId: number): Promise<DayNote | undefined> {
  const row = await noteList(db).where('day_notes.id', '=', dayNoteId).executeTakeFirst();
  return row && toNote(row);
}

/**
 * Saves a note for each child (one transaction: all or none). A child's earlier note of the same kind that day is
 * taken back by the new one ("sena ca 15 min", then "ca 30 min": the later counts). The pickup list's person belongs to the
 * first child: a sibling's note keeps the name only.
 */
export async function addDayNotes(db: Db, childIds: readonly number[], note: NewDayNote & { date: string; by: number; at: Date }): Promise<number[]> {
  const at = note.at.toISOString();
  const write = async (trx: Db) => {
    const ids: number[] = [];
    for (const [i, childId] of childIds.entries()) {
      await trx.updateTable('day_notes').set({ cancelled_at: at, cancelled_by: note.by })
        .where('child_id', '=', childId).where('date', '=', note.date).where('kind', '=', note.kind).where('cancelled_at', 'is', null).execute();
      const { id } = await trx.insertInto('day_notes').values({
        child_id: childId, date: note.date, kind: note.kind, minutes: note.minutes, at_time: note.atTime, pickup_name: note.pickupName,
        pickup_person_id: i === 0 ? note.pickupPersonId : null, written_by: note.by, created_at: at, cancelled_at: null, cancelled_by: null,
      }).returning('id').executeTakeFirstOrThrow();
      ids.push(id);
    }
    return ids;
  };
  return db.isTransaction ? write(db) : db.transaction().execute(write);
}

/** Takes a note back (kept, marked cancelled); false when it was taken back already. */
export async function cancelDayNote(db: Db, dayNoteId: number, by: number, at: Date): Promise<boolean> {
  const updated = await db.updateTable('day_notes').set({ cancelled_at: at.toISOString(), cancelled_by: by })
    .where('id', '=', dayNoteId).where('cancelled_at', 'is', null).executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Every note of these children, for the register extract, newest first. */
export async function dayNotesForExtract(db: Db, childIds: readonly number[]): Promise<DayNote[]> {
  const notes: DayNote[] = [];
  for (const ids of slices(childIds)) {
    const rows = await noteList(db).where('day_notes.child_id', 'in', ids).orderBy('day_notes.date', 'desc').orderBy('day_notes.id', 'desc').execute();
    notes.push(...rows.map(toNote));
  }
  return notes;
}

/** Retention: removes every note of these children (at most a slice of ids). */
export async function removeDayNotesOf(db: Db, childIds: readonly number[]): Promise<number> {
  if (childIds.length === 0) return 0;
  const removed = await db.deleteFrom('day_notes').where('child_id', 'in', [...childIds]).executeTakeFirst();
  return Number(removed.numDeletedRows);
}
