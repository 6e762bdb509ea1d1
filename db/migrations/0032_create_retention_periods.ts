import type { Kysely } from 'kysely';

// How long a municipality keeps each kind of record of a child after the child's last placement ended, in months,
// where the municipality chose otherwise than the default its domain declares (server/kernel/personal-data.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('retention_periods')
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('months', 'integer', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.notNull())
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('retention_periods_pk', ['municipality_id', 'kind'])
    .execute();
}
