import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Who changed what in the register of people and organisation (areas, units, groups, persons, placements,
// guardianships, staff assignments), and when: one row for each field changed, or for a record created, ended or
// removed — by an administrator on the admin pages or by an approved registry import. Never edited. Ids only, no
// foreign keys: a row outlives the record and the person it names (until retention removes it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('register_changes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'integer')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('register_changes_by_entity').on('register_changes').columns(['entity', 'entity_id', 'id']).execute();
  await db.schema.createIndex('register_changes_by_municipality').on('register_changes').columns(['municipality_id', 'changed_at']).execute();
}
