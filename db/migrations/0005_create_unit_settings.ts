import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('municipalities').addColumn('terms_of_use', 'text').execute();
  await db.schema.createTable('unit_settings')
    .addColumn('unit_id', 'integer', (c) => c.primaryKey().references('units.id'))
    .addColumn('lock_days', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('plan_ahead_months', 'integer', (c) => c.notNull().defaultTo(12))
    .addColumn('invite_days_before', 'integer', (c) => c.notNull().defaultTo(14))
    .execute();
  await db.schema.createTable('unit_boxes')
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('box', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_boxes_pk', ['unit_id', 'box'])
    .execute();
  await db.schema.createTable('unit_closed_days')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addUniqueConstraint('unit_closed_days_day', ['unit_id', 'date'])
    .execute();
  await db.schema.createTable('group_settings')
    .addColumn('group_id', 'integer', (c) => c.primaryKey().references('groups.id'))
    .addColumn('change_cutoff', 'text')
    .execute();
  await db.schema.createTable('settings_changes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('setting', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('changed_by', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('settings_changes_unit').on('settings_changes').columns(['unit_id', 'changed_at']).execute();
}
