import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('municipalities')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('areas')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('units')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('area_id', 'integer', (c) => c.references('areas.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', ['preschool', 'school', 'fritids'])))
    .execute();
  await db.schema.createIndex('units_municipality').on('units').column('municipality_id').execute();
  await db.schema.createTable('unit_opening_hours')
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('opens', 'text', (c) => c.notNull())
    .addColumn('closes', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_opening_hours_pk', ['unit_id', 'weekday'])
    .execute();
  await db.schema.createTable('groups')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('groups_unit').on('groups').column('unit_id').execute();
}

