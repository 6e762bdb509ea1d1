import type { Kysely } from 'kysely';
import { flagColumn, idColumn } from '../sql.ts';

// Information (server/information/): news and letters that staff publish to a group or a unit and administrators to
// the whole municipality. Exactly one of group_id / unit_id is set for those scopes, neither for the municipality.
// `expires_on` (a date, included) hides the item from guardians after that day; `pinned` keeps it first.
// `information_reads` holds when each account first opened an item (one row per account and item: the key makes a
// second one impossible, also when two tabs open it at once).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('information_items')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link_url', 'text')
    .addColumn('pinned', 'integer', flagColumn)
    .addColumn('expires_on', 'text')
    .addColumn('created_by_account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('information_items_group').on('information_items').columns(['group_id', 'published_at']).execute();
  await db.schema.createIndex('information_items_unit').on('information_items').columns(['unit_id', 'published_at']).execute();
  await db.schema.createIndex('information_items_municipality').on('information_items').columns(['municipality_id', 'published_at']).execute();

  await db.schema.createTable('information_reads')
    .addColumn('item_id', 'integer', (c) => c.notNull().references('information_items.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('information_reads_pk', ['item_id', 'account_id'])
    .execute();
}
