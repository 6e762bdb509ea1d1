import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Two homes (issue 26, server/schedule/): a child whose guardians live apart. Each guardian says once which days are
// theirs to register care times for (`care_home_patterns`): every other week from the week of `valid_from`
// ('alternate-weeks'), or some weekdays every week ('weekdays', `weekdays` "1,2,3": ISO weekdays), from a day on,
// until the next pattern of the same guardian takes over (`valid_to`, the last day, both included). Two guardians'
// patterns never share a day (checked before a save). A day both registered differently is not overwritten: the
// later registration waits in `care_time_conflicts` beside the day's care time until a guardian settles it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('care_home_patterns')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('guardian_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('weekdays', 'text')
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_to', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('care_home_patterns_child').on('care_home_patterns').columns(['child_id', 'valid_from']).execute();

  await db.schema.createTable('care_time_conflicts')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('starts', 'text')
    .addColumn('ends', 'text')
    .addColumn('day_off', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('registered_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('settled_at', 'text')
    .addColumn('settled_by', 'integer', (c) => c.references('persons.id'))
    .execute();
  await db.schema.createIndex('care_time_conflicts_child_date').on('care_time_conflicts').columns(['child_id', 'date']).execute();
}
