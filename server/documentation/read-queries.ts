// What guardians, pupils and staff read of the documentation: a child's portfolio (the posts to the child and the
// group's posts), a group's blog, one post with its photos, videos and sound, and who may see each photo. The staff's
// writing is in queries.ts.
//
// The photo rule (visibility.ts): a photo (or video, or sound) of a post a guardian may read reaches the guardian only
// when every child tagged in it is one of the guardian's own children or has consent to group publication now.
//
// Staff, one rule per post for the pages, the post's page and the media route: a staff member reads a post (with every
// photo and tag) when they are staff of its reading place (readingPlace: the post's group, unit and municipality, and
// for a portfolio post the groups and units its children are placed in now, in the post's municipality). So the staff
// of a child's new group read the portfolio posts to the child, but not the old group's documentation from before the
// child came (seenAsStaff asks the same in SQL, for a portfolio's pages).
//
// A post's audience, one definition for the pages, the media route, the ZIP and the register extract: a portfolio
// post's children; for the group's documentation, the children placed in the group on the day it was published (so a
// child's portfolio holds the group posts from while it was in the group, also after it moved on, and none from before
// it came); for the blog, the group's children now.
import { sql, type Expression, type ExpressionBuilder, type ExpressionWrapper, type SqlBool } from 'kysely';
import type { Database, MediaKind, PostKind } from '../../db/schema.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { jsonValues } from '../../db/sql.ts';
import { slices } from '../kernel/personal-data.ts';
import type { Locators } from '../kernel/http.ts';
import type { Actor, Location } from '../kernel/policy.ts';
import { currentPlacements, locateChild, locateGroup } from '../people/relations.ts';
import { childrenInGroupOn, groupWithUnit, personFirstName, personName, placedInGroupOnDayOf } from '../people/queries.ts';
import { awaitsTags } from './rules.ts';
import { viewersOf } from './visibility.ts';

/** Whether the user is staff of the record (its group's staff, its unit's head, its municipality's admin): they see every photo and every tag. */
export function staffOf(actor: Actor, at: Pick<Location, 'groupIds' | 'unitIds' | 'municipalityId'>): boolean {
  return at.groupIds.some((id) => actor.staffGroups.has(id)) || at.unitIds.some((id) => actor.headOf.has(id)) || actor.adminOf.has(at.municipalityId);
}

/** The user's own children as the policy's family rules count them: a guardian's children, a pupil themself. */
export function ownChildren(actor: Actor): (childId: number) => boolean {
  return (child) => actor.guardianOf.has(child) || (actor.isStudent && child === actor.personId);
}

// ---------------------------------------------------------------------------------------------------------------------
// Locators: a published post to read, a medium to send.

const postPlace = prepared((db: Db, postId: number) => db.selectFrom('posts')
  .select(['id', 'municipality_id', 'unit_id', 'group_id', 'kind', 'status', 'published_at']).where('id', '=', postId));
const portfolioChildren = prepared((db: Db, postId: number) => db.selectFrom('post_children')
  .select('child_id').where('post_id', '=', postId).orderBy('child_id'));

interface PostPlace { id: number; municipality_id: number; unit_id: number; group_id: number; kind: PostKind; status: string; published_at: string | null }

/** The day of a moment (ISO text in UTC), as placements count days: the definition `placedInGroupOnDayOf` uses in SQL. */
const dayOf = (at: string) => at.slice(0, 10);

/**
 * A post's audience (see the header): a portfolio post's children; the group's documentation, the children placed in
 * the group on the day it was published; the blog, the group's children now.
 */
export async function postAudience(db: Db, post: Pick<PostPlace, 'id' | 'kind' | 'group_id' | 'published_at'>, today: string): Promise<number[]> {
  if (post.kind === 'portfolio') return (await portfolioChildren(db, post.id)).map((c) => c.child_id);
  if (post.kind === 'group') return post.published_at === null ? [] : childrenInGroupOn(db, post.group_id, dayOf(post.published_at));
  return [...((await locateGroup(db, post.group_id, today))?.childIds ?? [])];
}

/**
 * Where a post is read: its group, unit and municipality, and for a portfolio post also the groups and units its
 * children are in now in the post's municipality (a child who moved keeps the portfolio posts to it with the new group's
 * staff); its children are its audience. Staff read the post iff staffOf this place (seenAsStaff is the same in SQL).
 */
