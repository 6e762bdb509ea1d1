import type { Kysely } from 'kysely';

// A unit's closed days become ranges (a summer closure is one entry): `last_date` is the range's last day, null for
// one day alone (the days added before). Public holidays are closed by themselves (server/settings/holidays.ts); a
// unit that opens on one says so with a row here.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('unit_closed_days').addColumn('last_date', 'text').execute();
  await db.schema.createTable('unit_open_holidays')
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_open_holidays_pk', ['unit_id', 'date'])
    .execute();
}
