import type { Kysely } from 'kysely';

// A unit closed by the municipality's admin: the first day it is closed (null while open). A closed unit keeps its
// groups, children's placements and history; it takes no new groups, placements or staff assignments.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('units').addColumn('closed_on', 'text').execute();
}
