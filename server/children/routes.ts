// Children and placements for a municipality's admin (every child of it) and a unit's head (the children placed in
// the unit): searchable lists, a child's page (placements, guardians, history), adding a child with a first
// placement, starting, ending and moving placements, linking legal guardians (a linked guardian's own page, changes
// and the end of a guardianship are in guardian-routes.ts). Plain forms first.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { containsIdentityNumber } from '../people/identity-numbers.ts';
import { locateUnit } from '../people/relations.ts';
import type { ChangeAuthor } from '../people/register-changes.ts';
import {
  addChild, childForCorrection, childHistory, childRecord, correctChild, groupChoices, groupNames, linkGuardian, listChildren, movePlacement, personNames,
  placementById, startPlacement, endPlacement, type ChildListScope, type GroupChoice,
} from '../people/placements.ts';
import { guardianRoutes } from './guardian-routes.ts';
import { maskedIdentity, parseCorrection, parseEnd, parseGuardian, parseMove, parseNewChild, parseNewPlacement } from './rules.ts';

interface Deps { db: Db; clock: Clock }

export function childrenRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const form = (req: Request) => (name: string) => field(req.body, name);
  const author = (actor: Actor): ChangeAuthor => ({ source: 'admin', personId: actor.personId, at: clock.now() });
  const adminScope = (actor: Actor): ChildListScope => ({ municipalityIds: [...actor.adminOf] });

  // The lists: the admin's of every child of their municipalities, a unit's of the children placed there now or later.
  routes.get('/admin/children', 'children.admin.read', async (req, res, { actor }) => {
    const ended = req.query.ended === 'yes';
    await renderList(req, res, deps, { ...adminScope(actor), ended }, { base: '/admin/children', newUrl: '/admin/children/new' });
  });
  routes.get('/units/:unitId/children', 'unit.children.read', async (req, res, { target }) => {
    await renderList(req, res, deps, { unitId: target.id }, { base: `/units/${target.id}/children`, newUrl: `/units/${target.id}/children/new` });
  });

  // Adding a child with a first placement: the admin in any group of their municipalities, a unit's head in the unit's.
  routes.get('/admin/children/new', 'children.admin.create', async (req, res, { actor }) => {
    await renderNew(req, res, deps, adminScope(actor), '/admin/children');
  });
  routes.get('/units/:unitId/children/new', 'unit.children.create', async (req, res, { target }) => {
    await renderNew(req, res, deps, { unitId: target.id }, `/units/${target.id}/children`);
  });
  const create = async (req: Request, res: Response, actor: Actor, scope: ChildListScope, action: string) => {
    const groups = await groupChoices(db, scope);
    const parsed = parseNewChild(form(req), groups.map((g) => g.id));
    if (!parsed.ok) return renderNew(req, res, deps, scope, action, parsed.errors);
    const { identity, ...child } = parsed.value;
    const group = groups.find((g) => g.id === child.placement.groupId);
    if (!group) throw notFound(); // (the rules took it from these groups)
    const added = await addChild(db, {
      ...child, municipalityId: group.municipalityId, identity: identity && { number: identity.number, kind: identity.kind },
    }, author(actor));
    if (!added.ok) {
      if (added.error === 'identity-taken') {
        return renderNew(req, res, deps, scope, action, { identity_number: { key: 'childAdmin.errors.identityTaken' } }, added.existingId);
      }
      return renderNew(req, res, deps, scope, action, notAdmitted(added.error));
    }
    flash(req, 'childAdmin.added');
    res.redirect(303, `/admin/children/${added.childId}`);
  };
  routes.post('/admin/children', 'children.admin.create', (req, res, { actor }) => create(req, res, actor, adminScope(actor), '/admin/children'));
  routes.post('/units/:unitId/children', 'unit.children.create', (req, res, { actor, target }) =>
    create(req, res, actor, { unitId: target.id }, `/units/${target.id}/children`));

  // A child's page: the child (personnummer masked), their placements, their guardians and the history.
  routes.get('/admin/children/:registeredChildId', 'child.register.read', (req, res, { actor, target }) =>
    renderChild(req, res, deps, actor, target.id));

  // The correction form: the only page that shows the whole personnummer (and the address, unless it is protected).
  routes.get('/admin/children/:registeredChildId/edit', 'child.register.update', (req, res, { target }) => renderCorrection(req, res, deps, target.id));
  routes.post('/admin/children/:registeredChildId/edit', 'child.register.update', async (req, res, { actor, target }) => {
    const current = await childForCorrection(db, target.id);
    if (!current) throw notFound();
    const parsed = parseCorrection(form(req));
    if (!parsed.ok) return renderCorrection(req, res, deps, target.id, parsed.errors);
    const { identity, address, ...details } = parsed.value;
    const corrected = await correctChild(db, target.id, target.municipalityId, {
      ...details, identity: identity && { number: identity.number, kind: identity.kind },
      // (a protected address is not on the form, so it is left as it is)
      ...(current.protected_identity === 1 ? {} : { address }),
    }, author(actor));
    if (!corrected.ok) {
      if (corrected.error === 'gone') throw notFound();
      return renderCorrection(req, res, deps, target.id, { identity_number: { key: 'childAdmin.errors.identityTaken' } });
    }
    flash(req, 'childAdmin.corrected');
    res.redirect(303, `/admin/children/${target.id}`);
  });

  routes.post('/children/:registeredChildId/placements', 'child.register.update', async (req, res, { actor, target }) => {
    const groups = await manageableGroups(db, actor, target.municipalityId);
    const parsed = parseNewPlacement(form(req), groups.map((g) => g.id));
    if (!parsed.ok) return renderChild(req, res, deps, actor, target.id, parsed.errors);
    const group = groups.find((g) => g.id === parsed.value.groupId);
    if (!group) throw notFound();
    const started = await startPlacement(db, target.id, target.municipalityId, { id: group.id, unitKind: group.unitKind }, parsed.value, author(actor));
    if (!started.ok) {
      const errors = started.error === 'overlaps' || started.error === 'gone' ? overlapError('start_date', started) : notAdmitted(started.error);
      return renderChild(req, res, deps, actor, target.id, errors);
    }
    flash(req, 'childAdmin.placementStarted');
    res.redirect(303, `/admin/children/${target.id}`);
  });

  routes.post('/children/:registeredChildId/guardians', 'child.register.update', async (req, res, { actor, target }) => {
    const parsed = parseGuardian(form(req));
    if (!parsed.ok) return renderChild(req, res, deps, actor, target.id, parsed.errors);
    const { identity, ...rest } = parsed.value;
    const linked = await linkGuardian(db, target.id, target.municipalityId, { ...rest, identity: { number: identity.number, kind: identity.kind } }, author(actor));
    if (!linked.ok) {
      const errors: FieldErrors = linked.error === 'name-needed'
        ? { guardian_first_name: { key: 'childAdmin.errors.guardianNameNeeded' } }
        : { guardian_identity_number: { key: linked.error === 'already-linked' ? 'childAdmin.errors.alreadyGuardian' : 'childAdmin.errors.guardianIsChild' } };
      return renderChild(req, res, deps, actor, target.id, errors);
    }
    flash(req, 'childAdmin.guardianLinked');
    res.redirect(303, `/admin/children/${target.id}`);
  });

  // A linked guardian's page: their contact details, address and household, and ending the guardianship.
  guardianRoutes(routes, deps);

  // A placement's page: end it, or move the child to another group on a day.
  routes.get('/placements/:placementId', 'placement.update', (req, res, { actor, target }) => renderPlacement(req, res, deps, actor, target.id));

  routes.post('/placements/:placementId/end', 'placement.update', async (req, res, { actor, target }) => {
    const parsed = parseEnd(form(req));
    if (!parsed.ok) return renderPlacement(req, res, deps, actor, target.id, parsed.errors);
    const ended = await endPlacement(db, target.id, target.municipalityId, parsed.value, author(actor), today(clock));
    if (!ended.ok) {
      if (ended.error === 'gone') throw notFound();
      const key = ended.error === 'ended' ? 'childAdmin.errors.ended' : 'childAdmin.errors.endBeforeStart';
      return renderPlacement(req, res, deps, actor, target.id, { end_date: { key } });
    }
    flash(req, 'childAdmin.placementEnded');
    res.redirect(303, `/admin/children/${target.childIds[0]}`);
  });

  routes.post('/placements/:placementId/move', 'placement.update', async (req, res, { actor, target }) => {
    const groups = await manageableGroups(db, actor, target.municipalityId);
    const parsed = parseMove(form(req), groups.map((g) => g.id));
    if (!parsed.ok) return renderPlacement(req, res, deps, actor, target.id, parsed.errors);
    const to = groups.find((g) => g.id === parsed.value.groupId);
    if (!to) throw notFound();
    const moved = await movePlacement(db, target.id, target.municipalityId, { id: to.id, unitKind: to.unitKind }, parsed.value.date, author(actor), today(clock));
    if (!moved.ok) {
      if (moved.error === 'gone') throw notFound();
      const errors: FieldErrors = moved.error === 'overlaps' ? overlapError('move_date', moved)
        : moved.error === 'group-ended' || moved.error === 'unit-closed' ? notAdmitted(moved.error)
        : moved.error === 'same-group' || moved.error === 'other-kind' ? { group: { key: `childAdmin.errors.${moved.error === 'same-group' ? 'sameGroup' : 'otherKind'}` } }
          : { move_date: { key: `childAdmin.errors.${moved.error === 'ended' ? 'ended' : moved.error === 'not-after-start' ? 'moveNotAfterStart' : 'moveAfterEnd'}` } };
      return renderPlacement(req, res, deps, actor, target.id, errors);
    }
    flash(req, 'childAdmin.moved');
    res.redirect(303, `/admin/children/${target.childIds[0]}`);
  });
}

