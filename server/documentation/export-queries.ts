// What a child's portfolio download holds, and when it can still be had: the child's portfolio as its pages show it
// (read-queries.ts inPortfolioOf: the published posts to the child and the group documentation of each group from while
// the child was placed there), with their photos, videos and sound as the family may see them (visibility.ts). The child is found while placed and for the municipality's grace period
// after the last placement ended (documentation settings); after that, not at all.
import type { MediaKind, PostKind } from '../../db/schema.ts';
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import { slices } from '../kernel/personal-data.ts';
import type { Location } from '../kernel/policy.ts';
import { childRecord, type PlacementRow } from '../people/placements.ts';
import { personFirstName, personName } from '../people/queries.ts';
import { approvedObservations, commentsOnPost, type HomeObservation, type PostComment } from './comments-queries.ts';
import { documentationSettings } from './settings.ts';
import { audiencesOf, inPortfolioOf } from './read-queries.ts';
import { awaitsTags } from './rules.ts';
import { mediaVisibleToFamily } from './visibility.ts';

/** A child's placements as the portfolio needs them: the groups, and when. */
type Stay = Pick<PlacementRow, 'groupId' | 'unitId' | 'startDate' | 'endDate'>;

export interface PortfolioChild {
  id: number; municipalityId: number; firstName: string; lastName: string; protectedIdentity: boolean; stays: Stay[];
  /** The last day the portfolio can be downloaded, once every placement has ended (null: still placed). */
  availableUntil: string | null;
}

/** The child and until when their portfolio can be downloaded, or undefined when it no longer can (or never could). */
export async function portfolioChild(db: Db, childId: number, today: string): Promise<PortfolioChild | undefined> {
  const record = await childRecord(db, childId);
  if (!record || record.placements.length === 0) return undefined;
  const stays = record.placements.map(({ groupId, unitId, startDate, endDate }) => ({ groupId, unitId, startDate, endDate }));
  const placed = stays.some((s) => s.endDate === null || s.endDate >= today);
  let availableUntil: string | null = null;
  if (!placed) {
    const lastDay = stays.map((s) => s.endDate ?? '').sort().at(-1) ?? '';
    availableUntil = addDays(lastDay, (await documentationSettings(db, record.municipalityId)).exportGraceDays);
    if (today > availableUntil) return undefined;
  }
  return {
    id: childId, municipalityId: record.municipalityId, firstName: record.firstName, lastName: record.lastName,
    protectedIdentity: record.protectedIdentity, stays, availableUntil,
  };
}

/** A child who has left, whose portfolio can still be downloaded until `availableUntil`. */
export interface PortfolioAfterLeaving { id: number; firstName: string; availableUntil: string }

/**
 * Of these children, those who have left and whose portfolio can still be downloaded (the start page offers the
 * download to a family, or a former pupil, who no longer sees the child's boxes).
 */
export async function portfoliosAfterLeaving(db: Db, childIds: readonly number[], today: string): Promise<PortfolioAfterLeaving[]> {
  const found: PortfolioAfterLeaving[] = [];
  for (const id of childIds) {
    const child = await portfolioChild(db, id, today);
    if (child?.availableUntil) found.push({ id, firstName: child.firstName, availableUntil: child.availableUntil });
  }
  return found;
}

/**
 * The 'childPortfolio' locator: the child, in the units and groups of its current placements (none once it has left),
 * while the portfolio can be downloaded; the child is also the record's person, so that a former pupil (no longer a
 * pupil to the policy) downloads their own portfolio in the grace period ('self').
 */
export async function locateChildPortfolio(db: Db, childId: number, today: string): Promise<Location | null> {
  const child = await portfolioChild(db, childId, today);
  if (!child) return null;
  const now = child.stays.filter((s) => s.endDate === null || s.endDate >= today);
  return {
    municipalityId: child.municipalityId, unitIds: [...new Set(now.map((s) => s.unitId))], groupIds: now.map((s) => s.groupId), childIds: [childId],
    person: { id: childId, protectedIdentity: child.protectedIdentity, otherHousehold: false },
  };
}

export const exportLocators = { childPortfolio: locateChildPortfolio } satisfies Partial<Locators>;

export interface PortfolioMedia {
  id: number; kind: MediaKind; key: string; mime: string; caption: string; width: number | null; height: number | null;
  durationMs: number | null;
  /** The tagged children the family may see named: its own. */
  ownTagged: string[];
}

