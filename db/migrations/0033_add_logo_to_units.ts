import type { Kysely } from 'kysely';

// A unit's logo: the name of its re-encoded image under the data folder's media/units/ (so backups carry it), and its
// size in pixels for the page's <img>. All null while the unit has none.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('units').addColumn('logo_file', 'text').execute();
  await db.schema.alterTable('units').addColumn('logo_width', 'integer').execute();
  await db.schema.alterTable('units').addColumn('logo_height', 'integer').execute();
}
