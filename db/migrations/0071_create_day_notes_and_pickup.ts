import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Same-day notes (server/day-notes/): "Vi blir sena (ca 20 min)", "Hämtas tidigare kl 14:30", "Hämtas av någon annan:
// Mormor Eva", "Går hem själv" — for one child and one day (`date`), shown on the group's Today until midnight.
// `kind` is 'late' (`minutes`), 'early' (`at_time`), 'other-pickup' (`pickup_name`, from the pickup list:
// `pickup_person_id`, or typed; the name stays when retention removes the list's row first) or 'walks-home'. A
// cancelled one keeps its row (`cancelled_at`).
//
// The pickup list and emergency contacts (server/pickup/), kept by the guardians: `kind` 'pickup' or 'emergency';
// removed ones keep their row (`removed_at`); every change is also in the child's history. `version`: the row version.
// Who may not pick up (`pickup_bans`), recorded by the unit's head, never shown to a guardian; ended, not removed.
// Walking home alone from fritids (`walk_home_permissions`): a guardian's yes, one row per child while it holds.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('pickup_persons')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('pickup_persons_child').on('pickup_persons').columns(['child_id']).execute();

  await db.schema.createTable('pickup_bans')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .addColumn('ended_by', 'integer', (c) => c.references('persons.id'))
    .execute();
  await db.schema.createIndex('pickup_bans_child').on('pickup_bans').columns(['child_id']).execute();

  await db.schema.createTable('walk_home_permissions')
    .addColumn('child_id', 'integer', (c) => c.primaryKey().references('persons.id'))
    .addColumn('allowed_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('allowed_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('day_notes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('minutes', 'integer')
    .addColumn('at_time', 'text')
    .addColumn('pickup_name', 'text')
    .addColumn('pickup_person_id', 'integer', (c) => c.references('pickup_persons.id').onDelete('set null'))
    .addColumn('written_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'text')
    .addColumn('cancelled_by', 'integer', (c) => c.references('persons.id'))
    .execute();
  await db.schema.createIndex('day_notes_child_date').on('day_notes').columns(['child_id', 'date']).execute();
}
