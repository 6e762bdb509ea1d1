import type { Kysely } from 'kysely';

// A unit's menu (matsedel, server/menu/): one row per unit and day (the key) with the day's breakfast, lunch and snack
// (mellanmål), each optional. `version` rises with every save, so two staff saving the same week at once never
// silently overwrite each other's day: a save names the version it was made from (a conditional update).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('menu_days')
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('breakfast', 'text')
    .addColumn('lunch', 'text')
    .addColumn('snack', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_by_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('menu_days_pk', ['unit_id', 'date'])
    .execute();
}
