import type { Kysely } from 'kysely';

// An SMS may wait before it is sent (`send_after`): a school's mark of unreported absence can be undone until then.
// A guardian answers the school about an unreported absence: the answer is stored with the absence, who and when.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sms_outbox').addColumn('send_after', 'text').execute();
  await db.schema.alterTable('absences').addColumn('guardian_answer', 'text').execute();
  await db.schema.alterTable('absences').addColumn('answered_at', 'text').execute();
  await db.schema.alterTable('absences').addColumn('answered_by', 'integer', (c) => c.references('accounts.id')).execute();
}
