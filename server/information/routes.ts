// Information (news and letters): a guardian's list of the items of all their children's groups, units and
// municipalities, each marked by child, searchable; staff see the items of their groups and units. An item's page
// marks it read; who may publish there also sees "Läst av 12 av 45" and who has not read, and may edit the item (no
// new notification; read state kept) or remove it (after a confirmation page). Publishing: to a group (its staff), a
// unit (its staff and head) or the municipality (its administrator). Plain forms with 303 redirects.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, fields, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { decide, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { messageFiles, sendKeptFile } from '../messages/attachments.ts';
import { markNotificationsReadByUrl } from '../notifications/queries.ts';
import { childrenOfGuardian, findUnit, groupWithUnit, municipalityPage } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import {
  attachmentFile, attachmentsOfItem, audienceOf, itemById, listItems, markRead, municipalitiesOfUnits,
  type Item, type Scope, type Sources,
} from './queries.ts';
import { BODY_MAX_LENGTH, expired, itemVersion, parseItem, parseListQuery, readSummary, removedFileIds, TITLE_MAX_LENGTH } from './rules.ts';
import { edit, itemUrl, publish, remove } from './write.ts';

interface Deps { db: Db; clock: Clock; dataDir: string }

/** A publish form's place: where it posts, and the name shown ("Till Blåklockan"). */
interface Target { scope: Scope; municipalityId: number; name: string; action: string }

/** The edit form's item: where it posts, and its files (each may be ticked for removal). */
interface Editing { item: Item; action: string; files: { id: number; name: string; size: number }[]; version: string }

const formOf = (req: Request) => ({
  title: field(req.body, 'title'), body: field(req.body, 'body'), link: field(req.body, 'link'),
  pinned: field(req.body, 'pinned'), expiresOn: field(req.body, 'expiresOn'),
});

