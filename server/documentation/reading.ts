// Reading the documentation: a child's portfolio (what the staff wrote to the child and the group's documentation,
// newest first, a page at a time) for the child's guardians, the pupil and the staff; a group's blog; one post with its
// photos large, its videos and sound playing in the page, and the municipality's terms beside the downloads.
import type { Request } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { notFound, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary, groupWithUnit } from '../people/queries.ts';
import { termsOfUse } from '../people/municipality-terms.ts';
import { documentationFeatures } from '../settings/queries.ts';
import { blogPosts, ownChildren, portfolioPosts, readPost, staffOf, type Reader } from './read-queries.ts';

interface Deps { db: Db; clock: Clock }

export function readingRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childId/portfolio', 'child.portfolio.read', async (req, res, { actor, target }) => {
    const day = today(clock);
    const child = await childSummary(db, target.id, day);
    if (!child) throw notFound();
    const page = pageNumber(req);
    const reader = readerOf(actor, target);
    // (each post read as its staff or as the family: read-queries.ts; `staff` here is the page's, for its note and links)
    const posts = await portfolioPosts(db, { own: reader.own, staff: actor }, target, page, day);
    if (page > 1 && posts.posts.length === 0) throw notFound();
    const features = await documentationFeatures(db, child.unitId);
    render(req, res, 'documentation/portfolio', {
      child, ...posts, staff: reader.staff, notes: features.notes, family: !reader.staff && reader.own(child.id),
      base: `/children/${child.id}/portfolio`,
    });
  });

  routes.get('/groups/:groupId/blog', 'group.blog.read', async (req, res, { actor, target }) => {
    const group = await groupWithUnit(db, target.id);
    if (!group) throw notFound();
    const page = pageNumber(req);
    const reader = readerOf(actor, target);
    const posts = await blogPosts(db, reader, target.id, page, today(clock));
    if (page > 1 && posts.posts.length === 0) throw notFound();
    const child = target.childIds.find(reader.own);
    render(req, res, 'documentation/blog', { group, ...posts, staff: reader.staff, back: child ? `/children/${child}` : '/', base: `/groups/${group.id}/blog` });
  });

  routes.get('/posts/:publishedPostId', 'post.read', async (req, res, { actor, target }) => {
    const reader = readerOf(actor, target);
    const post = await readPost(db, reader, target.id, today(clock));
    if (!post) throw notFound();
    const own = target.childIds.find(reader.own);
    const back = post.kind === 'blog' ? `/groups/${post.groupId}/blog`
      : own ? `/children/${own}/portfolio` : reader.staff ? `/groups/${post.groupId}/posts` : '/';
    const terms = post.media.length ? await termsOfUse(db, target.municipalityId) : null;
    render(req, res, 'documentation/post', { post, staff: reader.staff, back, terms });
  });
}

function readerOf(actor: Actor, at: Parameters<typeof staffOf>[1]): Reader {
  return { staff: staffOf(actor, at), own: ownChildren(actor) };
}

/** `?page=N`, 1 when missing; a page that is not a number is not found. */
function pageNumber(req: Request): number {
  const raw = req.query.page;
  if (raw === undefined) return 1;
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,4}$/.test(raw)) throw notFound();
  return Number(raw);
}