async function readingPlace(db: Db, post: PostPlace, today: string): Promise<Location> {
  const place = { municipalityId: post.municipality_id, unitIds: [post.unit_id], groupIds: [post.group_id] };
  const childIds = await postAudience(db, post, today);
  if (post.kind !== 'portfolio') return { ...place, childIds };
  const placed = await Promise.all(childIds.map((id) => locateChild(db, id, today)));
  for (const group of placed.flatMap((at) => at?.groups ?? [])) {
    if (group.municipalityId !== post.municipality_id) continue; // (a child placed in two municipalities: only the post's)
    if (!place.groupIds.includes(group.id)) place.groupIds.push(group.id);
    if (!place.unitIds.includes(group.unitId)) place.unitIds.push(group.unitId);
  }
  return { ...place, childIds };
}

async function locatePublishedPost(db: Db, postId: number, today: string): Promise<Location | null> {
  const [post] = await postPlace(db, postId);
  if (post?.status !== 'published') return null;
  return readingPlace(db, post, today);
}

const mediumPlace = prepared((db: Db, mediaId: number) => db.selectFrom('post_media')
  .innerJoin('posts', 'posts.id', 'post_media.post_id')
  .select(['posts.id', 'posts.municipality_id', 'posts.unit_id', 'posts.group_id', 'posts.kind', 'posts.status', 'posts.published_at',
    'post_media.no_children', 'post_media.kind as kind_of_medium'])
  .where('post_media.id', '=', mediaId));
const tagsOfMedium = prepared((db: Db, mediaId: number) => db.selectFrom('post_media_children')
  .select('child_id').where('media_id', '=', mediaId));

/**
 * A medium sits where its post does; its children are those whose guardians may see it (the photo rule's viewers). A
 * draft's media are its group's staff's alone (the post form shows them), so a draft's medium has no children.
 */
async function locatePostMedia(db: Db, mediaId: number, today: string): Promise<Location | null> {
  const [medium] = await mediumPlace(db, mediaId);
  if (!medium) return null;
  if (medium.status !== 'published') {
    return { municipalityId: medium.municipality_id, unitIds: [medium.unit_id], groupIds: [medium.group_id], childIds: [] };
  }
  const place = await readingPlace(db, medium, today);
  const tagged = medium.no_children === 1 ? [] : (await tagsOfMedium(db, mediaId)).map((t) => t.child_id);
  // (A photo added to the published post whose children are not marked yet: the staff's alone.)
  if (awaitsTags({ kind: medium.kind_of_medium, noChildren: medium.no_children === 1, tagged: tagged.length })) return { ...place, childIds: [] };
  const viewers = await viewersOf(db, [{ id: mediaId, audience: place.childIds, tagged }]);
  return { ...place, childIds: viewers.get(mediaId) ?? [] };
}

/** The records of reading that routes name by id. */
export const readingLocators = { publishedPost: locatePublishedPost, postMedia: locatePostMedia } satisfies Partial<Locators>;

// ---------------------------------------------------------------------------------------------------------------------
// Pages: the posts and their media as the reader may see them.

export interface ReadMedium {
  id: number; kind: MediaKind; mime: string; width: number | null; height: number | null; durationMs: number | null; caption: string;
  /** The tagged children the reader may see named: all for staff, the reader's own children for a family. */
  names: string[];
}

export interface ReadPost {
  id: number; kind: PostKind; groupId: number; groupName: string; title: string; body: string; reflection: string;
  authorName: string; publishedAt: string;
  /** The media the reader may see, in their order (a family is not told of the others). */
  media: ReadMedium[];
}

export interface PostPage { posts: ReadPost[]; page: number; more: boolean }

export const POSTS_PER_PAGE = 10;

/**
 * Who reads: per post, its staff (staffOf its reading place) see every photo and tag; a family sees a photo when one of
 * its own children (ownChildren) is among the photo's viewers, as the media route decides, and the tags of its own
 * children.
 */
export interface Reader { staff: boolean; own: (childId: number) => boolean }

/** The relations staffOf counts: the groups the user works in, the units they head, the municipalities they administer. */
export type StaffRelations = Pick<Actor, 'staffGroups' | 'headOf' | 'adminOf'>;

/**
 * Whether the user is staff of the outer query's post: staffOf(user, readingPlace(post)) in SQL — the post's own group,
 * unit or municipality, or (a portfolio post) a group or unit one of its children is placed in now, in the post's
 * municipality (the placements as the policy's locateChild counts them).
 */