export function informationRoutes(routes: RouteTable, { db, clock, dataDir }: Deps): void {
  routes.get('/information', 'information.read', async (req, res, { actor, account }) => {
    const day = today(clock);
    const query = parseListQuery(req.query as Record<string, unknown>);
    const children = await childrenOfGuardian(db, actor.personId, day);
    const childPlaces = await Promise.all(children.map(async (c) => ({ child: c, place: await locateChild(db, c.id, day) })));
    const guardianSources: Sources = {
      groupIds: childPlaces.flatMap((c) => c.place?.groupIds ?? []),
      unitIds: childPlaces.flatMap((c) => c.place?.unitIds ?? []),
      municipalityIds: childPlaces.flatMap((c) => (c.place ? [c.place.municipalityId, ...(c.place.groups ?? []).map((g) => g.municipalityId)] : [])),
    };
    const staffUnits = [...new Set([...actor.staffUnits, ...actor.headOf])];
    const staffSources: Sources = {
      groupIds: [...actor.staffGroups], unitIds: staffUnits,
      municipalityIds: [...new Set([...actor.adminOf, ...(await municipalitiesOfUnits(db, staffUnits))])],
    };
    const isStaff = staffSources.groupIds.length + staffSources.unitIds.length + staffSources.municipalityIds.length > 0;
    const sources: Sources = {
      groupIds: [...new Set([...guardianSources.groupIds, ...staffSources.groupIds])],
      unitIds: [...new Set([...guardianSources.unitIds, ...staffSources.unitIds])],
      municipalityIds: [...new Set([...guardianSources.municipalityIds, ...staffSources.municipalityIds])],
    };
    // (staff see their own expired items too, marked; a guardian only the current ones)
    const list = await listItems(db, account.id, sources, query, isStaff ? null : day);
    const items = list.items.map((item) => ({
      ...item,
      expired: expired(item, day),
      children: childPlaces.filter(({ place }) => place && concerns(item, place)).map(({ child }) => child.firstName),
    }));
    const publishTo = isStaff ? await publishChoices(db, actor) : [];
    render(req, res, 'information/list', { ...list, items, query, publishTo, several: children.length > 1 });
  });

  routes.get('/information/:informationItemId', 'informationItem.read', async (req, res, { actor, account, target }) => {
    const item = await itemById(db, target.id);
    if (!item) throw notFound();
    const day = today(clock);
    if (expired(item, day) && !mayManage(actor, item, target)) throw notFound();
    const at = clock.now();
    if (!(await markRead(db, item.id, account.id, at))) throw notFound(); // (removed meanwhile)
    await markNotificationsReadByUrl(db, account.id, itemUrl(item.id), at);
    const attachments = await attachmentsOfItem(db, item.id);
    const manages = mayManage(actor, item, target);
    const summary = manages ? readSummary(await audienceOf(db, item.id, target.childIds)) : null;
    render(req, res, 'information/item', { item, attachments, summary, manages, expired: expired(item, day) });
  });

  // Editing and removing: who may publish to the item's place (the action lets every staff member of it through).
  routes.get('/information/:informationItemId/edit', 'informationItem.manage', async (req, res, { actor, target }) => {
    renderEdit(req, res, await managed(actor, target));
  });
  routes.post('/information/:informationItemId/edit', 'informationItem.manage', async (req, res, { actor, target }) => {
    const editing = await managed(actor, target);
    const parsed = parseItem(formOf(req), today(clock), editing.item.expiresOn);
    if (!parsed.ok) return renderEdit(req, res, editing, parsed.errors);
    const removeIds = removedFileIds(fields(req.body, 'removeFiles'));
    const openedOn = field(req.body, 'version') || undefined;
    const edited = await edit(db, editing.item.id, parsed.value, removeIds, await messageFiles(req), clock.now(), openedOn);
    if (!edited.ok) {
      if ('gone' in edited) throw notFound();
      // Someone else saved meanwhile: the form comes back as typed, on their version, to be looked over and saved again.
      if ('changed' in edited) return renderEdit(req, res, { ...editing, version: edited.version }, { title: { key: 'information.errors.changedMeanwhile' } }, 409);
      return renderEdit(req, res, editing, { attachments: { key: edited.error } });
    }
    flash(req, 'information.edited');
    res.redirect(303, itemUrl(editing.item.id));
  });
  routes.get('/information/:informationItemId/remove', 'informationItem.manage', async (req, res, { actor, target }) => {
    const { item } = await managed(actor, target);
    render(req, res, 'information/remove', { item });
  });
  routes.post('/information/:informationItemId/remove', 'informationItem.manage', async (req, res, { actor, target }) => {
    const { item } = await managed(actor, target);
    if (!(await remove(db, item.id, clock.now()))) throw notFound();
    flash(req, 'information.removed');
    res.redirect(303, '/information');
  });

  /** The item for its edit and remove pages, or 404 for who may not publish to its place. */
  async function managed(actor: Actor, target: Located): Promise<Editing> {
    const item = await itemById(db, target.id);
    if (!item || !mayManage(actor, item, target)) throw notFound();
    const files = await attachmentsOfItem(db, item.id);
    return { item, action: `${itemUrl(item.id)}/edit`, files, version: itemVersion(item, files.map((f) => f.id)) };
  }

  function renderEdit(req: Request, res: Response, editing: Editing, errors: FieldErrors = {}, status?: number): void {
    const { item } = editing;
    // The version the form was opened on goes back with a form that has errors (a conflict gives the item's version now).
    const version = req.method === 'POST' && status !== 409 ? field(req.body, 'version') : editing.version;
    const values = req.method === 'POST' ? { ...formOf(req), removeFiles: fields(req.body, 'removeFiles') }
      : { title: item.title, body: item.body, link: item.linkUrl ?? '', pinned: item.pinned ? '1' : '', expiresOn: item.expiresOn ?? '', removeFiles: [] };
    render(req, res, 'information/new', {
      editing, version, errors, values, titleMax: TITLE_MAX_LENGTH, bodyMax: BODY_MAX_LENGTH, today: today(clock),
    }, status ?? (Object.keys(errors).length ? 400 : 200));
  }

  routes.get('/information/attachments/:informationAttachmentId', 'informationAttachment.read', async (_req, res, { actor, target }) => {
    const file = await attachmentFile(db, target.id);
    if (!file) throw notFound();
    // (an expired item's files go with it, as its page does, for all but those who publish there)
    const item = await itemById(db, file.itemId);
    if (!item || (expired(item, today(clock)) && !mayManage(actor, item, target))) throw notFound();
    await sendKeptFile(res, dataDir, { media_key: file.key, name: file.name, mime: file.mime });
  });

  routes.get('/groups/:groupId/information/new', 'group.information.publish', async (req, res, { target }) => {
    renderForm(req, res, await groupTarget(target));
  });
  routes.post('/groups/:groupId/information', 'group.information.publish', async (req, res, { account, target }) => {
    await publishFrom(req, res, account.id, await groupTarget(target));
  });
  routes.get('/units/:unitId/information/new', 'unit.information.publish', async (req, res, { target }) => {
    renderForm(req, res, await unitTarget(target));
  });
  routes.post('/units/:unitId/information', 'unit.information.publish', async (req, res, { account, target }) => {
    await publishFrom(req, res, account.id, await unitTarget(target));
  });
  routes.get('/municipalities/:municipalityId/information/new', 'municipality.information.publish', async (req, res, { target }) => {
    renderForm(req, res, await municipalityTarget(target));
  });
  routes.post('/municipalities/:municipalityId/information', 'municipality.information.publish', async (req, res, { account, target }) => {
    await publishFrom(req, res, account.id, await municipalityTarget(target));
  });

  async function groupTarget(target: Located): Promise<Target> {
    const group = await groupWithUnit(db, target.id);
    if (!group) throw notFound();
    return { scope: { kind: 'group', groupId: group.id }, municipalityId: group.municipalityId, name: group.name, action: `/groups/${group.id}/information` };
  }
  async function unitTarget(target: Located): Promise<Target> {
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    return { scope: { kind: 'unit', unitId: unit.id }, municipalityId: unit.municipalityId, name: unit.name, action: `/units/${unit.id}/information` };
  }
  async function municipalityTarget(target: Located): Promise<Target> {
    const municipality = await municipalityPage(db, target.id);
    if (!municipality) throw notFound();
    return { scope: { kind: 'municipality' }, municipalityId: municipality.id, name: municipality.name, action: `/municipalities/${municipality.id}/information` };
  }

  function renderForm(req: Request, res: Response, target: Target, errors: FieldErrors = {}): void {
    render(req, res, 'information/new', {
      target, errors, values: req.method === 'POST' ? formOf(req) : {}, titleMax: TITLE_MAX_LENGTH, bodyMax: BODY_MAX_LENGTH, today: today(clock),
    }, Object.keys(errors).length ? 400 : 200);
  }

  async function publishFrom(req: Request, res: Response, accountId: number, target: Target): Promise<void> {
    const day = today(clock);
    const parsed = parseItem(formOf(req), day);
    if (!parsed.ok) return renderForm(req, res, target, parsed.errors);
    const published = await publish(db, {
      ...parsed.value, municipalityId: target.municipalityId, scope: target.scope, accountId, at: clock.now(),
    }, await messageFiles(req));
    if (!published.ok) return renderForm(req, res, target, { attachments: { key: published.error } });
    flash(req, 'information.published');
    res.redirect(303, itemUrl(published.itemId));
  }
}

