// The admin's pages of the organisation: the overview of every admin section (/admin), the municipality's areas and
// units (kind, address, contact details; the opening hours are the unit's settings pages), and a unit's groups, which
// its head keeps too. Plain forms: a wrong field comes back with the form filled in; every change has its history.
import fs from 'node:fs/promises';
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, parseId, type Located, type RouteTable } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import {
  addArea, addGroup, addUnit, areaChoices, areaDetails, areasOf, closeUnit, endGroup, groupDetails, groupsForAdmin, municipalitiesNamed, removeArea,
  removeGroup, renameArea, renameGroup, reopenUnit, unitDetails, unitLogo, unitsOf, updateUnit, type UnitFields, type UnitInUse,
} from '../people/organisation.ts';
import { changesOf, type ChangeAuthor } from '../people/register-changes.ts';
import { LOGO_MAX_BYTES, LOGO_MAX_PIXELS, logoPath, removeUnitLogo, replaceUnitLogo } from './logo.ts';
import { uploadedLogo } from './logo-upload.ts';
import { adminSections } from './overview.ts';
import { chosenMunicipality, CONTACT_FIELDS, parseClosingDay, parseListQuery, parseName, parseUnit, parseUnitContact, UNIT_KINDS } from './rules.ts';

/** `dataDir`: the data folder, whose media/units/ holds the units' logos. */
interface Deps { db: Db; clock: Clock; dataDir: string }

