// The staff's side of documentation: the posts a group's staff write (to the group, its blog or chosen children's
// portfolios), their photos, videos and sound, and each photo's children. Where a post sits (the 'post' locator) is
// here too; the guardians' reading is in read-queries.ts.
import type { Kysely } from 'kysely';
import type { Database, MediaKind, PostKind, PostStatus } from '../../db/schema.ts';
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { RaceLost } from '../kernel/races.ts';
import { locateGroup } from '../people/relations.ts';
import { personName } from '../people/queries.ts';
import { sweepMediaLater } from './media-sweep.ts';

type Trx = Kysely<Database>;

export interface PostSummary {
  id: number; kind: PostKind; status: PostStatus; title: string; authorId: number; authorName: string;
  updatedAt: string; publishedAt: string | null; mediaCount: number; childIds: number[];
}

export interface PostMedium {
  id: number; kind: MediaKind; fileKey: string; mime: string; bytes: number; width: number | null; height: number | null;
  durationMs: number | null; caption: string; noChildren: boolean; position: number; childIds: number[];
}

export interface PostForEdit {
  id: number; municipalityId: number; unitId: number; groupId: number; kind: PostKind; status: PostStatus;
  title: string; body: string; reflection: string; authorId: number; authorName: string;
  createdAt: string; updatedAt: string; publishedAt: string | null; version: number;
  /** For a portfolio post: the children it goes to. */
  childIds: number[];
  media: PostMedium[];
}

const postPlace = prepared((db: Db, postId: number) => db.selectFrom('posts')
  .select(['id', 'municipality_id', 'unit_id', 'group_id', 'kind']).where('id', '=', postId));
const childrenOfPost = prepared((db: Db, postId: number) => db.selectFrom('post_children')
  .select('child_id').where('post_id', '=', postId).orderBy('child_id'));

/**
 * A post sits in its group: the group's staff, the unit's head and the municipality's admin reach it. Its children are
 * a portfolio post's children, else the group's children now (whose guardians read the group's posts).
 */
async function locatePost(db: Db, postId: number, today: string): Promise<Location | null> {
  const [post] = await postPlace(db, postId);
  if (!post) return null;
  const place = { municipalityId: post.municipality_id, unitIds: [post.unit_id], groupIds: [post.group_id] };
  if (post.kind === 'portfolio') return { ...place, childIds: (await childrenOfPost(db, postId)).map((c) => c.child_id) };
  const group = await locateGroup(db, post.group_id, today);
  return { ...place, childIds: group?.childIds ?? [] };
}

/** The records of this module that routes name by id. */
export const documentationLocators = { post: locatePost } satisfies Partial<Locators>;

const groupPosts = prepared((db: Db, groupId: number) => db.selectFrom('posts')
  .select((eb) => ['posts.id', 'posts.kind', 'posts.status', 'posts.title', 'posts.author_id', 'posts.updated_at', 'posts.published_at',
    personName(eb, 'posts.author_id').as('author_name'),
    eb.selectFrom('post_media').select((m) => m.fn.countAll<number>().as('n')).whereRef('post_media.post_id', '=', 'posts.id').as('media_count')])
  .where('posts.group_id', '=', groupId)
  .orderBy((eb) => eb.case().when('posts.status', '=', 'draft').then(0).else(1).end())
  .orderBy('posts.updated_at', 'desc').orderBy('posts.id', 'desc'));

/** The group's posts, drafts first, then the newest: every staff member's, for the group's staff. */
export async function postsOfGroup(db: Db, groupId: number): Promise<PostSummary[]> {
  const rows = await groupPosts(db, groupId);
  const ids = rows.filter((r) => r.kind === 'portfolio').map((r) => r.id);
  const children = ids.length === 0 ? [] : await db.selectFrom('post_children').select(['post_id', 'child_id'])
    .where('post_id', 'in', ids).orderBy('child_id').execute();
  return rows.map((r) => ({
    id: r.id, kind: r.kind, status: r.status, title: r.title, authorId: r.author_id, authorName: r.author_name ?? '',
    updatedAt: r.updated_at, publishedAt: r.published_at, mediaCount: Number(r.media_count ?? 0),
    childIds: children.filter((c) => c.post_id === r.id).map((c) => c.child_id),
  }));
}

const postRow = prepared((db: Db, postId: number) => db.selectFrom('posts')
  .select((eb) => ['id', 'municipality_id', 'unit_id', 'group_id', 'kind', 'status', 'title', 'body', 'reflection', 'author_id',
    'created_at', 'updated_at', 'published_at', 'version', personName(eb, 'posts.author_id').as('author_name')])
  .where('id', '=', postId));
