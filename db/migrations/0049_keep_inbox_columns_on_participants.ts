import { sql, type Kysely } from 'kysely';

// The inbox (server/messages/queries.ts `inbox`) reads one row per thread of the account: what the page shows is kept
// on the account's own message_participants row, in the same transaction as every send, read and retraction
// (`keepInboxColumns`), instead of being worked out from every message of every thread on each visit.
//   last_message_at / last_sender_account_id: the newest message the account sees in the thread (sent by it or to it,
//     a retracted one included: it still stands in the thread as "taken back") and who sent it;
//   unread_count: messages to the account not read and not taken back;
//   has_received / has_sent: whether any message reached it / it sent any (the "received" and "sent" lists).
// Existing rows are filled from the messages.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('message_participants').addColumn('last_message_at', 'text').execute();
  await db.schema.alterTable('message_participants').addColumn('last_sender_account_id', 'integer').execute();
  await db.schema.alterTable('message_participants').addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('message_participants').addColumn('has_received', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('message_participants').addColumn('has_sent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('message_participants_inbox').on('message_participants')
    .columns(['account_id', 'archived_at', 'last_message_at']).execute();

  const seen = sql`(m.sender_account_id = message_participants.account_id or exists (select 1 from message_recipients r
    where r.message_id = m.id and r.account_id = message_participants.account_id))`;
  await sql`update message_participants set
    last_message_at = (select max(m.sent_at) from messages m where m.thread_id = message_participants.thread_id and ${seen}),
    last_sender_account_id = (select m.sender_account_id from messages m where m.thread_id = message_participants.thread_id and ${seen}
      order by m.sent_at desc, m.id desc limit 1),
    unread_count = (select count(*) from messages m inner join message_recipients r on r.message_id = m.id
      where m.thread_id = message_participants.thread_id and r.account_id = message_participants.account_id
      and r.read_at is null and m.retracted_at is null),
    has_received = case when exists (select 1 from messages m inner join message_recipients r on r.message_id = m.id
      where m.thread_id = message_participants.thread_id and r.account_id = message_participants.account_id) then 1 else 0 end,
    has_sent = case when exists (select 1 from messages m
      where m.thread_id = message_participants.thread_id and m.sender_account_id = message_participants.account_id) then 1 else 0 end`.execute(db);
}
