import type { Kysely } from 'kysely';

// When a tap marked the arrival and the departure (an instant, ISO): Today offers "Ångra" for a few minutes after a
// tap, and a time corrected by hand clears it (a correction is not undone by a tap's undo).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('attendances').addColumn('arrival_marked_at', 'text').execute();
  await db.schema.alterTable('attendances').addColumn('departure_marked_at', 'text').execute();
}
