import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { flagColumn, idColumn } from '../sql.ts';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('persons')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('identity_number', 'text')
    .addColumn('identity_kind', 'text', (c) => c.check(oneOf('identity_kind', ['personnummer', 'samordningsnummer'])))
    .addColumn('birth_date', 'text')
    .addColumn('protected_identity', 'integer', flagColumn)
    .addColumn('street_address', 'text')
    .addColumn('postal_code', 'text')
    .addColumn('city', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('persons_identity').unique().on('persons')
    .columns(['municipality_id', 'identity_number']).execute();

  await db.schema.createTable('placements')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('hour_limit', 'text', (c) => c.notNull().defaultTo('none').check(oneOf('hour_limit', ['none', '15h_week', '525h_year'])))
    .execute();
  await db.schema.createIndex('placements_child').on('placements').column('child_id').execute();
  await db.schema.createIndex('placements_group').on('placements').column('group_id').execute();

  await db.schema.createTable('guardianships')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('guardian_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('other_household', 'integer', flagColumn)
    .addUniqueConstraint('guardianships_pair', ['guardian_id', 'child_id'])
    .execute();
  await db.schema.createIndex('guardianships_child').on('guardianships').column('child_id').execute();

  await db.schema.createTable('staff_assignments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(oneOf('role', ['unit_head', 'staff'])))
    .execute();
  await db.schema.createIndex('staff_assignments_person').on('staff_assignments').column('person_id').execute();
  await db.schema.createIndex('staff_assignments_group').on('staff_assignments').column('group_id').execute();

  await db.schema.createTable('municipality_admins')
    .addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addPrimaryKeyConstraint('municipality_admins_pk', ['person_id', 'municipality_id'])
    .execute();
}