function overlapError(name: string, result: { error: string; other?: { groupName: string; startDate: string } }): FieldErrors {
  const other = 'other' in result ? result.other : undefined;
  return { [name]: other ? { key: 'childAdmin.errors.overlaps', params: { group: other.groupName }, dates: { date: other.startDate } } : { key: 'childAdmin.errors.gone' } };
}

/** A group that takes no new placement (ended, or its unit closed, perhaps since the form was shown): said at the group. */
function notAdmitted(error: 'group-ended' | 'unit-closed' | 'gone'): FieldErrors {
  const key = error === 'unit-closed' ? 'unitClosed' : error === 'group-ended' ? 'groupEnded' : 'groupMissing';
  return { group: { key: `childAdmin.errors.${key}` } };
}

/** The groups of the municipality whose units the actor may add children to (a unit head: their own units). */
async function manageableGroups(db: Db, actor: Actor, municipalityId: number): Promise<GroupChoice[]> {
  const groups = await groupChoices(db, { municipalityIds: [municipalityId] });
  const allowed = new Map<number, boolean>();
  for (const g of groups) {
    if (!allowed.has(g.unitId)) allowed.set(g.unitId, allows(actor, 'unit.children.create', await locateUnit(db, g.unitId)));
  }
  return groups.filter((g) => allowed.get(g.unitId));
}

