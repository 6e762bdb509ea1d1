import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// The tables behind the header's bell and envelope. Writing messages is still to be built: it fills and extends them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('notifications')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('child_id', 'integer', (c) => c.references('persons.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_account').on('notifications').columns(['account_id', 'read_at']).execute();
  await db.schema.createTable('message_threads')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('messages')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('message_threads.id'))
    .addColumn('sender_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('message_recipients')
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id'))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('read_at', 'text')
    .addPrimaryKeyConstraint('message_recipients_pk', ['message_id', 'account_id'])
    .execute();
  await db.schema.createIndex('message_recipients_account').on('message_recipients').columns(['account_id', 'read_at']).execute();
}
