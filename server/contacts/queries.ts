// The contact list's one table: what each guardian shows the other guardians (contact_visibility, migration 0054).
import type { ContactShows } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';

/** The choices of the persons who made one (the others have the default). */
export async function choicesOf(db: Db, personIds: readonly number[]): Promise<Map<number, ContactShows>> {
  if (personIds.length === 0) return new Map();
  const rows = await db.selectFrom('contact_visibility').select(['person_id', 'shows']).where('person_id', 'in', [...personIds]).execute();
  return new Map(rows.map((r) => [r.person_id, r.shows]));
}

export async function choiceOf(db: Db, personId: number): Promise<{ shows: ContactShows; updatedAt: string } | undefined> {
  const row = await db.selectFrom('contact_visibility').select(['shows', 'updated_at']).where('person_id', '=', personId).executeTakeFirst();
  return row && { shows: row.shows, updatedAt: row.updated_at };
}

/** Stores the person's choice: one upsert, so two saves at once (two tabs, two processes) leave one row, the last. */
export async function saveChoice(db: Db, personId: number, shows: ContactShows, at: Date): Promise<void> {
  const row = { shows, updated_at: at.toISOString() };
  await db.insertInto('contact_visibility').values({ person_id: personId, ...row })
    .onConflict((oc) => oc.column('person_id').doUpdateSet(row)).execute();
}