export function seenAsStaff(db: Db, eb: ExpressionBuilder<Database, 'posts'>, user: StaffRelations, today: string): ExpressionWrapper<Database, 'posts', SqlBool> {
  const groups = [...user.staffGroups].sort((a, b) => a - b);
  const units = [...user.headOf].sort((a, b) => a - b);
  const municipalities = [...user.adminOf].sort((a, b) => a - b);
  const ways: Expression<SqlBool>[] = [];
  if (groups.length) ways.push(eb('posts.group_id', 'in', groups));
  if (units.length) ways.push(eb('posts.unit_id', 'in', units));
  if (municipalities.length) ways.push(eb('posts.municipality_id', 'in', municipalities));
  if (groups.length || units.length) {
    ways.push(eb.and([eb('posts.kind', '=', 'portfolio'), eb.exists(currentPlacements(db, today)
      .innerJoin('post_children', 'post_children.child_id', 'placements.child_id')
      .select('placements.id')
      .where('post_children.post_id', '=', sql.ref<number>('posts.id'))
      .where('units.municipality_id', '=', sql.ref<number>('posts.municipality_id'))
      .where((inner) => inner.or([
        ...(groups.length ? [inner('placements.group_id', 'in', groups)] : []),
        ...(units.length ? [inner('groups.unit_id', 'in', units)] : []),
      ])))]));
  }
  return eb.or(ways); // (no way at all: or() of nothing is false)
}

const postColumns = ['posts.id', 'posts.kind', 'posts.group_id', 'posts.title', 'posts.body', 'posts.reflection', 'posts.published_at', 'posts.author_id'] as const;

/**
 * The one definition of a child's portfolio, for the pages, the start page's box, the ZIP and the register extract:
 * the published posts to the child, and the published documentation of each group the child was placed in on the day
 * it was published (the post's audience, see the header).
 */
export function inPortfolioOf(eb: ExpressionBuilder<Database, 'posts'>, childId: number) {
  return eb.and([eb('posts.status', '=', 'published'), eb.or([
    eb.and([eb('posts.kind', '=', 'portfolio'),
      eb('posts.id', 'in', eb.selectFrom('post_children').select('post_children.post_id').where('post_children.child_id', '=', childId))]),
    eb.and([eb('posts.kind', '=', 'group'), placedInGroupOnDayOf(eb, childId, 'posts.group_id', 'posts.published_at')]),
  ])]);
}

// (The page's statements are prepared: lists of ids go as one JSON text, so each keeps one shape.)
const portfolioRows = prepared((db: Db, childId: number, limit: number, offset: number) => db.selectFrom('posts')
  .select((eb) => [...postColumns, personName(eb, 'posts.author_id').as('author_name')])
  .where((eb) => inPortfolioOf(eb, childId))
  .orderBy('posts.published_at', 'desc').orderBy('posts.id', 'desc').limit(limit).offset(offset));

const blogRows = prepared((db: Db, groupId: number, limit: number, offset: number) => db.selectFrom('posts')
  .select((eb) => [...postColumns, personName(eb, 'posts.author_id').as('author_name')])
  .where('posts.status', '=', 'published').where('posts.kind', '=', 'blog').where('posts.group_id', '=', groupId)
  .orderBy('posts.published_at', 'desc').orderBy('posts.id', 'desc').limit(limit).offset(offset));

const mediaOfPosts = prepared((db: Db, postIdsJson: string) => db.selectFrom('post_media')
  .select(['id', 'post_id', 'kind', 'mime', 'width', 'height', 'duration_ms', 'caption', 'no_children'])
  .where('post_id', 'in', jsonValues(db, postIdsJson)).orderBy('post_id').orderBy('position').orderBy('id'));

const tagsOfPosts = prepared((db: Db, postIdsJson: string) => db.selectFrom('post_media_children')
  .innerJoin('post_media', 'post_media.id', 'post_media_children.media_id')
  .select((eb) => ['post_media_children.media_id', 'post_media_children.child_id', personFirstName(eb, 'post_media_children.child_id').as('first_name')])
  .where('post_media.post_id', 'in', jsonValues(db, postIdsJson)).where('post_media.no_children', '=', 0));

/**
 * A child's portfolio (inPortfolioOf), newest first, as the user reads it: a family of the child (`own`) reads every
 * post, as its staff those it is staff of (seenAsStaff) and as a family the others; anyone else reads only the posts
 * it is staff of (the staff of the child's new group do not read the old group's documentation).
 */
