import type { Kysely } from 'kysely';
import { flagColumn, idColumn } from '../sql.ts';

// Care times (Tidsregistrering): a child's registered day (times or "Ledig", a guardian's comment, a staff comment),
// and standard weekly schedules that fill the days nobody registered, each valid from a day on.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('care_times')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('starts', 'text')
    .addColumn('ends', 'text')
    .addColumn('day_off', 'integer', flagColumn)
    .addColumn('comment', 'text')
    .addColumn('registered_by', 'integer', (c) => c.references('accounts.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // Bumped by every change of the times, "Ledig" or the comment: a form that saw an older version does not overwrite.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('staff_comment', 'text')
    .addColumn('staff_comment_by', 'integer', (c) => c.references('accounts.id'))
    .addColumn('staff_comment_at', 'text')
    .addUniqueConstraint('care_times_child_date', ['child_id', 'date'])
    .execute();
  await db.schema.createIndex('care_times_date').on('care_times').column('date').execute();

  await db.schema.createTable('standard_schedules')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('standard_schedules_child_from', ['child_id', 'valid_from'])
    .execute();
  await db.schema.createTable('standard_care_times')
    .addColumn('schedule_id', 'integer', (c) => c.notNull().references('standard_schedules.id').onDelete('cascade'))
    .addColumn('weekday', 'integer', (c) => c.notNull())
    .addColumn('starts', 'text')
    .addColumn('ends', 'text')
    .addColumn('day_off', 'integer', flagColumn)
    .addPrimaryKeyConstraint('standard_care_times_pk', ['schedule_id', 'weekday'])
    .execute();
}
