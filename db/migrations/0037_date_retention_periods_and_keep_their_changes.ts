import { sql, type Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Two things for retention (server/privacy/). A period may now be in days as well as months: the kinds kept for a time
// from their own event (a registry file's upload, a mail's sending) count days, those of a child who left count
// months; so `months` becomes `length`, with its `unit`. And every change of a period is kept (who, when, from what to
// what), where only the last one was: the periods set so far become each one's first change, from the default.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('retention_periods').renameColumn('months', 'length').execute();
  await db.schema.alterTable('retention_periods').addColumn('unit', 'text', (c) => c.notNull().defaultTo('months')).execute();
  await db.schema.createTable('retention_period_changes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    // null: the kind's default (no period of the municipality's own before)
    .addColumn('old_length', 'integer')
    .addColumn('new_length', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('retention_period_changes_by_municipality').on('retention_period_changes').columns(['municipality_id', 'id']).execute();
  await sql`insert into retention_period_changes (municipality_id, kind, unit, old_length, new_length, changed_by, changed_at)
    select municipality_id, kind, unit, null, length, changed_by, changed_at from retention_periods
    order by changed_at, municipality_id, kind`.execute(db);
}