export async function portfolioPosts(
  db: Db, reader: { own: (childId: number) => boolean; staff?: StaffRelations }, child: { id: number }, page: number, today: string, perPage = POSTS_PER_PAGE,
): Promise<PostPage> {
  const limit = perPage + 1;
  const offset = (page - 1) * perPage;
  const staff = reader.staff;
  const family = reader.own(child.id);
  if (!staff || (staff.staffGroups.size === 0 && staff.headOf.size === 0 && staff.adminOf.size === 0)) {
    // (a family only, the common reading: the prepared statement)
    const rows = family ? await portfolioRows(db, child.id, limit, offset) : [];
    return pageOf(db, reader.own, rows.map((r) => ({ ...r, staff: false })), page, today, perPage);
  }
  let query = db.selectFrom('posts')
    .select((eb) => [...postColumns, personName(eb, 'posts.author_id').as('author_name'), seenAsStaff(db, eb, staff, today).as('seen_as_staff')])
    .where((eb) => inPortfolioOf(eb, child.id));
  if (!family) query = query.where((eb) => seenAsStaff(db, eb, staff, today));
  const rows = await query.orderBy('posts.published_at', 'desc').orderBy('posts.id', 'desc').limit(limit).offset(offset).execute();
  return pageOf(db, reader.own, rows.map(({ seen_as_staff, ...r }) => ({ ...r, staff: Boolean(seen_as_staff) })), page, today, perPage);
}

/** A group's blog, newest first (its posts' reading place is the group's: `reader.staff` is staffOf the group). */
export async function blogPosts(db: Db, reader: Reader, groupId: number, page: number, today: string, perPage = POSTS_PER_PAGE): Promise<PostPage> {
  const rows = await blogRows(db, groupId, perPage + 1, (page - 1) * perPage);
  return pageOf(db, reader.own, rows.map((r) => ({ ...r, staff: reader.staff })), page, today, perPage);
}

/** One published post, as the reader may see it (`reader.staff`: staffOf the post's reading place, its locator's). */
export async function readPost(db: Db, reader: Reader, postId: number, today: string): Promise<ReadPost | undefined> {
  const rows = await db.selectFrom('posts')
    .select((eb) => [...postColumns, personName(eb, 'posts.author_id').as('author_name')])
    .where('posts.id', '=', postId).where('posts.status', '=', 'published').execute();
  return (await pageOf(db, reader.own, rows.map((r) => ({ ...r, staff: reader.staff })), 1, today, 1)).posts[0];
}

interface PostRow {
  id: number; kind: PostKind; group_id: number; title: string; body: string; reflection: string; published_at: string | null;
  author_name: string | null;
  /** Whether the reader reads this post as its staff (every photo and tag), else as a family (`own`). */
  staff: boolean;
}

async function pageOf(db: Db, own: (childId: number) => boolean, rows: PostRow[], page: number, today: string, perPage: number): Promise<PostPage> {
  const more = rows.length > perPage;
  const shown = rows.slice(0, perPage);
  if (shown.length === 0) return { posts: [], page, more };
  const postIds = shown.map((p) => p.id);
  const [media, tags, groupNames] = await Promise.all([
    mediaOfPosts(db, JSON.stringify(postIds)), tagsOfPosts(db, JSON.stringify(postIds)), groupNamesOf(db, shown.map((p) => p.group_id)),
  ]);
  const tagsOf = (mediaId: number) => tags.filter((t) => t.media_id === mediaId);
  // A photo without children reaches the whole audience of its post, which a family reading the post is part of (the
  // policy let them read it as such): only the photos with children are asked about, as the media route asks.
  const asStaff = new Set(shown.filter((p) => p.staff).map((p) => p.id));
  const tagged = media.filter((m) => !asStaff.has(m.post_id) && tagsOf(m.id).length > 0);
  const audiences = tagged.length ? await audiencesOf(db, shown.filter((p) => tagged.some((m) => m.post_id === p.id)), today) : new Map<number, number[]>();
  const viewers = tagged.length === 0 ? new Map<number, number[]>()
    : await viewersOf(db, tagged.map((m) => ({ id: m.id, audience: audiences.get(m.post_id) ?? [], tagged: tagsOf(m.id).map((t) => t.child_id) })));
  const sees = (m: { id: number }) => !viewers.has(m.id) || (viewers.get(m.id) ?? []).some(own);
  const ready = (m: (typeof media)[number]) => !awaitsTags({ kind: m.kind, noChildren: m.no_children === 1, tagged: tagsOf(m.id).length });
  const posts = shown.map((p): ReadPost => {
    const all = media.filter((m) => m.post_id === p.id);
    const seen = p.staff ? all : all.filter((m) => ready(m) && sees(m));
    return {
      id: p.id, kind: p.kind, groupId: p.group_id, groupName: groupNames.get(p.group_id) ?? '', title: p.title, body: p.body,
      reflection: p.reflection, authorName: p.author_name ?? '', publishedAt: p.published_at ?? '',
      media: seen.map((m) => ({
        id: m.id, kind: m.kind, mime: m.mime, width: m.width, height: m.height, durationMs: m.duration_ms, caption: m.caption,
        names: tagsOf(m.id).filter((t) => p.staff || own(t.child_id)).map((t) => t.first_name ?? '').sort((a, b) => a.localeCompare(b, 'sv')),
      })),
    };
  });
  return { posts, page, more };
}

