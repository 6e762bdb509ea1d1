// Documentation rows for the export, extract and retention tests, written straight into the tables (the staff's
// form is another part's) with real files through the media library: a drawn photo per colour.
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { PostKind } from '../../db/schema.ts';
import type { Db } from '../../server/kernel/db.ts';
import { mediaLimits, storeMedia, type StoredMedia } from '../../server/media/index.ts';
import { recordAnswer } from '../../server/consent/queries.ts';
import { DEFAULT_DOCUMENTATION_SETTINGS } from '../../server/documentation/settings.ts';

/** Removes the demo's documentation, so that a test counts only what it wrote. */
export async function withoutDemoPosts(db: Db): Promise<void> {
  await db.deleteFrom('home_observations').execute();
  await db.deleteFrom('post_media_children').execute();
  await db.deleteFrom('post_media').execute();
  await db.deleteFrom('post_children').execute();
  await db.deleteFrom('posts').execute();
}

/** A small drawn JPEG of one colour, stored as a medium under the data folder. */
export async function storedPhoto(dataDir: string, color: { r: number; g: number; b: number }): Promise<StoredMedia> {
  const file = path.join(dataDir, `upload-${color.r}-${color.g}-${color.b}.jpg`);
  await sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).jpeg().toFile(file);
  const stored = await storeMedia(dataDir, { path: file, originalName: 'bild.jpg', size: (await fs.stat(file)).size }, mediaLimits(DEFAULT_DOCUMENTATION_SETTINGS));
  await fs.rm(file, { force: true });
  if (!stored.ok) throw new Error(`the photo was refused: ${stored.error}`);
  return stored.media;
}

export interface NewMedia { stored: StoredMedia; tagged?: number[]; noChildren?: boolean; caption?: string }

export interface NewPost {
  groupId: number; kind: PostKind; title: string; authorId: number; status?: 'draft' | 'published'; publishedAt?: string;
  children?: number[]; media?: NewMedia[]; body?: string; reflection?: string;
}

/** A post with its children and media; returns its id and its media's ids in order. */
export async function insertPost(db: Db, p: NewPost): Promise<{ postId: number; mediaIds: number[] }> {
  const group = await db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.unit_id', 'units.municipality_id']).where('groups.id', '=', p.groupId).executeTakeFirstOrThrow();
  const at = p.publishedAt ?? '2026-11-20T09:00:00.000Z';
  const status = p.status ?? 'published';
  const { id: postId } = await db.insertInto('posts').values({
    municipality_id: group.municipality_id, unit_id: group.unit_id, group_id: p.groupId, kind: p.kind, title: p.title,
    body: p.body ?? '', reflection: p.reflection ?? '', status, author_id: p.authorId, created_at: at, updated_at: at,
    published_at: status === 'published' ? at : null,
  }).returning('id').executeTakeFirstOrThrow();
  for (const child of p.children ?? []) await db.insertInto('post_children').values({ post_id: postId, child_id: child }).execute();
  const mediaIds: number[] = [];
  for (const [position, m] of (p.media ?? []).entries()) {
    const s = m.stored;
    const { id } = await db.insertInto('post_media').values({
      post_id: postId, kind: s.kind, file_key: s.key, mime: s.mime, bytes: s.bytes, width: s.width, height: s.height, duration_ms: s.durationMs,
      caption: m.caption ?? '', no_children: m.noChildren ? 1 : 0, position, created_by: p.authorId, created_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    for (const child of m.tagged ?? []) await db.insertInto('post_media_children').values({ media_id: id, child_id: child }).execute();
    mediaIds.push(id);
  }
  return { postId, mediaIds };
}

/** Every current guardian of the child answers `answer` about group publication (recorded by `by`). */
export async function consentOf(db: Db, childId: number, answer: 'yes' | 'no', by: number, at = new Date('2026-11-20T08:00:00Z')): Promise<void> {
  const guardians = await db.selectFrom('guardianships').select('guardian_id').where('child_id', '=', childId).execute();
  for (const g of guardians) {
    await recordAnswer(db, { childId, guardianId: g.guardian_id, answer, source: 'guardian', answeredOn: at.toISOString().slice(0, 10), recordedBy: by, at });
  }
}