export function organisationRoutes(routes: RouteTable, { db, clock, dataDir }: Deps): void {
  const author = (actor: Actor): ChangeAuthor => ({ source: 'admin', personId: actor.personId, at: clock.now() });
  const form = (req: Request) => (name: string) => field(req.body, name);
  const given = (req: Request) => (name: string) => typeof (req.body as Record<string, unknown> | undefined)?.[name] === 'string';

  routes.get('/admin', 'admin.read', async (req, res, { actor }) => {
    const municipalities = await municipalitiesNamed(db, [...actor.adminOf]);
    render(req, res, 'organisation/admin', { municipalities, sections: adminSections(routes.entries) });
  });

  // Areas
  const areasPage = async (req: Request, res: Response, actor: Actor, errors: FieldErrors = {}) => {
    const query = parseListQuery(req.query as Record<string, unknown>);
    const [list, municipalities] = await Promise.all([areasOf(db, [...actor.adminOf], query), municipalitiesNamed(db, [...actor.adminOf])]);
    const values = Object.keys(errors).length ? { name: form(req)('name'), municipality: form(req)('municipality') } : {};
    render(req, res, 'organisation/areas', { list, query, municipalities, errors, values }, Object.keys(errors).length ? 400 : 200);
  };
  routes.get('/admin/areas', 'areas.admin.read', (req, res, { actor }) => areasPage(req, res, actor));
  routes.post('/admin/areas', 'areas.admin.create', async (req, res, { actor }) => {
    const municipality = chosenMunicipality(form(req)('municipality'), actor.adminOf);
    const name = parseName(form(req)('name'));
    if (!municipality.ok || !name.ok) return areasPage(req, res, actor, { ...(municipality.ok ? {} : municipality.errors), ...(name.ok ? {} : name.errors) });
    const added = await addArea(db, municipality.value, name.value, author(actor));
    if (!added.ok) return areasPage(req, res, actor, { name: { key: 'organisation.errors.areaNameTaken' } });
    flash(req, 'organisation.saved');
    res.redirect(303, `/admin/areas/${added.id}`);
  });

  const areaPage = async (req: Request, res: Response, target: Located, errors: FieldErrors = {}) => {
    const [area, history] = await Promise.all([areaDetails(db, target.id), changesOf(db, 'area', target.id)]);
    if (!area) throw notFound();
    const values = { name: errors.name ? form(req)('name') : area.name };
    render(req, res, 'organisation/area', { area, history, errors, values }, Object.keys(errors).length ? 400 : 200);
  };
  routes.get('/admin/areas/:areaId', 'area.read', (req, res, { target }) => areaPage(req, res, target));
  routes.post('/admin/areas/:areaId', 'area.update', async (req, res, { actor, target }) => {
    const name = parseName(form(req)('name'));
    if (!name.ok) return areaPage(req, res, target, name.errors);
    const renamed = await renameArea(db, target.id, name.value, author(actor));
    if (!renamed.ok) return areaPage(req, res, target, { name: { key: 'organisation.errors.areaNameTaken' } });
    flash(req, 'organisation.saved');
    res.redirect(303, `/admin/areas/${target.id}`);
  });
  routes.post('/admin/areas/:areaId/remove', 'area.update', async (req, res, { actor, target }) => {
    const removed = await removeArea(db, target.id, author(actor));
    if (!removed.ok) return areaPage(req, res, target, { form: { key: 'organisation.errors.areaHasUnits' } });
    flash(req, 'organisation.areaRemoved');
    res.redirect(303, '/admin/areas');
  });

  // Units
  routes.get('/admin/units', 'units.admin.read', async (req, res, { actor }) => {
    const query = parseListQuery(req.query as Record<string, unknown>);
    const list = await unitsOf(db, [...actor.adminOf], query);
    render(req, res, 'organisation/units', { list, query });
  });

  const newUnitPage = async (req: Request, res: Response, actor: Actor, errors: FieldErrors = {}) => {
    const municipalities = await municipalitiesNamed(db, [...actor.adminOf]);
    const areas = (await Promise.all(municipalities.map(async (m) => (await areaChoices(db, m.id))
      .map((a) => ({ ...a, name: municipalities.length > 1 ? `${a.name} (${m.name})` : a.name }))))).flat();
    const values = Object.keys(errors).length ? (req.body as Record<string, string>) : { kind: 'preschool' };
    render(req, res, 'organisation/unit-new', { municipalities, areas, kinds: UNIT_KINDS, errors, values }, Object.keys(errors).length ? 400 : 200);
  };
  routes.get('/admin/units/new', 'units.admin.create', (req, res, { actor }) => newUnitPage(req, res, actor));
  routes.post('/admin/units', 'units.admin.create', async (req, res, { actor }) => {
    const municipality = chosenMunicipality(form(req)('municipality'), actor.adminOf);
    const parsed = parseUnit(form(req), given(req), true);
    if (!municipality.ok || !parsed.ok) return newUnitPage(req, res, actor, { ...(municipality.ok ? {} : municipality.errors), ...(parsed.ok ? {} : parsed.errors) });
    const added = await addUnit(db, municipality.value, parsed.value as UnitFields, author(actor));
    if (!added.ok) return newUnitPage(req, res, actor, unitError(added.error));
    flash(req, 'organisation.saved');
    res.redirect(303, `/admin/units/${added.id}`);
  });

  const unitPage = async (req: Request, res: Response, target: Located, errors: FieldErrors = {}) => {
    const [unit, history] = await Promise.all([unitDetails(db, target.id), changesOf(db, 'unit', target.id)]);
    if (!unit) throw notFound();
    const areas = await areaChoices(db, unit.municipalityId);
    const values = Object.keys(errors).length ? { ...unitValues(unit), ...(req.body as Record<string, string>) } : unitValues(unit);
    const areaNames = Object.fromEntries(areas.map((a) => [String(a.id), a.name]));
    if (!values.closed_on) values.closed_on = today(clock);
    render(req, res, 'organisation/unit', { unit, areas, areaNames, kinds: UNIT_KINDS, history, errors, values }, Object.keys(errors).length ? 400 : 200);
  };
  routes.get('/admin/units/:unitId', 'unit.admin.read', (req, res, { target }) => unitPage(req, res, target));
  routes.post('/admin/units/:unitId', 'unit.update', async (req, res, { actor, target }) => {
    const parsed = parseUnit(form(req), given(req), false);
    if (!parsed.ok) return unitPage(req, res, target, parsed.errors);
    const saved = await updateUnit(db, target.id, parsed.value, author(actor));
    if (!saved.ok) return unitPage(req, res, target, unitError(saved.error));
    flash(req, 'organisation.saved');
    res.redirect(303, `/admin/units/${target.id}`);
  });

  // Closing the unit from a day, and opening it again
  routes.post('/admin/units/:unitId/close', 'unit.update', async (req, res, { actor, target }) => {
    const day = parseClosingDay(form(req)('closed_on'), today(clock));
    if (!day.ok) return unitPage(req, res, target, day.errors);
    const closed = await closeUnit(db, target.id, day.value, author(actor));
    if (!closed.ok) return unitPage(req, res, target, closed.error === 'closed' ? { form: { key: 'organisation.close.errors.closed' } } : inUseErrors(day.value, closed));
    flash(req, { key: 'organisation.close.closed', dates: { date: day.value } });
    res.redirect(303, `/admin/units/${target.id}`);
  });
  routes.post('/admin/units/:unitId/reopen', 'unit.update', async (req, res, { actor, target }) => {
    const reopened = await reopenUnit(db, target.id, author(actor));
    if (!reopened.ok) return unitPage(req, res, target, { form: { key: 'organisation.close.errors.open' } });
    flash(req, 'organisation.close.reopened');
    res.redirect(303, `/admin/units/${target.id}`);
  });

  // The unit's address and contact details, kept by its head too (reached from the unit's page and its settings)
  const contactPage = async (req: Request, res: Response, target: Located, errors: FieldErrors = {}) => {
    const [unit, history] = await Promise.all([unitDetails(db, target.id), changesOf(db, 'unit', target.id)]);
    if (!unit) throw notFound();
    const values = Object.keys(errors).length ? { ...unitValues(unit), ...(req.body as Record<string, string>) } : unitValues(unit);
    const contactHistory = history.filter((c) => c.change === 'changed' && (CONTACT_FIELDS as readonly string[]).includes(c.field ?? ''));
    render(req, res, 'organisation/unit-contact', { unit, history: contactHistory, errors, values }, Object.keys(errors).length ? 400 : 200);
  };
  routes.get('/units/:unitId/contact', 'unit.contact.update', (req, res, { target }) => contactPage(req, res, target));
  routes.post('/units/:unitId/contact', 'unit.contact.update', async (req, res, { actor, target }) => {
    const parsed = parseUnitContact(form(req));
    if (!parsed.ok) return contactPage(req, res, target, parsed.errors);
    const saved = await updateUnit(db, target.id, parsed.value, author(actor));
    if (!saved.ok) return contactPage(req, res, target, unitError(saved.error));
    flash(req, 'organisation.saved');
    res.redirect(303, `/units/${target.id}/contact`);
  });

  // The unit's logo: uploaded and removed on the unit's page, seen by those of the unit (see unit.logo.read)
  routes.post('/admin/units/:unitId/logo', 'unit.update', async (req, res, { actor, target }) => {
    const replaced = await replaceUnitLogo(db, dataDir, target.id, uploadedLogo(req), author(actor));
    if (!replaced.ok) {
      const params = { megabytes: LOGO_MAX_BYTES / 1024 / 1024, megapixels: LOGO_MAX_PIXELS / 1_000_000 };
      return unitPage(req, res, target, { logo: { key: `organisation.logo.errors.${replaced.error}`, params } });
    }
    flash(req, 'organisation.logo.saved');
    res.redirect(303, `/admin/units/${target.id}`);
  });
  routes.post('/admin/units/:unitId/logo/remove', 'unit.update', async (req, res, { actor, target }) => {
    await removeUnitLogo(db, dataDir, target.id, author(actor));
    flash(req, 'organisation.logo.removed');
    res.redirect(303, `/admin/units/${target.id}`);
  });
  routes.get('/units/:unitLogoId/logo', 'unit.logo.read', async (_req, res, { target }) => {
    const logo = await unitLogo(db, target.id);
    const file = logo && logoPath(dataDir, target.id, logo.file);
    if (!file) throw notFound();
    const image = await fs.readFile(file).catch(() => undefined); // (a database restored without its media folder)
    if (!image) throw notFound();
    // Not personal: the browser may keep it; a new logo has a new file name, so the page asks for the new one.
    res.set('Cache-Control', 'private, max-age=86400').type('image/webp').send(image);
  });

  // Groups of a unit (its head too)
  const groupsPage = async (req: Request, res: Response, target: Located, errors: FieldErrors = {}) => {
    const [unit, groups] = await Promise.all([unitDetails(db, target.id), groupsForAdmin(db, target.id, today(clock))]);
    if (!unit) throw notFound();
    const values = Object.keys(errors).length ? { name: form(req)('name') } : {};
    render(req, res, 'organisation/groups', { unit, groups, errors, values }, Object.keys(errors).length ? 400 : 200);
  };
  routes.get('/units/:unitId/groups', 'unit.groups.read', (req, res, { target }) => groupsPage(req, res, target));
  routes.post('/units/:unitId/groups', 'unit.groups.create', async (req, res, { actor, target }) => {
    const name = parseName(form(req)('name'));
    if (!name.ok) return groupsPage(req, res, target, name.errors);
    const added = await addGroup(db, target.id, name.value, author(actor));
    if (!added.ok && added.error === 'unit-closed') return groupsPage(req, res, target, { form: { key: 'organisation.close.errors.noNewGroups' } });
    if (!added.ok) return groupsPage(req, res, target, { name: { key: 'organisation.errors.groupNameTaken' } });
    flash(req, 'organisation.saved');
    res.redirect(303, `/units/${target.id}/groups`);
  });

  /** The group, when it is the unit's the path names (the guard checked the group; the unit in the path must be its). */
  const groupOfPath = async (req: Request, target: Located) => {
    const group = await groupDetails(db, target.id);
    if (!group || group.unitId !== parseId(req.params.unitId)) throw notFound();
    return group;
  };
  const groupPage = async (req: Request, res: Response, target: Located, errors: FieldErrors = {}) => {
    const group = await groupOfPath(req, target);
    const [unit, history, groups] = await Promise.all([unitDetails(db, group.unitId), changesOf(db, 'group', group.id), groupsForAdmin(db, group.unitId, today(clock))]);
    if (!unit) throw notFound();
    const inUse = groups.find((g) => g.id === group.id);
    const values = { name: errors.name ? form(req)('name') : group.name };
    render(req, res, 'organisation/group', { unit, group, counts: inUse, history, errors, values }, Object.keys(errors).length ? 400 : 200);
  };
  routes.get('/units/:unitId/groups/:groupId', 'group.admin.read', (req, res, { target }) => groupPage(req, res, target));
  routes.post('/units/:unitId/groups/:groupId', 'group.update', async (req, res, { actor, target }) => {
    const group = await groupOfPath(req, target);
    const name = parseName(form(req)('name'));
    if (!name.ok) return groupPage(req, res, target, name.errors);
    const renamed = await renameGroup(db, group.id, name.value, author(actor));
    if (!renamed.ok) return groupPage(req, res, target, { name: { key: 'organisation.errors.groupNameTaken' } });
    flash(req, 'organisation.saved');
    res.redirect(303, `/units/${group.unitId}/groups/${group.id}`);
  });
  routes.post('/units/:unitId/groups/:groupId/end', 'group.update', async (req, res, { actor, target }) => {
    const group = await groupOfPath(req, target);
    const ended = await endGroup(db, group.id, today(clock), author(actor));
    if (!ended.ok) return groupPage(req, res, target, { form: { key: `organisation.errors.group.${ended.error}` } });
    flash(req, 'organisation.groupEnded');
    res.redirect(303, `/units/${group.unitId}/groups/${group.id}`);
  });
  routes.post('/units/:unitId/groups/:groupId/remove', 'group.update', async (req, res, { actor, target }) => {
    const group = await groupOfPath(req, target);
    const removed = await removeGroup(db, group.id, author(actor));
    if (!removed.ok) return groupPage(req, res, target, { form: { key: 'organisation.errors.group.has-history' } });
    flash(req, 'organisation.groupRemoved');
    res.redirect(303, `/units/${group.unitId}/groups`);
  });
}

function unitError(error: 'name-taken' | 'no-such-area'): FieldErrors {
  return error === 'name-taken' ? { name: { key: 'organisation.errors.unitNameTaken' } } : { area: { key: 'organisation.errors.noSuchArea' } };
}

/** Why the unit cannot close on that day: the day at its field, and each kind of thing still going on, with how many. */
function inUseErrors(day: string, inUse: UnitInUse): FieldErrors {
  const errors: FieldErrors = { closed_on: { key: 'organisation.close.errors.inUse', dates: { date: day } } };
  for (const kind of ['children', 'staff', 'groups'] as const) {
    if (inUse[kind] > 0) errors[`close_${kind}`] = { key: `organisation.close.errors.${kind}`, params: { count: inUse[kind] } };
  }
  return errors;
}

function unitValues(u: UnitFields): Record<string, string> {
  return {
    name: u.name, kind: u.kind, area: u.areaId === null ? '' : String(u.areaId), street_address: u.streetAddress ?? '', postal_code: u.postalCode ?? '',
    city: u.city ?? '', phone: u.phone ?? '', email: u.email ?? '',
  };
}