const mediaOfPost = prepared((db: Db, postId: number) => db.selectFrom('post_media')
  .select(['id', 'kind', 'file_key', 'mime', 'bytes', 'width', 'height', 'duration_ms', 'caption', 'no_children', 'position'])
  .where('post_id', '=', postId).orderBy('position').orderBy('id'));
const tagsOfPost = prepared((db: Db, postId: number) => db.selectFrom('post_media_children')
  .innerJoin('post_media', 'post_media.id', 'post_media_children.media_id')
  .select(['post_media_children.media_id', 'post_media_children.child_id'])
  .where('post_media.post_id', '=', postId).orderBy('post_media_children.child_id'));

/** A post with its children and media, each medium with its tagged children. */
export async function postForEdit(db: Db, postId: number): Promise<PostForEdit | undefined> {
  const [post] = await postRow(db, postId);
  if (!post) return undefined;
  const [children, media, tags] = await Promise.all([childrenOfPost(db, postId), mediaOfPost(db, postId), tagsOfPost(db, postId)]);
  return {
    id: post.id, municipalityId: post.municipality_id, unitId: post.unit_id, groupId: post.group_id, kind: post.kind, status: post.status,
    title: post.title, body: post.body, reflection: post.reflection, authorId: post.author_id, authorName: post.author_name ?? '',
    createdAt: post.created_at, updatedAt: post.updated_at, publishedAt: post.published_at, version: post.version,
    childIds: children.map((c) => c.child_id),
    media: media.map((m) => ({
      id: m.id, kind: m.kind, fileKey: m.file_key, mime: m.mime, bytes: m.bytes, width: m.width, height: m.height, durationMs: m.duration_ms,
      caption: m.caption, noChildren: m.no_children === 1, position: m.position,
      childIds: tags.filter((t) => t.media_id === m.id).map((t) => t.child_id),
    })),
  };
}

export interface NewPost {
  municipalityId: number; unitId: number; groupId: number; kind: PostKind; title: string; body: string; reflection: string;
  childIds: readonly number[]; authorId: number; now: Date;
}

/** A new draft. */
export async function insertPost(db: Db, post: NewPost): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const at = post.now.toISOString();
    const { id } = await trx.insertInto('posts').values({
      municipality_id: post.municipalityId, unit_id: post.unitId, group_id: post.groupId, kind: post.kind, title: post.title, body: post.body,
      reflection: post.reflection, status: 'draft', author_id: post.authorId, created_at: at, updated_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    await setPostChildren(trx, id, post.kind === 'portfolio' ? post.childIds : []);
    return id;
  });
}

async function setPostChildren(trx: Trx, postId: number, childIds: readonly number[]): Promise<void> {
  await trx.deleteFrom('post_children').where('post_id', '=', postId).execute();
  if (childIds.length) await trx.insertInto('post_children').values(childIds.map((child_id) => ({ post_id: postId, child_id }))).execute();
}

export interface MediumChange { id: number; caption: string; noChildren: boolean; childIds: readonly number[] }

export interface PostChange {
  kind: PostKind; title: string; body: string; reflection: string; childIds: readonly number[];
  media: readonly MediumChange[];
  /** 'published' publishes it (a draft) or keeps it published; 'draft' keeps a draft a draft. */
  status: PostStatus;
  /** The row version the form was opened at: a save over a newer one is refused. */
  version: number; now: Date;
}

/**
 * Saves the post, its children and its media's captions and children, at once, unless someone saved it since the form
 * was opened (false: nothing changed). A medium removed meanwhile is left alone.
 */
export async function updatePost(db: Db, postId: number, change: PostChange): Promise<boolean> {
  try {
    return await db.transaction().execute(async (trx) => {
      const at = change.now.toISOString();
      const updated = await trx.updateTable('posts').set((eb) => ({
        kind: change.kind, title: change.title, body: change.body, reflection: change.reflection, status: change.status, updated_at: at,
        published_at: change.status === 'published' ? eb.fn.coalesce('published_at', eb.val(at)) : null,
        version: eb('version', '+', 1),
      })).where('id', '=', postId).where('version', '=', change.version).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new RaceLost(`post ${postId}: saved since the form was opened`);
      await setPostChildren(trx, postId, change.kind === 'portfolio' ? change.childIds : []);
      for (const medium of change.media) {
        const found = await trx.updateTable('post_media').set({ caption: medium.caption, no_children: medium.noChildren ? 1 : 0 })
          .where('id', '=', medium.id).where('post_id', '=', postId).executeTakeFirst();
        if (Number(found.numUpdatedRows) !== 1) continue;
        await trx.deleteFrom('post_media_children').where('media_id', '=', medium.id).execute();
        const tagged = medium.noChildren ? [] : medium.childIds;
        if (tagged.length) await trx.insertInto('post_media_children').values(tagged.map((child_id) => ({ media_id: medium.id, child_id }))).execute();
      }
      return true;
    });
  } catch (error) {
    if (error instanceof RaceLost) return false;
    throw error;
  }
}

