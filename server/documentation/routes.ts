// The staff's pages of documentation: a group's posts (drafts and published, every colleague's), a new post, editing
// one (text, reflection, who it goes to, each photo's caption and children), adding photos, videos and sound (a plain
// multi-file form; with JavaScript each file on its own request), also to a published post (a new photo is seen by
// the families once its children are marked and saved), publishing, removing a medium or the post.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, parseId, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { receivedFiles } from '../media/index.ts';
import { groupWithUnit, type GroupWithUnit } from '../people/queries.ts';
import { documentationSettings } from './settings.ts';
import { postForEdit, postsOfGroup, type PostForEdit, type PostMedium } from './queries.ts';
import {
  awaitsTags, MAX_BODY, MAX_CAPTION, MAX_FILES_PER_UPLOAD, MAX_REFLECTION, MAX_TITLE, mediumField, uploadKeyOf, type ChildOfGroup, type FormReader,
} from './rules.ts';
import { childrenOfGroup, createPost, removeMedium, removePost, savePost, uploadMedia, type WriteDeps } from './write.ts';

export function documentationRoutes(routes: RouteTable, deps: WriteDeps): void {
  const { db, clock } = deps;

  routes.get('/groups/:groupId/posts', 'group.posts.read', async (req, res, { target }) => {
    const group = await groupOf(db, target.id);
    const [posts, children] = await Promise.all([postsOfGroup(db, group.id), childrenOfGroup(db, group.id, today(clock))]);
    const names = new Map(children.map((c) => [c.id, c.firstName]));
    render(req, res, 'documentation/posts', {
      group, posts: posts.map((p) => ({ ...p, childNames: p.childIds.map((id) => names.get(id) ?? '').filter(Boolean) })),
    });
  });

  routes.get('/groups/:groupId/posts/new', 'group.posts.create', async (req, res, { target }) => {
    const group = await groupOf(db, target.id);
    await renderNew(req, res, deps, group, {}, { kind: field(req.query, 'kind') || 'group' });
  });

  routes.post('/groups/:groupId/posts', 'group.posts.create', async (req, res, { actor, target }) => {
    const group = await groupOf(db, target.id);
    const outcome = await createPost(deps, { group, form: reader(req), authorId: actor.personId, today: today(clock) });
    if (!outcome.ok) return renderNew(req, res, deps, group, outcome.errors, req.body as Record<string, unknown>, 400);
    flash(req, 'documentation.write.created');
    res.redirect(303, `/posts/${outcome.id}/edit`);
  });

  routes.get('/posts/:postId/edit', 'post.update', async (req, res, { target }) => {
    await renderEdit(req, res, deps, await postOf(db, target.id));
  });

  const save = (publish: boolean) => async (req: Request, res: Response, { target }: { target: { id: number } }) => {
    const post = await postOf(db, target.id);
    const outcome = await savePost(deps, { post, form: reader(req), publish, today: today(clock) });
    if (!outcome.ok && outcome.error === 'stale') { // (the form again at the version now stored: saving it again is a choice)
      return renderEdit(req, res, deps, await postOf(db, post.id), { form: { key: 'documentation.write.errors.stale' } }, true, 409);
    }
    if (!outcome.ok) return renderEdit(req, res, deps, post, outcome.errors, true, 400);
    if (outcome.published && !outcome.wasPublished) {
      flash(req, 'documentation.write.published');
      return res.redirect(303, `/groups/${post.groupId}/posts`);
    }
    flash(req, 'documentation.write.saved');
    res.redirect(303, `/posts/${post.id}/edit`);
  };
  routes.post('/posts/:postId/edit', 'post.update', save(false));
  routes.post('/posts/:postId/publish', 'post.update', save(true));

  // The files came through the upload middleware (documentation/upload.ts, before the CSRF check). Without JavaScript
  // the plain form sends many; the upload script sends one at a time with its upload key and gets the medium's part of
  // the form back (or the reason as text).
  routes.post('/posts/:postId/media', 'post.update', async (req, res, { actor, target }) => {
    const post = await postOf(db, target.id);
    const { files, tooLarge, tooMany } = receivedFiles(req);
    const uploadKey = uploadKeyOf(field(req.body, 'upload_key'));
    // (A photo added to a published post reaches nobody but the staff until its children are marked and the post is
    // saved under the rules of publishing: rules.ts awaitsTags.)
    if (files.length === 0 && tooLarge.length === 0 && tooMany.length === 0) {
      if (uploadKey) return res.status(400).type('text').send(req.t('documentation.write.upload.none'));
      return renderEdit(req, res, deps, post, { files: { key: 'documentation.write.upload.none' } }, false, 400);
    }
    const outcome = await uploadMedia(deps, { post, files, tooLarge, tooMany, uploadKey, by: actor.personId });
    const refusals = outcome.refused.map((r) => `${r.name}: ${req.t(r.key)}`);
    if (uploadKey) {
      if (outcome.added.length === 0) return res.status(tooLarge.length ? 413 : 400).type('text').send(refusals.join('\n'));
      const fresh = await postOf(db, post.id);
      const children = await childrenOfGroup(db, post.groupId, today(clock));
      return render(req, res, 'documentation/media-added', {
        post: fresh, tagChildren: tagChoices(children, { kind: fresh.kind, children: fresh.childIds }), media: fresh.media.filter((m) => outcome.added.includes(m.id)).map((m) => mediumView(m)), maxCaption: MAX_CAPTION,
      });
    }
    if (refusals.length === 0) {
      flash(req, { key: 'documentation.write.upload.added', params: { n: outcome.added.length } });
      return res.redirect(303, `/posts/${post.id}/edit#media`);
    }
    const errors = { files: { key: 'documentation.write.upload.refusedList', params: { list: refusals.join('; '), n: outcome.added.length } } };
    await renderEdit(req, res, deps, await postOf(db, post.id), errors, false, 400);
  });

  routes.post('/posts/:postId/media/:mediaId/delete', 'post.update', async (req, res, { target }) => {
    const mediaId = parseId(req.params.mediaId);
    if (mediaId === undefined || !(await removeMedium(deps, target.id, mediaId))) throw notFound();
    flash(req, 'documentation.write.mediumRemoved');
    res.redirect(303, `/posts/${target.id}/edit#media`);
  });

  // First the question, the same form with `confirm=yes`, then the post and its media are gone.
  routes.post('/posts/:postId/delete', 'post.delete', async (req, res, { target }) => {
    const post = await postOf(db, target.id);
    if (field(req.body, 'confirm') !== 'yes') {
      return render(req, res, 'documentation/posts-delete', { post, title: req.t('documentation.write.delete.title', { title: post.title }) });
    }
    if (!(await removePost(deps, post.id))) throw notFound();
    flash(req, 'documentation.write.delete.done');
    res.redirect(303, `/groups/${post.groupId}/posts`);
  });
}

