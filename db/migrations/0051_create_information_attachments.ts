import type { Kysely } from 'kysely';
import { idColumn } from '../sql.ts';

// The files attached to an information item: checked and stored like a message's attachments (the same content-keyed
// folder, server/messages/attachments.ts checkAndStore), with the name they were sent with, the type found in their
// bytes and their size. They go with the item.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('information_attachments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('item_id', 'integer', (c) => c.notNull().references('information_items.id').onDelete('cascade'))
    .addColumn('media_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('information_attachments_item').on('information_attachments').column('item_id').execute();
  await db.schema.createIndex('information_attachments_key').on('information_attachments').column('media_key').execute();
}
