import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// Absence reported for a day (whole day, or part of a school day), arrivals and departures, and the history of both.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('absences')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('starts', 'text')
    .addColumn('ends', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', ['reported', 'unreported'])))
    .addColumn('comment', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'text')
    .addColumn('cancelled_by', 'integer', (c) => c.references('accounts.id'))
    .execute();
  await db.schema.createIndex('absences_child_date').on('absences').columns(['child_id', 'date']).execute();
  await db.schema.createIndex('absences_date').on('absences').column('date').execute();
  await db.schema.createTable('attendances')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('arrived_at', 'text')
    .addColumn('left_at', 'text')
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('accounts.id'))
    .addUniqueConstraint('attendances_child_date', ['child_id', 'date'])
    .execute();
  await db.schema.createTable('care_history')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('old_value', 'text')
    .addColumn('new_value', 'text')
    .addColumn('changed_by', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('care_history_child').on('care_history').columns(['child_id', 'date']).execute();
}
