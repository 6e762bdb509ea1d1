import type { Kysely } from 'kysely';
import { oneOf } from '../check.ts';
import { flagColumn, idColumn } from '../sql.ts';

// Documentation (server/documentation/): what staff publish about the children's day. A post is written from a group
// and goes either to the whole group (kind 'group': the group's documentation; 'blog': the group's blog) or to chosen
// children's portfolios (kind 'portfolio', the children in post_children). Its media (photos, videos, sound) are files
// under the data folder's media/, named by their content (`file_key`); each photo carries its children
// (post_media_children) or says it shows none (`no_children`). `upload_key` is the browser's idempotency key of one
// uploaded file: a retry of the same file to the same post is the same row (the unique key). `version` is the post's
// row version: two saves of one post at once cannot both win.
// Also: a municipality's documentation settings (limits per file, the portfolio's download time after a child leaves,
// strong login), and a unit's choice of notes and guestbook (unit_settings, server/settings/).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('posts')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('municipality_id', 'integer', (c) => c.notNull().references('municipalities.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', ['group', 'blog', 'portfolio'])))
    .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reflection', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().check(oneOf('status', ['draft', 'published'])))
    .addColumn('author_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('posts_group_status_published').on('posts').columns(['group_id', 'status', 'published_at']).execute();
  await db.schema.createIndex('posts_author').on('posts').columns(['author_id']).execute();

  await db.schema.createTable('post_children')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addPrimaryKeyConstraint('post_children_pk', ['post_id', 'child_id'])
    .execute();
  await db.schema.createIndex('post_children_child').on('post_children').columns(['child_id', 'post_id']).execute();

  await db.schema.createTable('post_media')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', ['image', 'video', 'audio'])))
    .addColumn('file_key', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('caption', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('no_children', 'integer', flagColumn)
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upload_key', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull().references('persons.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('post_media_upload_key', ['post_id', 'upload_key'])
    .execute();
  await db.schema.createIndex('post_media_post').on('post_media').columns(['post_id', 'position']).execute();
  await db.schema.createIndex('post_media_file').on('post_media').columns(['file_key']).execute();

  await db.schema.createTable('post_media_children')
    .addColumn('media_id', 'integer', (c) => c.notNull().references('post_media.id'))
    .addColumn('child_id', 'integer', (c) => c.notNull().references('persons.id'))
    .addPrimaryKeyConstraint('post_media_children_pk', ['media_id', 'child_id'])
    .execute();
  await db.schema.createIndex('post_media_children_child').on('post_media_children').columns(['child_id']).execute();

  await db.schema.createTable('documentation_settings')
    .addColumn('municipality_id', 'integer', (c) => c.primaryKey().references('municipalities.id'))
    .addColumn('image_max_mb', 'integer', (c) => c.notNull())
    .addColumn('video_max_mb', 'integer', (c) => c.notNull())
    .addColumn('video_max_seconds', 'integer', (c) => c.notNull())
    .addColumn('audio_max_mb', 'integer', (c) => c.notNull())
    .addColumn('audio_max_seconds', 'integer', (c) => c.notNull())
    .addColumn('export_grace_days', 'integer', (c) => c.notNull())
    .addColumn('strong_login', 'integer', flagColumn)
    .addColumn('changed_by', 'integer')
    .addColumn('changed_at', 'text')
    .execute();

  await db.schema.alterTable('unit_settings').addColumn('notes_enabled', 'integer', flagColumn).execute();
  await db.schema.alterTable('unit_settings').addColumn('guestbook_enabled', 'integer', flagColumn).execute();
}