const pageOf = (raw: unknown) => (typeof raw === 'string' && /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : 1);

async function renderList(req: Request, res: Response, { db, clock }: Deps, scope: ChildListScope, links: { base: string; newUrl: string }) {
  const typed = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
  // A whole personnummer is not searched for, nor written back into the page's links: a search's words are in its URL.
  const wholeNumber = containsIdentityNumber(typed) || /[0-9]{9,}/.test(typed.replace(/[-+\s]/g, ''));
  const q = wholeNumber ? '' : typed;
  const errors: FieldErrors = wholeNumber ? { q: { key: 'childAdmin.errors.searchWholeNumber' } } : {};
  const list = await listChildren(db, scope, q, pageOf(req.query.page), today(clock));
  const unit = 'unitId' in scope ? await groupChoices(db, scope).then((g) => g[0]?.unitName ?? null) : null;
  render(req, res, 'children/list', {
    q, errors, unit, ...links, ...list,
    rows: list.rows.map((r) => ({ ...r, identity: maskedIdentity(r.identityNumber) })),
    ended: 'ended' in scope && scope.ended === true, canShowEnded: 'municipalityIds' in scope,
    pageUrl: (page: number) => `${links.base}?${new URLSearchParams({ ...(q ? { q } : {}), ...('ended' in scope && scope.ended ? { ended: 'yes' } : {}), page: String(page) })}`,
  });
}

async function renderNew(req: Request, res: Response, { db }: Deps, scope: ChildListScope, action: string, errors: FieldErrors = {}, existingId?: number) {
  const groups = (await groupChoices(db, scope)).filter((g) => g.open);
  const submitted = Object.keys(errors).length > 0;
  render(req, res, 'children/new', {
    action, groups, errors, existingId, values: submitted ? (req.body as Record<string, string>) : { hour_limit: 'none' },
  }, submitted ? 400 : 200);
}

