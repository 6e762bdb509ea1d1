import type { Kysely } from 'kysely';
import { flagColumn, idColumn } from '../sql.ts';

// The child's own page (server/child-page/): a presentation text and a picture, written by the child's guardians or
// the group's staff. The picture is re-encoded to 160×200 and kept under the data folder's media/children/ (so
// backups carry it); `picture_file` names it (null: no picture). `version` is the row version: two saves of the text
// at once cannot both win. A guestbook entry is a greeting on the page, between the home and the group's staff
// (`from_staff`: written by staff of the child, as they wrote it then).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('child_pages')
    .addColumn('child_id', 'integer', (c) => c.primaryKey().references('persons.id'))
    .addColumn('presentation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('picture_file', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('guestbook_entries')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('from_staff', 'integer', flagColumn)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guestbook_entries_child').on('guestbook_entries').columns(['child_id', 'created_at']).execute();
  await db.schema.createIndex('guestbook_entries_author').on('guestbook_entries').columns(['author_id']).execute();
}
