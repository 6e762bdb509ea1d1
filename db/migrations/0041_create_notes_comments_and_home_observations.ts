import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { idColumn } from '../sql.ts';

// Notes (server/notes/): short notes about one child for its guardians, written by the staff of the child's group in
// a unit that uses notes (`unit_id`: the unit it was written in; it is shown while that unit has notes turned on).
// `version` is the note's row version: two saves of one note at once cannot both win.
// Guardians' comments on a post in their own child's portfolio (`child_id`: whose portfolio) and their home
// observations (a short text, perhaps a photo, for the child's portfolio; `group_id`: the group whose staff decide):
// both wait for the group's staff ('pending') and are shown once approved; a rejected one is never shown to others.
// A post's comments go with the post when it is deleted. An observation's photo is a file of the media library named
// by its content (`photo_key`).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('notes')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('notes_child').on('notes').columns(['child_id', 'created_at']).execute();

  await db.schema.createTable('post_comments')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['pending', 'approved', 'rejected'])))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('persons.id'))
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('post_comments_post').on('post_comments').columns(['post_id', 'child_id']).execute();
  await db.schema.createIndex('post_comments_child').on('post_comments').columns(['child_id']).execute();

  await db.schema.createTable('home_observations')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('photo_key', 'text')
    .addColumn('photo_mime', 'text')
    .addColumn('photo_width', 'integer')
    .addColumn('photo_height', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['pending', 'approved', 'rejected'])))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('persons.id'))
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('home_observations_child').on('home_observations').columns(['child_id', 'status']).execute();
  await db.schema.createIndex('home_observations_group').on('home_observations').columns(['group_id', 'status']).execute();
}
