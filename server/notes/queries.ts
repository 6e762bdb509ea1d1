// Notes (Anteckningar): short notes about one child for its guardians, written by the staff of the child's group in a
// unit that uses notes. The SQL of the notes table, and the locators: a child's notes sit where the child is placed in
// a unit that uses notes; a note where its child is placed in the note's unit, while that unit uses notes (a child who
// left the unit, or a unit that turned notes off, takes the notes out of everyone's reach but the register's).
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';
import { personName } from '../people/queries.ts';
import { unitsUsingNotes } from './features.ts';

export interface Note {
  id: number; childId: number; unitId: number; body: string; author: string; authorId: number;
  createdAt: string; updatedAt: string; edited: boolean; version: number;
}

const noteList = (db: Db) => db.selectFrom('notes')
  .select((eb) => ['notes.id', 'notes.child_id', 'notes.unit_id', 'notes.body', 'notes.author_id', 'notes.created_at', 'notes.updated_at',
    'notes.version', personName(eb, 'notes.author_id').as('author')]);

type NoteRow = Awaited<ReturnType<ReturnType<typeof noteList>['execute']>>[number];

function toNote(r: NoteRow): Note {
  return {
    id: r.id, childId: r.child_id, unitId: r.unit_id, body: r.body, author: r.author ?? '', authorId: r.author_id,
    createdAt: r.created_at, updatedAt: r.updated_at, edited: r.updated_at !== r.created_at, version: r.version,
  };
}

/** The child's notes written in the units, newest first. */
export async function notesOfChild(db: Db, childId: number, unitIds: readonly number[]): Promise<Note[]> {
  if (unitIds.length === 0) return [];
  const rows = await noteList(db).where('notes.child_id', '=', childId).where('notes.unit_id', 'in', unitIds)
    .orderBy('notes.created_at', 'desc').orderBy('notes.id', 'desc').execute();
  return rows.map(toNote);
}

/** How many notes the child has in the units (for a link: "Anteckningar (3)"). */
export async function countNotes(db: Db, childId: number, unitIds: readonly number[]): Promise<number> {
  if (unitIds.length === 0) return 0;
  const row = await db.selectFrom('notes').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('child_id', '=', childId).where('unit_id', 'in', unitIds).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function noteById(db: Db, noteId: number): Promise<Note | undefined> {
  const row = await noteList(db).where('notes.id', '=', noteId).executeTakeFirst();
  return row && toNote(row);
}

export async function addNote(db: Db, note: { childId: number; unitId: number; body: string; by: number; at: Date }): Promise<number> {
  const at = note.at.toISOString();
  const { id } = await db.insertInto('notes').values({
    child_id: note.childId, unit_id: note.unitId, author_id: note.by, body: note.body, created_at: at, updated_at: at, updated_by: note.by,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Saves the note's new text unless someone saved it since `version` was read: false then, and nothing changes. */
export async function changeNote(db: Db, noteId: number, version: number, change: { body: string; by: number; at: Date }): Promise<boolean> {
  const saved = await db.updateTable('notes')
    .set((eb) => ({ body: change.body, updated_at: change.at.toISOString(), updated_by: change.by, version: eb('version', '+', 1) }))
    .where('id', '=', noteId).where('version', '=', version).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1;
}

export async function removeNote(db: Db, noteId: number): Promise<boolean> {
  const removed = await db.deleteFrom('notes').where('id', '=', noteId).executeTakeFirst();
  return Number(removed.numDeletedRows) === 1;
}

const noteRow = prepared((db: Db, noteId: number) => db.selectFrom('notes').select(['child_id', 'unit_id']).where('id', '=', noteId));

/** The child where it is placed in the units (`keep`): those units, its groups in them; null when in none. */
async function childIn(db: Db, childId: number, today: string, keep: (unitId: number) => boolean): Promise<Location | null> {
  const child = await locateChild(db, childId, today);
  const groups = (child?.groups ?? []).filter((g) => keep(g.unitId));
  if (!child || groups.length === 0) return null;
  return { ...child, unitIds: [...new Set(groups.map((g) => g.unitId))], groupIds: groups.map((g) => g.id), groups };
}

/** A child's notes sit where the child is placed in a unit that uses notes. */
async function locateChildNotes(db: Db, childId: number, today: string): Promise<Location | null> {
  const child = await locateChild(db, childId, today);
  if (!child) return null;
  const using = await unitsUsingNotes(db, child.unitIds);
  return childIn(db, childId, today, (unit) => using.has(unit));
}

/** A note sits where its child is placed in the note's unit, while that unit uses notes. */
async function locateNote(db: Db, noteId: number, today: string): Promise<Location | null> {
  const [note] = await noteRow(db, noteId);
  if (!note || !(await unitsUsingNotes(db, [note.unit_id])).has(note.unit_id)) return null;
  return childIn(db, note.child_id, today, (unit) => unit === note.unit_id);
}

/** The records of this module that routes name by id. */
export const noteLocators = { childNotes: locateChildNotes, note: locateNote } satisfies Partial<Locators>;
