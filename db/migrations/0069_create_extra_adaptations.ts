import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Extra adaptations (extra anpassningar, "Övrig bedömning" in seed 001; server/adaptations/): what the school does for
// one pupil (extra time, a quiet room, pictures with the schedule), who decided it (`decided_by`, as written: "Klassläraren
// och specialpedagogen") and on which day, the day it is to be reviewed by (never before the decision), written in the
// pupil's class (`group_id`); ended on a day (`ended_on`) and then kept read-only. `version` is the row version.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('extra_adaptations')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_on', 'text', (c) => c.notNull())
    .addColumn('review_by', 'text', (c) => c.notNull())
    .addColumn('ended_on', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('extra_adaptations_child').on('extra_adaptations').columns(['child_id', 'decided_on']).execute();
}
