// Guardians' comments on a post in their child's portfolio and their home observations: the SQL of both, and their
// locators. Each waits for the staff of its group ('pending'), is shown in the child's portfolio once approved, and a
// rejected one is never shown to anyone but its writer and the staff. A comment belongs to one child's portfolio
// (`child_id`): a post to the whole group is commented on in each family's own copy, never in front of the others.
import type { ApprovalStatus, PostKind } from '../../db/schema.ts';
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { groupWithUnit, personFirstName, personName } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';

export interface PostComment {
  id: number; postId: number; childId: number; childName: string; authorId: number; author: string; body: string;
  status: ApprovalStatus; createdAt: string;
}

export interface HomeObservation {
  id: number; childId: number; childName: string; groupId: number; authorId: number; author: string; body: string;
  photo: { key: string; mime: string; width: number | null; height: number | null } | null; status: ApprovalStatus; createdAt: string;
}

export interface PostHeading { id: number; title: string; kind: PostKind; groupId: number; publishedAt: string | null }

const commentList = (db: Db) => db.selectFrom('post_comments')
  .select((eb) => ['post_comments.id', 'post_comments.post_id', 'post_comments.child_id', 'post_comments.author_id', 'post_comments.body',
    'post_comments.status', 'post_comments.created_at', personName(eb, 'post_comments.author_id').as('author'),
    personFirstName(eb, 'post_comments.child_id').as('child_name')]);
type CommentRow = Awaited<ReturnType<ReturnType<typeof commentList>['execute']>>[number];
const toComment = (r: CommentRow): PostComment => ({
  id: r.id, postId: r.post_id, childId: r.child_id, childName: r.child_name ?? '', authorId: r.author_id, author: r.author ?? '',
  body: r.body, status: r.status, createdAt: r.created_at,
});

const observationList = (db: Db) => db.selectFrom('home_observations')
  .select((eb) => ['home_observations.id', 'home_observations.child_id', 'home_observations.group_id', 'home_observations.author_id',
    'home_observations.body', 'home_observations.photo_key', 'home_observations.photo_mime', 'home_observations.photo_width',
    'home_observations.photo_height', 'home_observations.status', 'home_observations.created_at',
    personName(eb, 'home_observations.author_id').as('author'), personFirstName(eb, 'home_observations.child_id').as('child_name')]);
type ObservationRow = Awaited<ReturnType<ReturnType<typeof observationList>['execute']>>[number];
const toObservation = (r: ObservationRow): HomeObservation => ({
  id: r.id, childId: r.child_id, childName: r.child_name ?? '', groupId: r.group_id, authorId: r.author_id, author: r.author ?? '',
  body: r.body, status: r.status, createdAt: r.created_at,
  photo: r.photo_key && r.photo_mime ? { key: r.photo_key, mime: r.photo_mime, width: r.photo_width, height: r.photo_height } : null,
});

/** The published post's title, kind and group, for the heading of its comments. */
export async function postHeading(db: Db, postId: number): Promise<PostHeading | undefined> {
  const row = await db.selectFrom('posts').select(['id', 'title', 'kind', 'group_id', 'published_at'])
    .where('id', '=', postId).where('status', '=', 'published').executeTakeFirst();
  return row && { id: row.id, title: row.title, kind: row.kind, groupId: row.group_id, publishedAt: row.published_at };
}

/** The comments on the post in the children's portfolios, oldest first. */
export async function commentsOnPost(db: Db, postId: number, childIds: readonly number[]): Promise<PostComment[]> {
  if (childIds.length === 0) return [];
  const rows = await commentList(db).where('post_comments.post_id', '=', postId).where('post_comments.child_id', 'in', childIds)
    .orderBy('post_comments.created_at').orderBy('post_comments.id').execute();
  return rows.map(toComment);
}

/** How many approved comments each post has in the children's portfolios (for "Kommentarer (2)" beside a post). */
export async function approvedCommentCounts(db: Db, postIds: readonly number[], childIds: readonly number[]): Promise<Map<number, number>> {
  if (postIds.length === 0 || childIds.length === 0) return new Map();
  const rows = await db.selectFrom('post_comments').select((eb) => ['post_id', eb.fn.countAll<number>().as('n')])
    .where('post_id', 'in', postIds).where('child_id', 'in', childIds).where('status', '=', 'approved').groupBy('post_id').execute();
  return new Map(rows.map((r) => [r.post_id, Number(r.n)]));
}

