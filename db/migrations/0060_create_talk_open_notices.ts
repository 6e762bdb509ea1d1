import type { Kysely } from 'kysely';

// The "times are open" notice of development talks (server/talks/notices.ts) goes to a group's families at most once a
// day: a row per group and day, claimed in the same transaction as the notifications it sends (a second job, a rerun
// after a crash, or a second process finds the row and tells nobody again).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('talk_open_notices')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('talk_open_notices_pk', ['group_id', 'day'])
    .execute();
}
