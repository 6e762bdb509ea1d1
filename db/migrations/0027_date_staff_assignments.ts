import type { Kysely } from 'kysely';

// A staff assignment's first and last day (calendar days, both counted; null: since always / until ended). A
// substitute's assignment is given its last day when it is made and ends by itself; ending an assignment sets it.
// The policy counts an assignment only between the two (server/people/relations.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('staff_assignments').addColumn('start_date', 'text').execute();
  await db.schema.alterTable('staff_assignments').addColumn('end_date', 'text').execute();
  await db.schema.createIndex('staff_assignments_by_unit').on('staff_assignments').columns(['unit_id', 'person_id']).execute();
}
