// The staff pages: a municipality's admin lists, finds and adds its staff (/admin/staff), a unit's head those of the
// unit (/units/:unitId/staff); a staff member's page shows where they work, adds an assignment, ends one (now, or on
// a last day: a substitute's ends by itself), sends them an invitation by e-mail, and lists the history; their name,
// e-mail and phone are changed on a form of their own (the admin; a unit's head for staff working in their unit alone),
// the personnummer on another, the admin's, the one page that shows it whole.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { addDays } from '../kernel/dates.ts';
import { hasErrors, type FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type Located, type RouteTable } from '../kernel/http.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { changesOf } from '../people/register-changes.ts';
import { openChoices, staffAssignment, staffList, staffLocators, staffMember, unitChoices, type UnitChoice } from '../people/staff.ts';
import {
  contactVisible, maskIdentity, parseAssignment, parseIdentity, parseLastDay, parseListQuery, parseNewStaff, parseStaffDetails, STAFF_ROLES,
} from './rules.ts';
import { addStaff, assign, editDetails, endOne, fixIdentity, invite, refusedPlace, staffPageFacts, type EditOutcome } from './use-cases.ts';

interface Deps { db: Db; clock: Clock; config: Config }

export function staffRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;
  const form = (req: Request) => (name: string) => field(req.body, name);

  // The list: the admin's municipalities, or one unit for its head.
  const listPage = async (req: Request, res: Response, scope: { municipalityIds: number[] } | { unitId: number }, base: string, hideProtectedContact = false) => {
    const query = parseListQuery(req.query as Record<string, unknown>);
    const day = today(clock);
    const list = await staffList(db, scope, { ...query, today: day, hideProtectedContact });
    const pages = Math.max(1, Math.ceil(list.total / 50));
    render(req, res, 'staff/list', {
      list, query, pages, base, today: day,
      unit: 'unitId' in scope ? (await unitChoices(db, scope))[0] : undefined,
    });
  };
  routes.get('/admin/staff', 'staff.admin.read', (req, res, { actor }) => listPage(req, res, { municipalityIds: [...actor.adminOf] }, '/admin/staff'));
  // (a head's list neither shows nor searches a protected identity's e-mail address; the admin's does)
  routes.get('/units/:unitId/staff', 'unit.staff.read', (req, res, { actor, target }) =>
    listPage(req, res, { unitId: target.id }, `/units/${target.id}/staff`, !contactVisible(actor.adminOf, { municipalityId: target.municipalityId, protectedIdentity: true })));

  // Adding a staff member: the admin chooses any unit of theirs, a head adds to their unit.
  const newPage = (req: Request, res: Response, units: UnitChoice[], action: string, errors: FieldErrors = {}) => {
    const f = form(req);
    const values = hasErrors(errors)
      ? Object.fromEntries(['firstName', 'lastName', 'email', 'phone', 'identity', 'unit', 'group', 'role', 'startDate', 'endDate', 'invite'].map((n) => [n, f(n)]))
      : { role: 'staff', invite: 'yes', unit: openChoices(units).length === 1 ? String(openChoices(units)[0].id) : '' };
    // (only the units and groups that take someone new are offered; the rest are still parsed, to say why at the field)
    render(req, res, 'staff/new', { units: openChoices(units), roles: STAFF_ROLES, action, errors, values }, hasErrors(errors) ? 400 : 200);
  };
  const create = async (req: Request, res: Response, actor: Actor, units: UnitChoice[], action: string) => {
    const parsed = parseNewStaff(form(req), units, today(clock));
    if (!parsed.ok) return newPage(req, res, units, action, parsed.errors);
    const added = await addStaff(deps, actor, parsed.value, form(req)('invite') === 'yes');
    if (!added.ok) return newPage(req, res, units, action, added.errors);
    flash(req, added.invited ? 'staff.addedInvited' : 'staff.added');
    res.redirect(303, `/admin/staff/${added.personId}`);
  };
  const adminUnits = (actor: Actor) => unitChoices(db, { municipalityIds: [...actor.adminOf] });
  routes.get('/admin/staff/new', 'staff.admin.create', async (req, res, { actor }) => newPage(req, res, await adminUnits(actor), '/admin/staff'));
  routes.post('/admin/staff', 'staff.admin.create', async (req, res, { actor }) => create(req, res, actor, await adminUnits(actor), '/admin/staff'));
  routes.get('/units/:unitId/staff/new', 'unit.staff.create', async (req, res, { target }) =>
    newPage(req, res, await unitChoices(db, { unitId: target.id }), `/units/${target.id}/staff`));
  routes.post('/units/:unitId/staff', 'unit.staff.create', async (req, res, { actor, target }) =>
    create(req, res, actor, await unitChoices(db, { unitId: target.id }), `/units/${target.id}/staff`));

  // A staff member's page.
  const memberPage = async (req: Request, res: Response, actor: Actor, target: Located, errors: FieldErrors = {}) => {
    const facts = await staffPageFacts(deps, actor, target.id);
    if (!facts) throw notFound();
    const f = form(req);
    const values = hasErrors(errors)
      ? Object.fromEntries(['unit', 'group', 'role', 'startDate', 'endDate', ...Object.keys(errors)].map((n) => [n, f(n.startsWith('lastDay-') ? 'lastDay' : n)]))
      : { role: 'staff', unit: openChoices(facts.units).length === 1 ? String(openChoices(facts.units)[0].id) : '' };
    const history = (await Promise.all([changesOf(db, 'person', target.id), ...facts.member.assignments.map((a) => changesOf(db, 'staff_assignment', a.id))]))
      .flat().sort((a, b) => (a.changedAt < b.changedAt ? 1 : a.changedAt > b.changedAt ? -1 : b.id - a.id));
    render(req, res, 'staff/member', {
      ...facts, units: openChoices(facts.units), identity: maskIdentity(facts.member.identityNumber), history, roles: STAFF_ROLES, today: today(clock), errors, values,
    }, hasErrors(errors) ? 400 : 200);
  };
  routes.get('/admin/staff/:staffMemberId', 'staffMember.read', (req, res, { actor, target }) => memberPage(req, res, actor, target));

  routes.post('/admin/staff/:staffMemberId/assignments', 'staffMember.assign', async (req, res, { actor, target }) => {
    const facts = await staffPageFacts(deps, actor, target.id);
    if (!facts) throw notFound();
    const parsed = parseAssignment(form(req), facts.units, today(clock));
    if (!parsed.ok) return memberPage(req, res, actor, target, parsed.errors);
    const assigned = await assign(deps, actor, facts.member, parsed.value);
    if (!assigned.ok) return memberPage(req, res, actor, target, refusedPlace(assigned.error));
    flash(req, 'staff.assigned');
    res.redirect(303, `/admin/staff/${target.id}`);
  });

  routes.post('/admin/staff/:staffMemberId/invitation', 'staffMember.invite', async (req, res, { actor, target }) => {
    const outcome = await invite(deps, actor, target.id);
    if (outcome === 'not-found') throw notFound();
    flash(req, outcome === 'has-account' ? 'staff.invitation.hasAccount' : outcome === 'no-email' ? 'staff.invitation.noEmail' : 'staff.invitation.sent');
    res.redirect(303, `/admin/staff/${target.id}`);
  });

  routes.post('/admin/staff/assignments/:staffAssignmentId/end', 'staffAssignment.end', async (req, res, { actor, target }) => {
    const assignment = await staffAssignment(db, target.id);
    if (!assignment) throw notFound();
    const day = today(clock);
    const lastDay = parseLastDay(form(req), assignment.startDate, day, addDays(day, -1));
    const member = await staffLocators.staffMember(db, assignment.personId, day);
    if (!lastDay.ok) {
      if (!member || !allows(actor, 'staffMember.read', member)) throw notFound();
      return memberPage(req, res, actor, { ...member, id: assignment.personId }, { [`lastDay-${target.id}`]: lastDay.errors.lastDay });
    }
    const ended = await endOne(deps, actor, target.id, lastDay.value);
    flash(req, ended.ok ? 'staff.endedSaved' : 'staff.alreadyEnded');
    // Back to the staff member, while the user may still see them; else to the unit's list.
    const after = await staffLocators.staffMember(db, assignment.personId, day);
    res.redirect(303, after && allows(actor, 'staffMember.read', after) ? `/admin/staff/${assignment.personId}` : `/units/${assignment.unitId}/staff`);
  });

  // A staff member's name, e-mail address and phone number.
  const editPage = async (req: Request, res: Response, personId: number, errors: FieldErrors = {}) => {
    const member = await staffMember(db, personId);
    if (!member) throw notFound();
    const f = form(req);
    const values = hasErrors(errors)
      ? Object.fromEntries(['firstName', 'lastName', 'email', 'phone'].map((n) => [n, f(n)]))
      : { firstName: member.firstName, lastName: member.lastName, email: member.email ?? '', phone: member.phone ?? '' };
    const hasAccount = (await openAccountsOf(db, [personId])).length > 0;
    render(req, res, 'staff/edit', { member, errors, values, hasAccount }, hasErrors(errors) ? 400 : 200);
  };
  routes.get('/admin/staff/:staffDetailsId/edit', 'staffMember.update', (req, res, { target }) => editPage(req, res, target.id));
  routes.post('/admin/staff/:staffDetailsId/edit', 'staffMember.update', async (req, res, { actor, target }) => {
    const parsed = parseStaffDetails(form(req));
    if (!parsed.ok) return editPage(req, res, target.id, parsed.errors);
    const member = await staffMember(db, target.id);
    if (!member) throw notFound();
    const edited = await editDetails(deps, actor, member, parsed.value);
    if (!edited.ok) {
      if ('gone' in edited) throw notFound();
      return editPage(req, res, target.id, edited.errors);
    }
    flash(req, savedMessage(edited));
    res.redirect(303, `/admin/staff/${target.id}`);
  });

  // The personnummer: the admin's, the one page where it is shown whole (in the form, never in a URL).
  const identityPage = async (req: Request, res: Response, personId: number, errors: FieldErrors = {}) => {
    const member = await staffMember(db, personId);
    if (!member) throw notFound();
    const values = { identity: hasErrors(errors) ? form(req)('identity') : (member.identityNumber ?? '') };
    render(req, res, 'staff/identity', { member, errors, values }, hasErrors(errors) ? 400 : 200);
  };
  routes.get('/admin/staff/:staffMemberId/identity', 'staffMember.identity.update', (req, res, { target }) => identityPage(req, res, target.id));
  routes.post('/admin/staff/:staffMemberId/identity', 'staffMember.identity.update', async (req, res, { actor, target }) => {
    const parsed = parseIdentity(form(req)('identity'));
    if (!parsed.ok) return identityPage(req, res, target.id, parsed.errors);
    const fixed = await fixIdentity(deps, actor, target.id, parsed.value);
    if (!fixed.ok) {
      if ('gone' in fixed) throw notFound();
      return identityPage(req, res, target.id, fixed.errors);
    }
    flash(req, fixed.changed ? 'staff.identityForm.saved' : 'staff.edit.unchanged');
    res.redirect(303, `/admin/staff/${target.id}`);
  });
}

/** What the page says after a save: what changed, and what became of an invitation sent to the old address. */
function savedMessage(edited: Extract<EditOutcome, { ok: true }>): string {
  if (!edited.changed) return 'staff.edit.unchanged';
  if (edited.invitation === 'resent') return 'staff.edit.savedResent';
  if (edited.invitation === 'revoked') return 'staff.edit.savedRevoked';
  if (edited.invitation === 'left') return 'staff.edit.savedExpired';
  return 'staff.edit.saved';
}