export interface NewMedium {
  postId: number; kind: MediaKind; fileKey: string; mime: string; bytes: number; width: number | null; height: number | null;
  durationMs: number | null; uploadKey: string | null; by: number; now: Date;
}

/**
 * Adds a medium last in the post. The same upload key again (a retry of a file that did arrive) is the medium already
 * there: its id, `created: false`.
 */
export async function insertMedium(db: Db, medium: NewMedium): Promise<{ id: number; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('post_media').select((eb) => eb.fn.max('position').as('position'))
      .where('post_id', '=', medium.postId).executeTakeFirst();
    const made = await trx.insertInto('post_media').values({
      post_id: medium.postId, kind: medium.kind, file_key: medium.fileKey, mime: medium.mime, bytes: medium.bytes, width: medium.width,
      height: medium.height, duration_ms: medium.durationMs, position: Number(last?.position ?? -1) + 1, upload_key: medium.uploadKey,
      created_by: medium.by, created_at: medium.now.toISOString(),
    }).onConflict((oc) => oc.columns(['post_id', 'upload_key']).doNothing()).returning('id').executeTakeFirst();
    if (made) return { id: made.id, created: true };
    const existing = await trx.selectFrom('post_media').select('id')
      .where('post_id', '=', medium.postId).where('upload_key', '=', medium.uploadKey).executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  });
}

/** The medium of an upload key already in the post (a retry), if any. */
export async function mediumByUploadKey(db: Db, postId: number, uploadKey: string): Promise<number | undefined> {
  const row = await db.selectFrom('post_media').select('id').where('post_id', '=', postId).where('upload_key', '=', uploadKey).executeTakeFirst();
  return row?.id;
}

/** Removes a medium of the post with its children; its file key, or undefined when it was not there. */
/**
 * Removes a medium of the post; its file key (undefined when it was not there). Its files are swept a grace later in
 * the same transaction's job (media-sweep.ts), and go only if no row names them by then.
 */
export async function deleteMedium(db: Db, postId: number, mediaId: number, now: Date): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    const medium = await trx.selectFrom('post_media').select('file_key').where('id', '=', mediaId).where('post_id', '=', postId).executeTakeFirst();
    if (!medium) return undefined;
    await trx.deleteFrom('post_media_children').where('media_id', '=', mediaId).execute();
    const removed = await trx.deleteFrom('post_media').where('id', '=', mediaId).executeTakeFirst();
    if (Number(removed.numDeletedRows) !== 1) return undefined;
    await sweepMediaLater(trx, [medium.file_key], now);
    return medium.file_key;
  });
}

/**
 * Removes the post with its children and media; the file keys its media named (none when the post was gone), whose
 * files are swept as deleteMedium's. `before` runs first in the same transaction, for what other modules keep about the
 * post (guardians' comments).
 */
export async function deletePost(db: Db, postId: number, now: Date, before?: (trx: Trx) => Promise<void>): Promise<string[] | undefined> {
  return db.transaction().execute(async (trx) => {
    const media = await trx.selectFrom('post_media').select(['id', 'file_key']).where('post_id', '=', postId).execute();
    if (before) await before(trx);
    if (media.length) await trx.deleteFrom('post_media_children').where('media_id', 'in', media.map((m) => m.id)).execute();
    await trx.deleteFrom('post_media').where('post_id', '=', postId).execute();
    await trx.deleteFrom('post_children').where('post_id', '=', postId).execute();
    const removed = await trx.deleteFrom('posts').where('id', '=', postId).executeTakeFirst();
    if (Number(removed.numDeletedRows) !== 1) return undefined;
    const keys = [...new Set(media.map((m) => m.file_key))];
    await sweepMediaLater(trx, keys, now);
    return keys;
  });
}

/** The post's group and municipality (the upload's limits are the municipality's). */
export async function postGroupOf(db: Db, postId: number): Promise<{ groupId: number; municipalityId: number } | undefined> {
  const [post] = await postPlace(db, postId);
  return post && { groupId: post.group_id, municipalityId: post.municipality_id };
}
