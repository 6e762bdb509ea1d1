// The child's own page: a presentation and a 160×200 picture that the guardians (and the group's staff) keep, seen by
// the child's guardians, the pupil and the group's staff; a guestbook on it when the unit uses one.
import fs from 'node:fs/promises';
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { childSummary } from '../people/queries.ts';
import { documentationFeatures } from '../settings/queries.ts';
import { deletePicture, PICTURE_BOX, PICTURE_MAX_BYTES, PICTURE_MAX_PIXELS, picturePath, replacePicture } from './picture.ts';
import {
  addGuestbookEntry, childPage, guestbookEntries, pictureFileOf, pictureVersion, removeGuestbookEntry, savePresentation, type PageAuthor,
} from './queries.ts';
import { GREETING_MAX, parseGreeting, parsePresentation, PRESENTATION_MAX, writesAsStaff } from './rules.ts';
import { uploadedPicture } from './upload.ts';

/** `dataDir`: the data folder, whose media/children/ holds the pictures. */
interface Deps { db: Db; clock: Clock; dataDir: string }

export function childPageRoutes(routes: RouteTable, { db, clock, dataDir }: Deps): void {
  const author = (actor: Actor): PageAuthor => ({ personId: actor.personId, at: clock.now().toISOString() });

  /** Whether the guestbook is on: a unit the child is placed in uses it. */
  const guestbookOn = async (target: Located) =>
    (await Promise.all(target.unitIds.map((unitId) => documentationFeatures(db, unitId)))).some((f) => f.guestbook);

  const page = async (req: Request, res: Response, actor: Actor, target: Located, errors: FieldErrors = {}) => {
    const [child, content, guestbook] = await Promise.all([childSummary(db, target.id, today(clock)), childPage(db, target.id), guestbookOn(target)]);
    if (!child) throw notFound();
    const entries = guestbook ? await guestbookEntries(db, target.id) : [];
    render(req, res, 'child-page/page', {
      child, page: content, picture: content.pictureFile && pictureVersion(content.pictureFile), box: PICTURE_BOX, guestbook, entries,
      may: {
        update: allows(actor, 'child.page.update', target), write: allows(actor, 'child.guestbook.write', target),
        remove: allows(actor, 'child.guestbook.remove', target),
      },
      greetingMax: GREETING_MAX, errors, values: { greeting: errors.greeting ? field(req.body, 'greeting') : '' },
    }, Object.keys(errors).length ? 400 : 200);
  };

  const editPage = async (req: Request, res: Response, target: Located, errors: FieldErrors = {}, typed?: { presentation: string; version: string }) => {
    const [child, content] = await Promise.all([childSummary(db, target.id, today(clock)), childPage(db, target.id)]);
    if (!child) throw notFound();
    const values = typed ?? { presentation: content.presentation, version: String(content.version) };
    render(req, res, 'child-page/edit', {
      child, page: content, picture: content.pictureFile && pictureVersion(content.pictureFile), box: PICTURE_BOX,
      presentationMax: PRESENTATION_MAX, limits: { megabytes: PICTURE_MAX_BYTES / 1024 / 1024, megapixels: PICTURE_MAX_PIXELS / 1_000_000 },
      errors, values,
    }, Object.keys(errors).length ? 400 : 200);
  };

  routes.get('/children/:childId/page', 'child.page.read', (req, res, { actor, target }) => page(req, res, actor, target));
  routes.get('/children/:childId/page/edit', 'child.page.update', (req, res, { target }) => editPage(req, res, target));

  routes.post('/children/:childId/page', 'child.page.update', async (req, res, { actor, target }) => {
    const typed = { presentation: field(req.body, 'presentation'), version: field(req.body, 'version') };
    const parsed = parsePresentation(typed);
    if (!parsed.ok) return editPage(req, res, target, parsed.errors, typed);
    const saved = await savePresentation(db, target.id, parsed.value.presentation, parsed.value.version, author(actor));
    if (!saved.ok) {
      // Someone saved the page in between: their text is shown as it is now, with what this user typed kept in the field.
      const now = await childPage(db, target.id);
      return editPage(req, res, target, { presentation: { key: 'childPage.errors.stale' } }, { presentation: typed.presentation, version: String(now.version) });
    }
    flash(req, 'childPage.saved');
    res.redirect(303, `/children/${target.id}/page`);
  });

  routes.post('/children/:childId/picture', 'child.page.update', async (req, res, { actor, target }) => {
    const replaced = await replacePicture(db, dataDir, target.id, uploadedPicture(req), author(actor));
    if (!replaced.ok) {
      const params = { megabytes: PICTURE_MAX_BYTES / 1024 / 1024, megapixels: PICTURE_MAX_PIXELS / 1_000_000 };
      return editPage(req, res, target, { picture: { key: `childPage.picture.errors.${replaced.error}`, params } });
    }
    flash(req, 'childPage.picture.saved');
    res.redirect(303, `/children/${target.id}/page`);
  });

  routes.post('/children/:childId/picture/delete', 'child.page.update', async (req, res, { actor, target }) => {
    await deletePicture(db, dataDir, target.id, author(actor));
    flash(req, 'childPage.picture.deleted');
    res.redirect(303, `/children/${target.id}/page`);
  });

  // The picture alone, for the page, the child switcher, Today and the consent list. Its URL carries its version
  // (`?v=`): that URL's answer never changes, so the browser keeps it; any other asks again (ETag).
  routes.get('/children/:childId/picture', 'child.picture.read', async (req, res, { target }) => {
    const file = await pictureFileOf(db, target.id);
    const at = file && picturePath(dataDir, target.id, file);
    if (!file || !at) throw notFound();
    const image = await fs.readFile(at).catch(() => undefined); // (a database restored without its media folder)
    if (!image) throw notFound();
    const version = pictureVersion(file);
    const etag = `"${version}"`;
    res.set('Cache-Control', req.query.v === version ? 'private, max-age=31536000, immutable' : 'private, no-cache');
    res.set('ETag', etag);
    res.set('X-Content-Type-Options', 'nosniff');
    if (req.get('If-None-Match') === etag) {
      res.status(304).end();
      return;
    }
    res.type('image/jpeg').send(image);
  });

  routes.post('/children/:childId/guestbook', 'child.guestbook.write', async (req, res, { actor, target }) => {
    if (!(await guestbookOn(target))) throw notFound();
    const greeting = parseGreeting(field(req.body, 'greeting'));
    if (!greeting.ok) return page(req, res, actor, target, greeting.errors);
    await addGuestbookEntry(db, target.id, greeting.value, writesAsStaff(actor, target), author(actor));
    flash(req, 'childPage.guestbook.written');
    res.redirect(303, `/children/${target.id}/page#guestbook`);
  });

  routes.post('/children/:childId/guestbook/:entryId/remove', 'child.guestbook.remove', async (req, res, { target }) => {
    const entryId = parseId(req.params.entryId);
    if (entryId === undefined || !(await removeGuestbookEntry(db, target.id, entryId))) throw notFound();
    flash(req, 'childPage.guestbook.removed');
    res.redirect(303, `/children/${target.id}/page#guestbook`);
  });
}
