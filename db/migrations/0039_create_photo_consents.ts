import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// Photo consent (server/consent/): each guardian's answer, yes or no, to whether the child may appear in photos and
// films published to the whole group (the group's documentation and blog). Given by the guardian in Vardag, or
// recorded by staff from a paper answer (`source` 'paper', `answered_on` the day written on the paper). Rows are never
// changed: a new answer is a new row, so the history (who, when) stays; a guardian's current answer is their latest row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('photo_consents')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('guardian_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('answer', 'text', (c) => c.notNull().check(oneOf('answer', ['yes', 'no'])))
    .addColumn('source', 'text', (c) => c.notNull().check(oneOf('source', ['guardian', 'paper'])))
    .addColumn('answered_on', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('photo_consents_child_guardian').on('photo_consents').columns(['child_id', 'guardian_id', 'id']).execute();
}