/** Each post's audience (postAudience), for many posts at once: a portfolio post's children in one question. */
export async function audiencesOf(
  db: Db, posts: readonly Pick<PostPlace, 'id' | 'kind' | 'group_id' | 'published_at'>[], today: string,
): Promise<Map<number, number[]>> {
  const portfolio = posts.filter((p) => p.kind === 'portfolio').map((p) => p.id);
  const children: { post_id: number; child_id: number }[] = [];
  for (const slice of slices(portfolio)) {
    children.push(...await db.selectFrom('post_children').select(['post_id', 'child_id']).where('post_id', 'in', slice).orderBy('child_id').execute());
  }
  const others = new Map<string, Promise<number[]>>();
  const audienceOf = (p: Pick<PostPlace, 'id' | 'kind' | 'group_id' | 'published_at'>) => {
    const key = `${p.kind === 'group' ? p.published_at?.slice(0, 10) : 'blog'}-${p.group_id}`;
    if (!others.has(key)) others.set(key, postAudience(db, p, today));
    return others.get(key) as Promise<number[]>;
  };
  return new Map(await Promise.all(posts.map(async (p) => [p.id, p.kind === 'portfolio'
    ? children.filter((c) => c.post_id === p.id).map((c) => c.child_id) : await audienceOf(p)] as const)));
}

async function groupNamesOf(db: Db, groupIds: readonly number[]): Promise<Map<number, string>> {
  const found = await Promise.all([...new Set(groupIds)].map((id) => groupWithUnit(db, id)));
  return new Map(found.filter((g) => g !== undefined).map((g) => [g.id, g.name]));
}

// ---------------------------------------------------------------------------------------------------------------------
// A medium to send (after the guard let it through).

export interface MediumFile { id: number; postId: number; kind: MediaKind; key: string; mime: string; caption: string; municipalityId: number; publishedAt: string | null }

const mediumFile = prepared((db: Db, mediaId: number) => db.selectFrom('post_media')
  .innerJoin('posts', 'posts.id', 'post_media.post_id')
  .select(['post_media.id', 'post_media.post_id', 'post_media.kind', 'post_media.file_key', 'post_media.mime', 'post_media.caption',
    'posts.municipality_id', 'posts.published_at'])
  .where('post_media.id', '=', mediaId));

export async function mediumToSend(db: Db, mediaId: number): Promise<MediumFile | undefined> {
  const [m] = await mediumFile(db, mediaId);
  return m && { id: m.id, postId: m.post_id, kind: m.kind, key: m.file_key, mime: m.mime, caption: m.caption, municipalityId: m.municipality_id, publishedAt: m.published_at };
}

// ---------------------------------------------------------------------------------------------------------------------
// The start page's boxes: the latest few, with a thumbnail the child's own family may see.

export interface BoxPost { id: number; title: string; publishedAt: string; thumbId: number | null; mediaCount: number }

/** The newest posts of a child's portfolio for its box: the first photo that the child's family may see, as its thumbnail. */
export async function latestPortfolio(db: Db, child: { id: number }, today: string, count: number): Promise<BoxPost[]> {
  const page = await portfolioPosts(db, { own: (id) => id === child.id }, child, 1, today, count);
  return page.posts.map((p) => ({
    id: p.id, title: p.title, publishedAt: p.publishedAt, mediaCount: p.media.length, thumbId: p.media.find((m) => m.kind === 'image')?.id ?? null,
  }));
}

/** The newest blog posts of a group for its box (titles and dates). */
export async function latestBlog(db: Db, groupId: number, count: number): Promise<BoxPost[]> {
  const rows = await db.selectFrom('posts').select(['id', 'title', 'published_at'])
    .where('status', '=', 'published').where('kind', '=', 'blog').where('group_id', '=', groupId)
    .orderBy('published_at', 'desc').orderBy('id', 'desc').limit(count).execute();
  return rows.map((r) => ({ id: r.id, title: r.title, publishedAt: r.published_at ?? '', thumbId: null, mediaCount: 0 }));
}