export interface PortfolioPost {
  id: number; kind: PostKind; title: string; body: string; reflection: string; publishedAt: string; author: string;
  media: PortfolioMedia[];
}

/**
 * The child's portfolio (inPortfolioOf: the same posts as its pages) as the family whose children are `own` sees it,
 * newest first, each post with only the media the family may see (the photo rule: a photo of another family's child
 * without consent is left out) and only its own children named.
 */
export async function portfolioPosts(db: Db, child: { id: number }, own: ReadonlySet<number>, today: string): Promise<PortfolioPost[]> {
  const rows = await db.selectFrom('posts')
    .select(['posts.id', 'posts.kind', 'posts.group_id', 'posts.title', 'posts.body', 'posts.reflection', 'posts.published_at',
      (eb) => personName(eb, 'posts.author_id').as('author')])
    .where((eb) => inPortfolioOf(eb, child.id))
    .orderBy('posts.published_at', 'desc').orderBy('posts.id', 'desc').execute();
  const posts = rows.filter((p) => p.published_at !== null);
  // (A photo added to a published post whose children are not marked yet is the staff's alone.)
  const media = (await mediaOf(db, posts.map((p) => p.id))).filter((m) => !awaitsTags({ kind: m.kind, noChildren: m.noChildren, tagged: m.tags.length }));
  const audiences = await audiencesOf(db, posts, today);
  const visible = await mediaVisibleToFamily(db, media.map((m) => ({
    id: m.id, audience: audiences.get(m.postId) ?? [], tagged: m.tags.map((t) => t.childId),
  })), own);
  return posts.map((p) => ({
    id: p.id, kind: p.kind, title: p.title, body: p.body, reflection: p.reflection, publishedAt: p.published_at ?? '', author: p.author ?? '',
    media: media.filter((m) => m.postId === p.id && visible.has(m.id)).map((m) => ({
      id: m.id, kind: m.kind, key: m.key, mime: m.mime, caption: m.caption, width: m.width, height: m.height, durationMs: m.durationMs,
      ownTagged: m.tags.filter((t) => own.has(t.childId)).map((t) => t.name),
    })),
  }));
}

interface StoredMediaRow {
  id: number; postId: number; kind: MediaKind; key: string; mime: string; caption: string; width: number | null; height: number | null;
  durationMs: number | null; noChildren: boolean; tags: { childId: number; name: string }[];
}

async function mediaOf(db: Db, postIds: readonly number[]): Promise<StoredMediaRow[]> {
  const out: StoredMediaRow[] = [];
  for (const slice of slices(postIds)) {
    const rows = await db.selectFrom('post_media')
      .select(['id', 'post_id', 'kind', 'file_key', 'mime', 'caption', 'width', 'height', 'duration_ms', 'no_children'])
      .where('post_id', 'in', slice).orderBy('post_id').orderBy('position').orderBy('id').execute();
    const tags = rows.length === 0 ? [] : await db.selectFrom('post_media_children')
      .select(['media_id', 'child_id', (eb) => personFirstName(eb, 'post_media_children.child_id').as('name')])
      .where('media_id', 'in', rows.map((r) => r.id)).orderBy('child_id').execute();
    for (const r of rows) {
      out.push({
        id: r.id, postId: r.post_id, kind: r.kind, key: r.file_key, mime: r.mime, caption: r.caption, width: r.width, height: r.height,
        durationMs: r.duration_ms, noChildren: r.no_children === 1, tags: tags.filter((t) => t.media_id === r.id).map((t) => ({ childId: t.child_id, name: t.name ?? '' })),
      });
    }
  }
  return out;
}

/**
 * What the family wrote into the portfolio, once the staff approved it: the comments on each of the posts in this
 * child's portfolio, and the child's home observations (text and photo), newest first.
 */
export async function portfolioFromHome(db: Db, childId: number, postIds: readonly number[]): Promise<{
  comments: Map<number, PostComment[]>; observations: HomeObservation[];
}> {
  const comments = new Map<number, PostComment[]>();
  for (const postId of postIds) {
    const approved = (await commentsOnPost(db, postId, [childId])).filter((c) => c.status === 'approved');
    if (approved.length > 0) comments.set(postId, approved);
  }
  return { comments, observations: await approvedObservations(db, childId) };
}
