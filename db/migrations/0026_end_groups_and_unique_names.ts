import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Organisation kept by the admin pages: a group that is no longer used is ended (the day in `ended_on`) rather than
// removed, so that its past placements, attendance and history keep their group; and two areas of a municipality, two
// units of a municipality or two groups of a unit in use cannot share a name (the admin pages say so at the field,
// and an import that finds a unit or group by name finds one).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('ended_on', 'text').execute();
  await db.schema.createIndex('areas_municipality_name').unique().on('areas').columns(['municipality_id', 'name']).execute();
  await db.schema.createIndex('units_municipality_name').unique().on('units').columns(['municipality_id', 'name']).execute();
  await db.schema.createIndex('groups_unit_name_in_use').unique().on('groups').columns(['unit_id', 'name'])
    .where(sql.ref('ended_on'), 'is', null).execute();
}
