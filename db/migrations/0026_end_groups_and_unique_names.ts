import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Organisation kept by the admin pages: a group that is no longer used is ended (the day in `ended_on`) rather than
// removed, so that its past placements, attendance and history keep their group; and two areas of a municipality, two
// units of a municipality or two groups of a unit in use cannot share a name (the admin pages say so at the field,
// and an import that finds a unit or group by name finds one).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('groups').addColumn('ended_on', 'text').execute();
  // Names given twice before this (by hand in the database) would stop the upgrade: the later ones get their id added,
  // "Förskolan Solrosen (12)", for an admin to rename on the admin pages.
  for (const [table, scope] of [['areas', 'municipality_id'], ['units', 'municipality_id'], ['groups', 'unit_id']] as const) {
    await sql`update ${sql.table(table)} set name = name || ' (' || id || ')'
      where exists (select 1 from ${sql.table(table)} earlier where earlier.${sql.ref(scope)} = ${sql.table(table)}.${sql.ref(scope)}
        and earlier.name = ${sql.table(table)}.name and earlier.id < ${sql.table(table)}.id)`.execute(db);
  }
  await db.schema.createIndex('areas_municipality_name').unique().on('areas').columns(['municipality_id', 'name']).execute();
  await db.schema.createIndex('units_municipality_name').unique().on('units').columns(['municipality_id', 'name']).execute();
  await db.schema.createIndex('groups_unit_name_in_use').unique().on('groups').columns(['unit_id', 'name'])
    .where(sql.ref('ended_on'), 'is', null).execute();
}
