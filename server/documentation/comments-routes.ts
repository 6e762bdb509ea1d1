// Guardians' comments on a post in their child's portfolio and their home observations, and the staff's queue where
// each is approved or rejected before anyone else sees it. A guardian writes for their own child; a comment on a
// group post is seen only in that child's portfolio (by its own family and the staff), never by the other families.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, safeReturnPath, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary, groupWithUnit } from '../people/queries.ts';
import { ownChildren, staffOf } from './read-queries.ts';
import {
  addComment, addObservation, commentById, commentsOnPost, decideComment, decideObservation, observationById, observationsOfChild,
  postHeading, waitingInGroup, type Decision,
} from './comments-queries.ts';
import { chosenChild, COMMENT_MAX_LENGTH, OBSERVATION_MAX_LENGTH, parseComment, parseObservation, shownTo } from './comments-rules.ts';
import { observationPhoto, sendObservationPhoto, type PhotoOutcome } from './comments-photo.ts';

interface Deps { db: Db; clock: Clock; config: Config }

const DECISIONS: Record<string, Decision> = { approve: 'approved', reject: 'rejected' };

export function commentRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/posts/:publishedPostId/comments', 'post.comments.read', async (req, res, { actor, target }) => {
    await renderComments(req, res, deps, actor, target);
  });

  routes.post('/posts/:publishedPostId/comments', 'post.comments.create', async (req, res, { actor, target }) => {
    const childId = chosenChild(target.childIds.filter((id) => actor.guardianOf.has(id)), field(req.body, 'child'));
    if (childId === undefined) throw notFound();
    const parsed = parseComment(field(req.body, 'body'));
    if (!parsed.ok) return renderComments(req, res, deps, actor, target, parsed.errors);
    await addComment(db, { postId: target.id, childId, by: actor.personId, body: parsed.value, at: clock.now() });
    flash(req, 'documentation.comments.sent');
    res.redirect(303, `/posts/${target.id}/comments`);
  });

  routes.get('/groups/:groupId/comments', 'group.comments.read', async (req, res, { target }) => {
    const [group, waiting] = await Promise.all([groupWithUnit(db, target.id), waitingInGroup(db, target.id)]);
    if (!group) throw notFound();
    render(req, res, 'documentation/comments-queue', { group, ...waiting });
  });

  for (const [verb, decision] of Object.entries(DECISIONS)) {
    routes.post(`/comments/:postCommentId/${verb}`, 'postComment.decide', async (req, res, { actor, target }) => {
      const comment = await commentById(db, target.id);
      if (!comment) throw notFound();
      const done = await decideComment(db, comment.id, decision, actor.personId, clock.now());
      flash(req, done ? `documentation.comments.${decision}` : 'documentation.comments.decidedAlready');
      res.redirect(303, safeReturnPath(field(req.body, 'next') || `/groups/${target.groupIds[0]}/comments`));
    });
    routes.post(`/observations/:homeObservationId/${verb}`, 'homeObservation.decide', async (req, res, { actor, target }) => {
      const done = await decideObservation(db, target.id, decision, actor.personId, clock.now());
      flash(req, done ? `documentation.observations.${decision}` : 'documentation.comments.decidedAlready');
      res.redirect(303, safeReturnPath(field(req.body, 'next') || `/groups/${target.groupIds[0]}/comments`));
    });
  }

  routes.get('/children/:childId/observations', 'child.observations.read', async (req, res, { actor, target }) => {
    await renderObservations(req, res, deps, actor, target);
  });

  // A multipart form (the photo is optional), read before the route by the media upload (app.ts).
  routes.post('/children/:childId/observations', 'child.observations.create', async (req, res, { actor, target }) => {
    const groups = (target.groups ?? []).map((g) => g.id);
    const chosen = parseId(field(req.body, 'group'));
    const groupId = chosen === undefined ? (groups.length === 1 ? groups[0] : undefined) : groups.find((g) => g === chosen);
    const parsed = parseObservation(field(req.body, 'body'));
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (groupId === undefined) errors.group = { key: 'documentation.observations.errors.group' };
    const photo: PhotoOutcome = Object.keys(errors).length ? { ok: true, photo: null } : await observationPhoto(req, db, deps.config.dataDir, target.municipalityId, clock.now());
    if (!photo.ok) errors.photo = photo.error;
    if (!parsed.ok || groupId === undefined || !photo.ok) return renderObservations(req, res, deps, actor, target, errors);
    await addObservation(db, { childId: target.id, groupId, by: actor.personId, body: parsed.value, photo: photo.photo, at: clock.now() });
    flash(req, 'documentation.observations.sent');
    res.redirect(303, `/children/${target.id}/observations`);
  });

  // The observation's photo: a waiting or rejected one only to its writer and the staff.
  routes.get('/observations/:homeObservationId/photo/:variant', 'homeObservation.photo.read', async (req, res, { actor, target }) => {
    const observation = await observationById(db, target.id);
    if (!observation?.photo || !shownTo(actor, staffOf(actor, target), observation)) throw notFound();
    await sendObservationPhoto(req, res, deps.config.dataDir, observation.photo, String(req.params.variant));
  });
}

async function renderComments(req: Request, res: Response, { db, clock }: Deps, actor: Actor, target: Located, errors: FieldErrors = {}): Promise<void> {
  const post = await postHeading(db, target.id);
  if (!post) throw notFound();
  const staff = staffOf(actor, target);
  const readers = staff ? target.childIds : target.childIds.filter(ownChildren(actor));
  const comments = (await commentsOnPost(db, target.id, readers)).filter((c) => shownTo(actor, staff, c));
  const writable = allows(actor, 'post.comments.create', target) ? target.childIds.filter((id) => actor.guardianOf.has(id)) : [];
  const children = await namesOf(db, writable, today(clock));
  const status = Object.keys(errors).length ? 400 : 200;
  render(req, res, 'documentation/comments', {
    post, comments, staff, children, named: staff || readers.length > 1, maxLength: COMMENT_MAX_LENGTH, errors,
    values: status === 400 ? { body: field(req.body, 'body'), child: field(req.body, 'child') } : {},
  }, status);
}

async function renderObservations(req: Request, res: Response, { db, clock }: Deps, actor: Actor, target: Located, errors: FieldErrors = {}): Promise<void> {
  const child = await childSummary(db, target.id, today(clock));
  if (!child) throw notFound();
  const staff = staffOf(actor, target);
  const observations = (await observationsOfChild(db, target.id)).filter((o) => shownTo(actor, staff, o));
  const groups = allows(actor, 'child.observations.create', target)
    ? (await Promise.all((target.groups ?? []).map((g) => groupWithUnit(db, g.id)))).filter((g) => g !== undefined) : [];
  const status = Object.keys(errors).length ? 400 : 200;
  render(req, res, 'documentation/comments-observations', {
    child, observations, staff, groups, canWrite: groups.length > 0, maxLength: OBSERVATION_MAX_LENGTH, errors,
    values: status === 400 ? { body: field(req.body, 'body'), group: field(req.body, 'group') } : {},
  }, status);
}

async function namesOf(db: Db, childIds: readonly number[], day: string): Promise<{ id: number; firstName: string }[]> {
  const found = await Promise.all(childIds.map((id) => childSummary(db, id, day)));
  return found.filter((c) => c !== undefined).map((c) => ({ id: c.id, firstName: c.firstName }));
}
