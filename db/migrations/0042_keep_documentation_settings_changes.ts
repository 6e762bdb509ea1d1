import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Every change of a municipality's documentation settings (server/documentation/settings.ts), kept: which setting,
// from what to what, who and when; the admins' page lists them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('documentation_settings_changes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('setting', 'text', (c) => c.notNull())
    // null: the default (the municipality had no settings of its own before)
    .addColumn('old_value', 'integer')
    .addColumn('new_value', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('documentation_settings_changes_by_municipality').on('documentation_settings_changes')
    .columns(['municipality_id', 'id']).execute();
}
