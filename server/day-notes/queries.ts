// Same-day notes (server/day-notes/): the SQL of the day_notes table, and its locator: a note sits where its child is.
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { locateChild } from '../people/relations.ts';

const dayNoteChild = prepared((db: Db, dayNoteId: number) => db.selectFrom('day_notes').select('child_id').where('id', '=', dayNoteId));

async function locateDayNote(db: Db, dayNoteId: number, today: string): Promise<Location | null> {
  const [row] = await dayNoteChild(db, dayNoteId);
  return row ? locateChild(db, row.child_id, today) : null;
}

/** The records of this module that routes name by id. */
export const dayNoteLocators = { dayNote: locateDayNote } satisfies Partial<Locators>;
