// The contact list (Kontaktlista): a group's staff and its children with the guardians who chose to be seen, on screen
// and on A4; and each guardian's own choice of what the other guardians see of them (/settings/contacts).
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { childrenInGroupOn, groupWithUnit } from '../people/queries.ts';
import { groupContactList, ownChoice } from './list.ts';
import { saveChoice } from './queries.ts';
import { CONTACT_SHOWS, parseShows } from './rules.ts';

interface Deps { db: Db; clock: Clock }

export function contactRoutes(routes: RouteTable, { db, clock }: Deps): void {
  routes.get('/groups/:groupId/contacts', 'group.contacts.read', async (req, res, { actor, target }) => {
    const group = await groupWithUnit(db, target.id);
    if (!group) throw notFound();
    const day = today(clock);
    // A family sees the list once its child has started there, not on the strength of a placement that begins later.
    const works = actor.staffGroups.has(group.id) || actor.headOf.has(group.unitId) || actor.adminOf.has(group.municipalityId);
    if (!works && !(await childrenInGroupOn(db, group.id, day)).some((childId) => actor.guardianOf.has(childId))) throw notFound();
    const list = await groupContactList(db, group.id, group.unitId, day);
    render(req, res, 'contacts/list', { group, ...list, day });
  });

  routes.get('/settings/contacts', 'account.contacts.read', async (req, res, { account }) => {
    await renderSettings(req, res, account.personId);
  });

  routes.post('/settings/contacts', 'account.contacts.update', async (req, res, { account }) => {
    const shows = parseShows(field(req.body, 'shows'));
    if (!shows) return renderSettings(req, res, account.personId, { shows: { key: 'contacts.settings.errors.shows' } }, 400);
    await saveChoice(db, account.personId, shows, clock.now());
    flash(req, 'contacts.settings.saved');
    res.redirect(303, '/settings/contacts');
  });

  async function renderSettings(req: Request, res: Response, personId: number, errors: FieldErrors = {}, status = 200): Promise<void> {
    const own = await ownChoice(db, personId);
    render(req, res, 'contacts/settings', { own, options: CONTACT_SHOWS, errors }, status);
  }
}