export async function addComment(db: Db, c: { postId: number; childId: number; by: number; body: string; at: Date }): Promise<number> {
  const { id } = await db.insertInto('post_comments').values({
    post_id: c.postId, child_id: c.childId, author_id: c.by, body: c.body, status: 'pending', created_at: c.at.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function commentById(db: Db, commentId: number): Promise<PostComment | undefined> {
  const row = await commentList(db).where('post_comments.id', '=', commentId).executeTakeFirst();
  return row && toComment(row);
}

export type Decision = 'approved' | 'rejected';

/** Approves or rejects a waiting comment; false when it was decided already (by a colleague a moment ago). */
export async function decideComment(db: Db, commentId: number, decision: Decision, by: number, at: Date): Promise<boolean> {
  const done = await db.updateTable('post_comments').set({ status: decision, decided_by: by, decided_at: at.toISOString() })
    .where('id', '=', commentId).where('status', '=', 'pending').executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

export async function addObservation(db: Db, o: {
  childId: number; groupId: number; by: number; body: string; at: Date;
  photo: { key: string; mime: string; width: number | null; height: number | null } | null;
}): Promise<number> {
  const { id } = await db.insertInto('home_observations').values({
    child_id: o.childId, group_id: o.groupId, author_id: o.by, body: o.body, status: 'pending', created_at: o.at.toISOString(),
    photo_key: o.photo?.key ?? null, photo_mime: o.photo?.mime ?? null, photo_width: o.photo?.width ?? null, photo_height: o.photo?.height ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** The child's home observations, newest first. */
export async function observationsOfChild(db: Db, childId: number): Promise<HomeObservation[]> {
  const rows = await observationList(db).where('home_observations.child_id', '=', childId)
    .orderBy('home_observations.created_at', 'desc').orderBy('home_observations.id', 'desc').execute();
  return rows.map(toObservation);
}

/** The child's approved home observations, newest first: what the portfolio shows. */
export async function approvedObservations(db: Db, childId: number): Promise<HomeObservation[]> {
  return (await observationsOfChild(db, childId)).filter((o) => o.status === 'approved');
}

export async function observationById(db: Db, observationId: number): Promise<HomeObservation | undefined> {
  const row = await observationList(db).where('home_observations.id', '=', observationId).executeTakeFirst();
  return row && toObservation(row);
}

export async function decideObservation(db: Db, observationId: number, decision: Decision, by: number, at: Date): Promise<boolean> {
  const done = await db.updateTable('home_observations').set({ status: decision, decided_by: by, decided_at: at.toISOString() })
    .where('id', '=', observationId).where('status', '=', 'pending').executeTakeFirst();
  return Number(done.numUpdatedRows) === 1;
}

/** Whether any row still names the file (an observation's photo, a post's medium): its files stay while one does. */
export async function mediaKeyInUse(db: Db, key: string): Promise<boolean> {
  const [observation, medium] = await Promise.all([
    db.selectFrom('home_observations').select('id').where('photo_key', '=', key).executeTakeFirst(),
    db.selectFrom('post_media').select('id').where('file_key', '=', key).executeTakeFirst(),
  ]);
  return observation !== undefined || medium !== undefined;
}

export interface WaitingComment extends PostComment { postTitle: string }

/** What waits for the group's staff: the comments on the group's posts and the observations sent to the group, oldest first. */
export async function waitingInGroup(db: Db, groupId: number): Promise<{ comments: WaitingComment[]; observations: HomeObservation[] }> {
  const [comments, observations] = await Promise.all([
    commentList(db).innerJoin('posts', 'posts.id', 'post_comments.post_id').select('posts.title as post_title')
      .where('posts.group_id', '=', groupId).where('post_comments.status', '=', 'pending')
      .orderBy('post_comments.created_at').orderBy('post_comments.id').execute(),
    observationList(db).where('home_observations.group_id', '=', groupId).where('home_observations.status', '=', 'pending')
      .orderBy('home_observations.created_at').orderBy('home_observations.id').execute(),
  ]);
  return { comments: comments.map((r) => ({ ...toComment(r), postTitle: r.post_title })), observations: observations.map(toObservation) };
}

// ---------------------------------------------------------------------------------------------------------------------
// Locators: a comment sits with its child in its post's group; an observation with its child in the group it went to.

const commentPlace = prepared((db: Db, commentId: number) => db.selectFrom('post_comments')
  .innerJoin('posts', 'posts.id', 'post_comments.post_id')
  .select(['post_comments.child_id', 'posts.group_id', 'posts.unit_id', 'posts.municipality_id'])
  .where('post_comments.id', '=', commentId));

async function locatePostComment(db: Db, commentId: number, today: string): Promise<Location | null> {
  const [row] = await commentPlace(db, commentId);
  if (!row || !(await locateChild(db, row.child_id, today))) return null;
  return { municipalityId: row.municipality_id, unitIds: [row.unit_id], groupIds: [row.group_id], childIds: [row.child_id] };
}

const observationPlace = prepared((db: Db, observationId: number) => db.selectFrom('home_observations')
  .select(['child_id', 'group_id']).where('id', '=', observationId));

async function locateHomeObservation(db: Db, observationId: number, today: string): Promise<Location | null> {
  const [row] = await observationPlace(db, observationId);
  if (!row) return null;
  const [group, child] = await Promise.all([groupWithUnit(db, row.group_id), locateChild(db, row.child_id, today)]);
  if (!group || !child) return null;
  return { municipalityId: group.municipalityId, unitIds: [group.unitId], groupIds: [group.id], childIds: [row.child_id] };
}

/** The records of comments and observations that routes name by id. */
export const commentLocators = { postComment: locatePostComment, homeObservation: locateHomeObservation } satisfies Partial<Locators>;
