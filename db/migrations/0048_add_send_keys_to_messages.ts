import type { Kysely } from 'kysely';

// A message's send key (server/messages/write.ts): the random key its form carried. A form sent twice (a double click,
// a resend after a timeout) carries the same key, and the unique index lets only the first through: the second POST
// finds what the first made and goes there, without a second message, thread or fan-out — also when both arrive at the
// same moment (the index decides, not a look first). Null for a message sent without a key (the fan-out's, older ones).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('send_key', 'text').execute();
  await db.schema.createIndex('messages_send_key').on('messages').columns(['sender_account_id', 'send_key']).unique().execute();
}
