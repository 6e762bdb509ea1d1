import type { Kysely } from 'kysely';

// A mail records the municipality it concerns (an invitation's, the account's person's), so that the demo mailbox shows
// an admin only their own municipalities' mail, like the demo SMS outbox. NULL: a mail about no municipality (a test
// mail), which every admin of the demo may read. Earlier mails keep NULL.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('municipality_id', 'integer', (c) => c.references('municipalities.id')).execute();
}