function reader(req: Request): FormReader {
  return { one: (name) => field(req.body, name), all: (name) => fields(req.body, name) };
}

async function groupOf(db: Db, groupId: number): Promise<GroupWithUnit> {
  const group = await groupWithUnit(db, groupId);
  if (!group) throw notFound();
  return group;
}

async function postOf(db: Db, postId: number): Promise<PostForEdit> {
  const post = await postForEdit(db, postId);
  if (!post) throw notFound();
  return post;
}

interface MediumView extends PostMedium {
  sizeMb: string;
  /** Its children not marked yet (as stored): in a published post, the families do not see it yet. */
  awaitsTags: boolean;
}

function mediumView(m: PostMedium, form?: FormReader): MediumView {
  const view = {
    ...m, sizeMb: Math.max(0.1, m.bytes / (1024 * 1024)).toFixed(1), awaitsTags: awaitsTags({ kind: m.kind, noChildren: m.noChildren, tagged: m.childIds.length }),
  };
  if (!form) return view;
  return {
    ...view, caption: form.one(mediumField('caption', m.id)), noChildren: form.one(mediumField('nochildren', m.id)) === 'yes',
    childIds: form.all(mediumField('children', m.id)).map(Number),
  };
}

async function limitsOf(db: Db, municipalityId: number) {
  const s = await documentationSettings(db, municipalityId);
  return { imageMb: s.imageMaxMb, videoMb: s.videoMaxMb, videoSeconds: s.videoMaxSeconds, audioMb: s.audioMaxMb, audioSeconds: s.audioMaxSeconds };
}

const MAX = { title: MAX_TITLE, body: MAX_BODY, reflection: MAX_REFLECTION, caption: MAX_CAPTION, files: MAX_FILES_PER_UPLOAD };

async function renderNew(req: Request, res: Response, { db, clock }: { db: Db; clock: Clock }, group: GroupWithUnit,
  errors: FieldErrors, values: Record<string, unknown>, status = 200): Promise<void> {
  const children = await childrenOfGroup(db, group.id, today(clock));
  render(req, res, 'documentation/post-form', {
    title: req.t('documentation.write.newTitle'), group, post: null, children, errors, max: MAX,
    values: { ...values, children: fields(req.body, 'children').map(Number) }, media: [], limits: await limitsOf(db, group.municipalityId),
  }, status);
}

/** The edit page: the post as stored, or (`fromForm`) as the form sent it, with what was wrong. */
async function renderEdit(req: Request, res: Response, { db, clock }: { db: Db; clock: Clock }, post: PostForEdit,
  errors: FieldErrors = {}, fromForm = false, status = 200): Promise<void> {
  const [group, children] = await Promise.all([groupOf(db, post.groupId), childrenOfGroup(db, post.groupId, today(clock))]);
  const form = fromForm ? reader(req) : undefined;
  const values = form
    ? { kind: form.one('kind'), title: form.one('title'), body: form.one('body'), reflection: form.one('reflection'), children: form.all('children').map(Number) }
    : { kind: post.kind, title: post.title, body: post.body, reflection: post.reflection, children: post.childIds };
  render(req, res, 'documentation/post-form', {
    title: post.title || req.t('documentation.write.editTitle'), group, post, children, tagChildren: tagChoices(children, values), errors, max: MAX,
    values, media: post.media.map((m) => mediumView(m, form)), limits: await limitsOf(db, group.municipalityId),
  }, status);
}

/**
 * The children a photo can be tagged with: the group's, but a child with protected identity only in a portfolio post
 * that goes to that child (never in what the whole group or another family sees).
 */
export function tagChoices(children: readonly ChildOfGroup[], post: { kind: unknown; children: readonly number[] }): ChildOfGroup[] {
  return children.filter((c) => !c.protectedIdentity || (post.kind === 'portfolio' && post.children.includes(c.id)));
}
