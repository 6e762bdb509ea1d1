import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Individual development plans (IUP, server/development-plans/): one per pupil and term ("HT2026"), written by a
// teacher of the pupil's class (`group_id`), often at the development talk: the pupil's goals (required) and what the
// school, the pupil and the guardians agree to do; signed off by the teacher (`signed_at`, `signed_by`; a signed plan
// is not changed), earlier terms' plans kept read-only. `version` is the row version. The guardians' and the pupil's
// comments on a plan (development_plan_comments).
// Notes of a development talk (server/talks/notes.ts): written by the staff on a talk booked in the talks domain
// (`booking_id`), one note per booking, about the booking's child. `home`: which home the note is for, fixed when it is
// written: the booking's household when the unit held one talk for each home, null when the talk was the family's
// together (a later change of the unit's two-homes setting never shows one home's note to the other home).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('development_plans')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('term', 'text', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('goals', 'text', (c) => c.notNull())
    .addColumn('school_does', 'text', (c) => c.notNull())
    .addColumn('pupil_does', 'text', (c) => c.notNull())
    .addColumn('guardians_do', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text')
    .addColumn('signed_by', 'integer', (c) => c.references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('development_plans_child_term').unique().on('development_plans').columns(['child_id', 'term']).execute();

  await db.schema.createTable('development_plan_comments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('plan_id', 'integer', (c) => c.notNull().references('development_plans.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('development_plan_comments_plan').on('development_plan_comments').columns(['plan_id', 'created_at']).execute();

  await db.schema.createTable('talk_notes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('booking_id', 'integer', (c) => c.notNull().unique().references('talk_bookings.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('home', 'integer')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('talk_notes_child').on('talk_notes').columns(['child_id']).execute();
}
