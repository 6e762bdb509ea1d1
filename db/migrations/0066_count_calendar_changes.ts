import type { Kysely } from 'kysely';

// How many times the events of a place (a group, `g<id>`, or a unit's own events, `u<id>`) have changed: bumped by
// every write of an event, in its transaction (server/calendar/queries.ts). The iCal feed keeps each place's written
// events by it, so the events of a group read and written once serve every family of the group until one changes.
// No row yet: no change since this table was made (a server process's kept text never outlives a restart).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('calendar_revisions')
    .addColumn('place', 'text', (c) => c.primaryKey())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .execute();
}