/** Whether the item is about a place the child is in: its group, its unit or its municipality. */
function concerns(item: Item, place: { municipalityId: number; unitIds: readonly number[]; groupIds: readonly number[]; groups?: readonly { municipalityId: number }[] }): boolean {
  if (item.groupId !== null) return place.groupIds.includes(item.groupId);
  if (item.unitId !== null) return place.unitIds.includes(item.unitId);
  return place.municipalityId === item.municipalityId || (place.groups ?? []).some((g) => g.municipalityId === item.municipalityId);
}

/**
 * Whether the actor may see who has read the item, edit and remove it: who may publish to its place, by the publish
 * action of that place (a group's: its staff, the head, the admin; a unit's: its staff and head, the admin; a
 * municipality's: its administrator only, not every unit head of the municipality).
 */
function mayManage(actor: Actor, item: Item, target: Located): boolean {
  if (item.groupId === null && item.unitId === null) return actor.adminOf.has(item.municipalityId);
  if (item.groupId !== null) return decide(actor, 'group.information.publish', { ...target, groupIds: [item.groupId] }) === 'allow';
  return decide(actor, 'unit.information.publish', { ...target, unitIds: [item.unitId as number] }) === 'allow';
}

/** Where a staff member may publish: their groups, the units they work in or head, the municipalities they administer. */
async function publishChoices(db: Db, actor: Actor): Promise<{ href: string; name: string }[]> {
  const groups = await Promise.all([...actor.staffGroups].map((id) => groupWithUnit(db, id)));
  const units = await Promise.all([...new Set([...actor.staffUnits, ...actor.headOf])].map((id) => findUnit(db, id)));
  const municipalities = await Promise.all([...actor.adminOf].map((id) => municipalityPage(db, id)));
  return [
    ...groups.filter((g) => g !== undefined).map((g) => ({ href: `/groups/${g.id}/information/new`, name: g.name })),
    ...units.filter((u) => u !== undefined).map((u) => ({ href: `/units/${u.id}/information/new`, name: u.name })),
    ...municipalities.filter((m) => m !== undefined).map((m) => ({ href: `/municipalities/${m.id}/information/new`, name: m.name })),
  ];
}
