import { sql, type Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// Messages (server/messages/): the tables of 0006 were never written, so they are made anew.
// A thread is 'direct' (about one child, between its guardians and staff) or a 'bulletin' (to a group's or a unit's
// guardians). `message_participants` are the accounts in a thread, each with its role and its own archive mark. The
// invariant: an account sees a message iff it sent it or is one of its `message_recipients` — a guardian's reply to a
// bulletin goes to the thread's staff only, and a message to one guardian never reaches the other.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('message_recipients').execute();
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('message_threads').execute();

  await db.schema.createTable('message_threads')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', ['direct', 'bulletin'])))
    .addColumn('child_id', 'integer', (c) => c.references('persons.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('urgent', 'integer', (c) => c.notNull().defaultTo(0).check(sql`urgent in (0, 1)`))
    .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(0).check(sql`sensitive in (0, 1)`))
    .addColumn('created_by_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_threads_child').on('message_threads').column('child_id').execute();

  await db.schema.createTable('message_participants')
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('message_threads.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('role', 'text', (c) => c.notNull().check(oneOf('role', ['staff', 'guardian'])))
    .addColumn('archived_at', 'text')
    .addPrimaryKeyConstraint('message_participants_pk', ['thread_id', 'account_id'])
    .execute();
  await db.schema.createIndex('message_participants_account').on('message_participants').columns(['account_id', 'thread_id']).execute();

  await db.schema.createTable('messages')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('message_threads.id').onDelete('cascade'))
    .addColumn('sender_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('retracted_at', 'text')
    .execute();
  await db.schema.createIndex('messages_thread').on('messages').columns(['thread_id', 'sent_at']).execute();
  await db.schema.createIndex('messages_sender').on('messages').columns(['sender_account_id', 'thread_id']).execute();

  await db.schema.createTable('message_recipients')
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('read_at', 'text')
    .addPrimaryKeyConstraint('message_recipients_pk', ['message_id', 'account_id'])
    .execute();
  await db.schema.createIndex('message_recipients_account').on('message_recipients').columns(['account_id', 'read_at']).execute();
}