async function renderChild(req: Request, res: Response, { db, clock }: Deps, actor: Actor, childId: number, errors: FieldErrors = {}) {
  const child = await childRecord(db, childId);
  if (!child) throw notFound();
  const [history, groups] = await Promise.all([childHistory(db, childId), manageableGroups(db, actor, child.municipalityId)]);
  const submitted = Object.keys(errors).length > 0;
  const day = today(clock);
  const manageable = new Set(groups.map((g) => g.unitId));
  // The admin's way into the audit trail of this child (the search finds the child by name in their municipality).
  const auditUrl = actor.adminOf.has(child.municipalityId)
    ? `/admin/audit?${new URLSearchParams({ municipality: String(child.municipalityId), child: `${child.firstName} ${child.lastName}` })}` : null;
  render(req, res, 'children/child', {
    child: { ...child, identity: maskedIdentity(child.identityNumber) }, auditUrl,
    placements: child.placements.map((p) => ({ ...p, ended: p.endDate !== null && p.endDate < day, coming: p.startDate > day, canChange: manageable.has(p.unitId) })),
    guardians: child.guardians.map((g) => ({ ...g, identity: maskedIdentity(g.identityNumber) })),
    history: await readableHistory(db, history),
    groups: groups.filter((g) => g.open), errors, values: submitted ? (req.body as Record<string, string>) : { hour_limit: 'none' },
  }, submitted ? 400 : 200);
}

async function renderCorrection(req: Request, res: Response, { db }: Deps, childId: number, errors: FieldErrors = {}) {
  const child = await childForCorrection(db, childId);
  if (!child) throw notFound();
  const submitted = Object.keys(errors).length > 0;
  const protectedIdentity = child.protected_identity === 1;
  const stored = {
    first_name: child.first_name, last_name: child.last_name, identity_number: child.identity_number ?? '', birth_date: child.birth_date ?? '',
    protected_identity: protectedIdentity ? 'yes' : '',
    ...(protectedIdentity ? {} : { street_address: child.street_address ?? '', postal_code: child.postal_code ?? '', city: child.city ?? '' }),
  };
  render(req, res, 'children/edit', {
    child: { id: child.id, name: `${child.first_name} ${child.last_name}`, protectedIdentity }, errors,
    values: submitted ? (req.body as Record<string, string>) : stored,
  }, submitted ? 400 : 200);
}

async function renderPlacement(req: Request, res: Response, { db, clock }: Deps, actor: Actor, placementId: number, errors: FieldErrors = {}) {
  const placement = await placementById(db, placementId);
  if (!placement) throw notFound();
  const child = await childRecord(db, placement.childId);
  if (!child) throw notFound();
  const groups = (await manageableGroups(db, actor, child.municipalityId))
    .filter((g) => g.open && g.unitKind === placement.unitKind && g.id !== placement.groupId);
  const submitted = Object.keys(errors).length > 0;
  render(req, res, 'children/placement', {
    placement, ended: placement.endDate !== null && placement.endDate < today(clock),
    child: { id: child.id, name: `${child.firstName} ${child.lastName}` }, groups, errors,
    values: submitted ? (req.body as Record<string, string>) : { end_date: placement.endDate ?? '' },
  }, submitted ? 400 : 200);
}

/** The history's rows with names for the ids they hold (a guardian, a group). */
async function readableHistory(db: Db, rows: Awaited<ReturnType<typeof childHistory>>) {
  const ids = (f: string) => [...new Set(rows.filter((r) => r.field === f).flatMap((r) => [r.oldValue, r.newValue]).map(Number).filter((n) => n > 0))];
  const [persons, groups] = await Promise.all([personNames(db, ids('guardian_id')), groupNames(db, ids('group_id'))]);
  const shown = (f: string | null, v: string | null) => {
    if (v === null) return null;
    if (f === 'guardian_id') return persons.get(Number(v)) ?? v;
    if (f === 'group_id') return groups.get(Number(v)) ?? v;
    return v;
  };
  return rows.filter((r) => r.field !== 'child_id').map((r) => ({ ...r, oldValue: shown(r.field, r.oldValue), newValue: shown(r.field, r.newValue) }));
}
