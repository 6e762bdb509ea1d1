import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// The calendar (server/calendar/): events of a group (`group_id`) or of a whole unit (`group_id` null), all-day
// (`start_time` null) or timed, on `date` and, with `repeat_until`, every week on the same weekday until that day (a
// weekly repeat always has an end). `bring`: the "ta med" items as a comma-separated list of fixed keys
// (gymClothes, packedLunch, rainClothes, outing); `note` a short text. Closed and planning days are not stored here:
// they are the unit's closed days (server/settings/), read where the calendar shows them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('calendar_events')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bring', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('start_time', 'text')
    .addColumn('end_time', 'text')
    .addColumn('repeat_until', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('calendar_events_group').on('calendar_events').columns(['group_id', 'date']).execute();
  await db.schema.createIndex('calendar_events_unit').on('calendar_events').columns(['unit_id', 'date']).execute();
}
