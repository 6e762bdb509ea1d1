import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Development talks (server/talks/). A slot is a time one staff member offers the guardians of a group's children: a
// day, a start and an end (local times), and a place or a video link. A booking takes a slot for one child and one home
// (`household` 0: the child's own household, or the whole family when the unit wants one talk together; 1: the other
// household): `slot_id` is unique, so two guardians racing for the last slot cannot both get it. `active_key`
// ("<child>:<household>") is set while the talk is still to come, and is unique too: one coming talk per child and home,
// also when two guardians of the same home book at the same moment. `reminded_at`: the notification of the day before
// went out (the daily run sets it with a conditional update, so a second run sends nothing).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('talk_slots')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('staff_person_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('end_time', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('video_url', 'text')
    .addColumn('created_by_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('talk_slots_group_date').on('talk_slots').columns(['group_id', 'date']).execute();
  await db.schema.createIndex('talk_slots_staff_date').on('talk_slots').columns(['staff_person_id', 'date']).execute();

  await db.schema.createTable('talk_bookings')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('slot_id', 'integer', (c) => c.notNull().unique().references('talk_slots.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('household', 'integer', (c) => c.notNull())
    .addColumn('active_key', 'text', (c) => c.unique())
    .addColumn('booked_by_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('booked_at', 'text', (c) => c.notNull())
    .addColumn('reminded_at', 'text')
    .execute();
  await db.schema.createIndex('talk_bookings_child').on('talk_bookings').column('child_id').execute();
}
