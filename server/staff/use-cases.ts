// What the staff pages do beyond one query: add a staff member (and invite them, in the same transaction), add an
// assignment, end one, invite, change a staff member's name and contact details (an invitation not used yet follows a
// new address) or personnummer, and gather what a staff member's page shows to this user.
import type { Config } from '../config.ts';
import { today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { allows, type Actor } from '../kernel/policy.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { followNewEmail, inviteStaffMember, latestStaffInvitation, type FollowedInvitation, type StaffInvitation } from '../invitations/staff.ts';
import type { ChangeAuthor } from '../people/register-changes.ts';
import { locateUnit } from '../people/relations.ts';
import {
  addAssignment, addStaffMember, endAssignment, setStaffIdentity, staffLocators, staffMember, unitChoices, updateStaffDetails, type EndResult,
  type AssignResult, type NewAssignment, type NewStaffMember, type StaffAssignment, type StaffDetails, type StaffMember, type UnitChoice,
} from '../people/staff.ts';
import { addressVisible, birthDateOf, contactVisible } from './rules.ts';

interface Deps { db: Db; clock: Clock; config: Pick<Config, 'publicUrl'> }

const authorOf = (actor: Actor, clock: Clock): ChangeAuthor => ({ source: 'admin', personId: actor.personId, at: clock.now() });

export type AddOutcome = { ok: true; personId: number; invited: boolean } | { ok: false; errors: FieldErrors };

/** A new staff member with their first assignment and, when asked, their invitation: all of it, or nothing. */
export async function addStaff(deps: Deps, actor: Actor, v: { person: NewStaffMember; assignment: NewAssignment }, sendInvitation: boolean): Promise<AddOutcome> {
  const { db, clock, config } = deps;
  const units = await unitChoices(db, { unitId: v.assignment.unitId });
  const result = await addStaffMember(db, v.person, v.assignment, authorOf(actor, clock), async (trx, personId) => {
    if (!sendInvitation) return;
    await inviteStaffMember(trx, {
      personId, name: v.person.firstName, email: v.person.email, municipalityId: v.person.municipalityId,
      unitName: units[0]?.name ?? '', by: actor.accountId, now: clock.now(),
    }, config);
  });
  if (result.ok) return { ok: true, personId: result.personId, invited: sendInvitation };
  if (result.error === 'email-taken') return { ok: false, errors: { email: { key: 'staff.errors.emailTaken' } } };
  if (result.error === 'identity-taken') return { ok: false, errors: { identity: { key: 'staff.errors.identityTaken' } } };
  return { ok: false, errors: refusedPlace(result.error) };
}

/** Where an assignment cannot go, at its field: a group not of the unit, an ended group, a closed unit. */
export function refusedPlace(error: 'no-such-group' | 'group-ended' | 'unit-closed'): FieldErrors {
  if (error === 'unit-closed') return { unit: { key: 'staff.errors.unitClosed' } };
  return { group: { key: error === 'group-ended' ? 'staff.errors.groupEnded' : 'staff.errors.group' } };
}

export interface StaffPageFacts {
  member: StaffMember;
  /** Assignments the user may end (not ended, in a unit they head or an admin's). */
  endable: ReadonlySet<number>;
  /** Where the user may give this person an assignment. */
  units: UnitChoice[];
  hasAccount: boolean;
  invitation: StaffInvitation | undefined;
  canInvite: boolean;
  /** The invitation not used yet went to another address than the one the person has now. */
  invitationElsewhere: boolean;
  /** May change the name, e-mail and phone (staffMember.update); may fix the personnummer (the admin). */
  mayEdit: boolean;
  mayFixIdentity: boolean;
  /** Sees the e-mail address and phone number (for a protected identity, only the admin does). */
  showContact: boolean;
  /** Sees the home address (the admin; a protected identity's: nobody). */
  showAddress: boolean;
}

/** A staff member as this user sees them: what they may end, where they may assign, the account and invitation. */
export async function staffPageFacts({ db, clock }: Deps, actor: Actor, personId: number): Promise<StaffPageFacts | undefined> {
  const member = await staffMember(db, personId);
  if (!member) return undefined;
  const day = today(clock);
  const mayManage = async (unitId: number) => allows(actor, 'unit.staff.create', await locateUnit(db, unitId));
  const manageable = new Set<number>();
  for (const unitId of new Set(member.assignments.map((a) => a.unitId))) if (await mayManage(unitId)) manageable.add(unitId);
  const endable = new Set(member.assignments.filter((a: StaffAssignment) => (a.endDate === null || a.endDate >= day) && manageable.has(a.unitId)).map((a) => a.id));
  const scopes = [...actor.adminOf].length ? [unitChoices(db, { municipalityIds: [...actor.adminOf] })] : [];
  for (const unitId of actor.headOf) scopes.push(unitChoices(db, { unitId }));
  const seen = new Set<number>();
  const units = (await Promise.all(scopes)).flat()
    .filter((u) => u.municipalityId === member.municipalityId && !seen.has(u.id) && seen.add(u.id));
  const [accounts, invitation] = await Promise.all([openAccountsOf(db, [personId]), latestStaffInvitation(db, personId, clock.now())]);
  const hasAccount = accounts.length > 0;
  const [details, located] = await Promise.all([staffLocators.staffDetails(db, personId, day), staffLocators.staffMember(db, personId, day)]);
  const invitationElsewhere = invitation !== undefined && invitation.state !== 'used' && invitation.state !== 'revoked' && !hasAccount
    && (invitation.email ?? '').toLocaleLowerCase('sv') !== (member.email ?? '').toLocaleLowerCase('sv');
  return {
    member, endable, units, hasAccount, invitation, canInvite: !hasAccount && member.email !== null, invitationElsewhere,
    mayEdit: allows(actor, 'staffMember.update', details), mayFixIdentity: allows(actor, 'staffMember.identity.update', located),
    showContact: contactVisible(actor.adminOf, member), showAddress: addressVisible(actor.adminOf, member),
  };
}

export type EditOutcome = { ok: true; changed: boolean; invitation: FollowedInvitation } | { ok: false; errors: FieldErrors } | { ok: false; gone: true };

/**
 * Changes a staff member's name, e-mail and phone. When the address changes, an invitation not used yet follows it in
 * the same transaction (see followNewEmail); a change of case alone is no new address.
 */
export async function editDetails(deps: Deps, actor: Actor, member: StaffMember, d: StaffDetails): Promise<EditOutcome> {
  const { db, clock, config } = deps;
  let invitation: FollowedInvitation = 'none';
  const current = member.assignments.find((a) => a.endDate === null || a.endDate >= today(clock)) ?? member.assignments[0];
  const result = await updateStaffDetails(db, member.personId, d, authorOf(actor, clock), async (trx, email) => {
    if ((email.before ?? '').toLocaleLowerCase('sv') === (email.after ?? '').toLocaleLowerCase('sv')) return;
    invitation = await followNewEmail(trx, {
      personId: member.personId, name: d.firstName, email: email.after, municipalityId: member.municipalityId,
      unitName: current?.unitName ?? '', by: actor.accountId, now: clock.now(),
    }, config);
  });
  if (result.ok) return { ok: true, changed: result.changed.length > 0, invitation };
  if (result.error === 'gone') return { ok: false, gone: true };
  return { ok: false, errors: { email: { key: 'staff.errors.emailTaken' } } };
}

export type IdentityOutcome = { ok: true; changed: boolean } | { ok: false; errors: FieldErrors } | { ok: false; gone: true };

/** The admin fixes (or removes) a staff member's personnummer; one that someone else in the register has is refused at its field. */
export async function fixIdentity({ db, clock }: Deps, actor: Actor, personId: number, identity: NewStaffMember['identity']): Promise<IdentityOutcome> {
  const result = await setStaffIdentity(db, personId, identity && { ...identity, birthDate: birthDateOf(identity.number) }, authorOf(actor, clock));
  if (result.ok) return result;
  if (result.error === 'gone') return { ok: false, gone: true };
  return { ok: false, errors: { identity: { key: 'staff.errors.identityTaken' } } };
}

/** Adds an assignment where the user may (the page offered only those units; the parse checked it). */
export async function assign({ db, clock }: Deps, actor: Actor, member: StaffMember, a: NewAssignment): Promise<AssignResult> {
  return db.transaction().execute((trx) => addAssignment(trx, member.personId, a, member.municipalityId, authorOf(actor, clock)));
}

export async function endOne({ db, clock }: Deps, actor: Actor, assignmentId: number, lastDay: string): Promise<EndResult> {
  return endAssignment(db, assignmentId, lastDay, today(clock), authorOf(actor, clock));
}

/** Sends a staff member a new invitation (the earlier one stops working); not to someone who has an account already. */
export async function invite(deps: Deps, actor: Actor, personId: number): Promise<'sent' | 'has-account' | 'no-email' | 'not-found'> {
  const { db, clock, config } = deps;
  const facts = await staffPageFacts(deps, actor, personId);
  if (!facts) return 'not-found';
  if (facts.hasAccount) return 'has-account';
  const email = facts.member.email;
  if (!email) return 'no-email';
  const current = facts.member.assignments.find((a) => a.endDate === null || a.endDate >= today(clock));
  await db.transaction().execute((trx) => inviteStaffMember(trx, {
    personId, name: facts.member.firstName, email, municipalityId: facts.member.municipalityId,
    unitName: current?.unitName ?? facts.member.assignments[0].unitName, by: actor.accountId, now: clock.now(),
  }, config));
  return 'sent';
}
