import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// Messages' extras (server/messages/attachments.ts, out-of-office.ts). A message's attachments: each a file of its own
// folder under media/messages/ named by its content (`media_key`), with the name it was sent with, its type as
// recognised by its bytes and its size; they go with the message. A staff member's out-of-office: one row per account,
// on from `first_day` to `last_day` (both included). `out_of_office_replies` holds the automatic replies sent, one per
// account, thread and day (its key makes a second one impossible, also when two messages arrive at once).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('message_attachments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('media_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('message_attachments_message').on('message_attachments').column('message_id').execute();
  await db.schema.createIndex('message_attachments_key').on('message_attachments').column('media_key').execute();

  await db.schema.createTable('out_of_office')
    .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('first_day', 'text', (c) => c.notNull())
    .addColumn('last_day', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('out_of_office_replies')
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('message_threads.id').onDelete('cascade'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('message_id', 'integer', (c) => c.references('messages.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('out_of_office_replies_pk', ['account_id', 'thread_id', 'day'])
    .execute();
}
