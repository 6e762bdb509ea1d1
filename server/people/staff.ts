// Staff in the register: who works where (staff assignments: a unit, or one of its groups, as staff or as its head,
// from a first day to a last), the staff list of a municipality or a unit, adding a staff member and their
// assignments, ending an assignment, and changing a staff member's name, e-mail, phone or personnummer. Every change
// records its history (register-changes.ts) in its transaction.
import type { StaffRole } from '../../db/schema.ts';
import { foldForSearch, isUniqueViolation, lockedRows } from '../../db/sql.ts';
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { createPerson } from './commands.ts';
import { admitsNewPeople } from './organisation.ts';
import { fieldChanges, recordRegisterChanges, type ChangeAuthor } from './register-changes.ts';

/** An assignment as the staff pages show it. */
export interface StaffAssignment {
  id: number; personId: number; unitId: number; unitName: string; groupId: number | null; groupName: string | null; role: StaffRole;
  startDate: string | null; endDate: string | null;
}

export interface StaffListRow {
  personId: number; firstName: string; lastName: string; email: string | null; protectedIdentity: boolean;
  assignments: StaffAssignment[];
}

const collator = new Intl.Collator('sv', { sensitivity: 'base' });

function assignmentsQuery(db: Db) {
  return db.selectFrom('staff_assignments')
    .innerJoin('units', 'units.id', 'staff_assignments.unit_id')
    .leftJoin('groups', 'groups.id', 'staff_assignments.group_id')
    .select(['staff_assignments.id', 'staff_assignments.person_id', 'staff_assignments.unit_id', 'units.name as unit_name',
      'staff_assignments.group_id', 'groups.name as group_name', 'staff_assignments.role', 'staff_assignments.start_date',
      'staff_assignments.end_date', 'units.municipality_id']);
}

type AssignmentRecord = Awaited<ReturnType<ReturnType<typeof assignmentsQuery>['execute']>>[number];

function toAssignment(r: AssignmentRecord): StaffAssignment {
  return {
    id: r.id, personId: r.person_id, unitId: r.unit_id, unitName: r.unit_name, groupId: r.group_id, groupName: r.group_name,
    role: r.role, startDate: r.start_date, endDate: r.end_date,
  };
}

/** Whether an assignment has not ended by `today` (it counts now, or will). */
const notEnded = (today: string) => (a: { endDate: string | null }) => a.endDate === null || a.endDate >= today;

/**
 * The staff who have an assignment that has not ended (with `ended`, or any assignment), in the municipalities given
 * (an admin's) or in one unit (its head's), found by `q` in their name or e-mail address (in any case, å, ä and ö
 * included, accents or not: foldForSearch), in name order, 50 a page. Each with those assignments there. With
 * `hideProtectedContact` (a unit head's list), a protected identity's e-mail address is neither shown nor searched.
 */
export async function staffList(db: Db, scope: { municipalityIds: readonly number[] } | { unitId: number },
  options: { q: string; page: number; today: string; ended?: boolean; perPage?: number; hideProtectedContact?: boolean }): Promise<{ rows: StaffListRow[]; total: number }> {
  const perPage = options.perPage ?? 50;
  let query = assignmentsQuery(db);
  if (!options.ended) query = query.where((eb) => eb.or([eb('staff_assignments.end_date', 'is', null), eb('staff_assignments.end_date', '>=', options.today)]));
  if ('unitId' in scope) query = query.where('staff_assignments.unit_id', '=', scope.unitId);
  else if (scope.municipalityIds.length === 0) return { rows: [], total: 0 };
  else query = query.where('units.municipality_id', 'in', scope.municipalityIds);
  const assignments = (await query.execute()).map(toAssignment);
  const personIds = [...new Set(assignments.map((a) => a.personId))];
  if (personIds.length === 0) return { rows: [], total: 0 };
  const persons: { id: number; first_name: string; last_name: string; email: string | null; protected_identity: number }[] = [];
  for (let i = 0; i < personIds.length; i += 500) {
    persons.push(...await db.selectFrom('persons').select(['id', 'first_name', 'last_name', 'email', 'protected_identity'])
      .where('id', 'in', personIds.slice(i, i + 500)).execute());
  }
  const words = foldForSearch(options.q.trim()).split(/\s+/).filter(Boolean);
  const found = persons
    .filter((p) => words.every((w) => foldForSearch(`${p.first_name} ${p.last_name} ${(options.hideProtectedContact && p.protected_identity === 1 ? '' : p.email) ?? ''}`).includes(w)))
    .sort((a, b) => collator.compare(a.last_name, b.last_name) || collator.compare(a.first_name, b.first_name) || a.id - b.id);
  const page = found.slice((options.page - 1) * perPage, options.page * perPage);
  return {
    total: found.length,
    rows: page.map((p) => ({
      personId: p.id, firstName: p.first_name, lastName: p.last_name, protectedIdentity: p.protected_identity === 1,
      email: options.hideProtectedContact && p.protected_identity === 1 ? null : p.email,
      assignments: assignments.filter((a) => a.personId === p.id),
    })),
  };
}

export interface StaffMember {
  personId: number; municipalityId: number; firstName: string; lastName: string; email: string | null; phone: string | null;
  identityNumber: string | null; protectedIdentity: boolean;
  /** From the register (the import); never shown for a protected identity. */
  address: { street: string | null; postalCode: string | null; city: string | null };
  /** Every assignment, ended ones too, the newest first. */
  assignments: StaffAssignment[];
}

/** A staff member (a person with an assignment, now or once) with all their assignments; undefined for anyone else. */
export async function staffMember(db: Db, personId: number): Promise<StaffMember | undefined> {
  const [person, assignments] = await Promise.all([
    db.selectFrom('persons').select(['id', 'municipality_id', 'first_name', 'last_name', 'email', 'phone', 'identity_number', 'protected_identity',
      'street_address', 'postal_code', 'city'])
      .where('id', '=', personId).executeTakeFirst(),
    assignmentsQuery(db).where('staff_assignments.person_id', '=', personId).orderBy('staff_assignments.id', 'desc').execute(),
  ]);
  if (!person || assignments.length === 0) return undefined;
  return {
    personId: person.id, municipalityId: person.municipality_id, firstName: person.first_name, lastName: person.last_name,
    email: person.email, phone: person.phone, identityNumber: person.identity_number, protectedIdentity: person.protected_identity === 1,
    address: { street: person.street_address, postalCode: person.postal_code, city: person.city },
    assignments: assignments.map(toAssignment),
  };
}

export async function staffAssignment(db: Db, assignmentId: number): Promise<(StaffAssignment & { municipalityId: number }) | undefined> {
  const row = await assignmentsQuery(db).where('staff_assignments.id', '=', assignmentId).executeTakeFirst();
  return row && { ...toAssignment(row), municipalityId: row.municipality_id };
}

/**
 * A unit with its groups, for the choice of where someone works; `open`: a new assignment may go there (the unit is not
 * closed, the group has not ended). The forms offer only those (openChoices).
 */
export interface UnitChoice { id: number; name: string; municipalityId: number; open?: boolean; groups: { id: number; name: string; open?: boolean }[] }

/** The units and groups that take a new assignment. */
export function openChoices(units: readonly UnitChoice[]): UnitChoice[] {
  return units.filter((u) => u.open !== false).map((u) => ({ ...u, groups: u.groups.filter((g) => g.open !== false) }));
}

export async function unitChoices(db: Db, scope: { municipalityIds: readonly number[] } | { unitId: number }): Promise<UnitChoice[]> {
  let units = db.selectFrom('units').select(['id', 'name', 'municipality_id', 'closed_on']);
  if ('unitId' in scope) units = units.where('id', '=', scope.unitId);
  else if (scope.municipalityIds.length === 0) return [];
  else units = units.where('municipality_id', 'in', scope.municipalityIds);
  const rows = await units.execute();
  if (rows.length === 0) return [];
  const groups = await db.selectFrom('groups').select(['id', 'name', 'unit_id', 'ended_on']).where('unit_id', 'in', rows.map((u) => u.id)).execute();
  return rows.sort((a, b) => collator.compare(a.name, b.name)).map((u) => ({
    id: u.id, name: u.name, municipalityId: u.municipality_id, open: u.closed_on === null,
    groups: groups.filter((g) => g.unit_id === u.id).sort((a, b) => collator.compare(a.name, b.name))
      .map((g) => ({ id: g.id, name: g.name, open: g.ended_on === null })),
  }));
}

export interface NewAssignment { unitId: number; groupId: number | null; role: StaffRole; startDate: string; endDate: string | null }

export type AssignResult = { ok: true; id: number } | { ok: false; error: 'no-such-group' | 'group-ended' | 'unit-closed' };

/**
 * Adds an assignment in the caller's transaction, with its history; the group must be one of the unit's, and the unit
 * (and group) take new people (admitsNewPeople, which locks its row against a closing or ending at the same moment).
 */
export async function addAssignment(trx: Db, personId: number, a: NewAssignment, municipalityId: number, author: ChangeAuthor): Promise<AssignResult> {
  if (a.groupId !== null) {
    const group = await trx.selectFrom('groups').select('id').where('id', '=', a.groupId).where('unit_id', '=', a.unitId).executeTakeFirst();
    if (!group) return { ok: false, error: 'no-such-group' };
  }
  const admission = await admitsNewPeople(trx, a.groupId !== null ? { groupId: a.groupId } : { unitId: a.unitId });
  if (!admission.ok) return { ok: false, error: admission.error === 'gone' ? 'no-such-group' : admission.error };
  const { id } = await trx.insertInto('staff_assignments').values({
    person_id: personId, unit_id: a.unitId, group_id: a.groupId, role: a.role, start_date: a.startDate, end_date: a.endDate,
  }).returning('id').executeTakeFirstOrThrow();
  await recordRegisterChanges(trx, municipalityId, author, [
    { entity: 'staff_assignment', entityId: id, change: 'created', newValue: `${a.role} unit ${a.unitId}${a.groupId ? ` group ${a.groupId}` : ''}` },
    { entity: 'staff_assignment', entityId: id, change: 'changed', field: 'start_date', oldValue: null, newValue: a.startDate },
    ...(a.endDate ? [{ entity: 'staff_assignment' as const, entityId: id, change: 'changed' as const, field: 'end_date', oldValue: null, newValue: a.endDate }] : []),
  ]);
  return { ok: true, id };
}

export interface NewStaffMember {
  municipalityId: number; firstName: string; lastName: string; email: string; phone?: string | null;
  identity: { number: string; kind: 'personnummer' | 'samordningsnummer' } | null;
}

export type AddStaffResult =
  | { ok: true; personId: number; assignmentId: number }
  | { ok: false; error: 'email-taken' | 'identity-taken' | 'no-such-group' | 'group-ended' | 'unit-closed'; personId?: number };

/**
 * A new staff member and their first assignment, in one transaction: both, with their history, or nothing. An address
 * another staff member of the municipality has, or a personnummer someone in its register has, is refused (with
 * that person, to go to). The municipality's row is locked first, so two such forms at once cannot both pass. `then`
 * runs in the same transaction (the invitation).
 */
export async function addStaffMember(
  db: Db, p: NewStaffMember, a: NewAssignment, author: ChangeAuthor, then?: (trx: Db, personId: number) => Promise<void>,
): Promise<AddStaffResult> {
  return db.transaction().execute(async (trx): Promise<AddStaffResult> => {
    await lockedRows(trx, trx.selectFrom('municipalities').select('id').where('id', '=', p.municipalityId)).execute();
    const taken = await staffWithEmail(trx, p.municipalityId, p.email);
    if (taken !== undefined) return { ok: false, error: 'email-taken', personId: taken };
    if (p.identity) {
      const same = await trx.selectFrom('persons').select('id').where('municipality_id', '=', p.municipalityId)
        .where('identity_number', '=', p.identity.number).executeTakeFirst();
      if (same) return { ok: false, error: 'identity-taken', personId: same.id };
    }
    const personId = await createPerson(trx, {
      municipalityId: p.municipalityId, firstName: p.firstName, lastName: p.lastName, identity: p.identity, email: p.email, phone: p.phone ?? null,
    }, author.at);
    await recordRegisterChanges(trx, p.municipalityId, author, [{ entity: 'person', entityId: personId, change: 'created' }]);
    const assigned = await addAssignment(trx, personId, a, p.municipalityId, author);
    if (!assigned.ok) throw new GroupGone(assigned.error);
    await then?.(trx, personId);
    return { ok: true, personId, assignmentId: assigned.id };
  }).catch((err: unknown): AddStaffResult => {
    if (err instanceof GroupGone) return { ok: false, error: err.error };
    throw err;
  });
}

/** The first assignment was refused: thrown to roll the new person back, turned into the result. */
class GroupGone extends Error {
  constructor(readonly error: 'no-such-group' | 'group-ended' | 'unit-closed') { super(error); }
}

/** A staff member of the municipality (a person with any assignment in it) whose address is this one, in any case. */
async function staffWithEmail(db: Db, municipalityId: number, email: string, except?: number): Promise<number | undefined> {
  let query = db.selectFrom('persons').select(['id', 'email']).where('municipality_id', '=', municipalityId).where('email', 'is not', null);
  if (except !== undefined) query = query.where('id', '<>', except);
  const rows = await query
    .where((eb) => eb.exists(eb.selectFrom('staff_assignments').select('staff_assignments.id').whereRef('staff_assignments.person_id', '=', 'persons.id')))
    .execute();
  const wanted = email.trim().toLocaleLowerCase('sv');
  return rows.find((r) => r.email?.trim().toLocaleLowerCase('sv') === wanted)?.id;
}

/** A staff member's name and contact details as an admin or unit head writes them (null: none). */
export interface StaffDetails { firstName: string; lastName: string; email: string | null; phone: string | null }

export type DetailsResult =
  | { ok: true; changed: readonly string[]; email: { before: string | null; after: string | null } }
  | { ok: false; error: 'email-taken' | 'gone' };

/**
 * Changes a staff member's name, e-mail and phone, each changed field in the history with who and when; `then` runs in
 * the same transaction (the invitation that follows a new address). An address another staff member of the
 * municipality has is refused; the municipality's row is locked first, as when adding one, so two saves at once
 * cannot both take the same address.
 */
export async function updateStaffDetails(
  db: Db, personId: number, d: StaffDetails, author: ChangeAuthor,
  then?: (trx: Db, email: { before: string | null; after: string | null }) => Promise<void>,
): Promise<DetailsResult> {
  return db.transaction().execute(async (trx): Promise<DetailsResult> => {
    const person = await trx.selectFrom('persons').select('municipality_id').where('id', '=', personId).executeTakeFirst();
    if (!person) return { ok: false, error: 'gone' };
    await lockedRows(trx, trx.selectFrom('municipalities').select('id').where('id', '=', person.municipality_id)).execute();
    const before = await lockedRows(trx, trx.selectFrom('persons').select(['first_name', 'last_name', 'email', 'phone']).where('id', '=', personId))
      .executeTakeFirst();
    if (!before) return { ok: false, error: 'gone' };
    if (d.email !== null && d.email.toLocaleLowerCase('sv') !== before.email?.trim().toLocaleLowerCase('sv')
      && await staffWithEmail(trx, person.municipality_id, d.email, personId) !== undefined) return { ok: false, error: 'email-taken' };
    const after = { first_name: d.firstName, last_name: d.lastName, email: d.email, phone: d.phone };
    const changes = fieldChanges('person', personId, before, after);
    const email = { before: before.email, after: d.email };
    if (changes.length === 0) return { ok: true, changed: [], email };
    await trx.updateTable('persons').set(after).where('id', '=', personId).execute();
    await recordRegisterChanges(trx, person.municipality_id, author, changes);
    if (before.email !== d.email) await then?.(trx, email);
    return { ok: true, changed: changes.map((c) => c.field ?? ''), email };
  });
}

/** The whole personnummer, for the admin's form that fixes it (the one page that shows it). */
export async function staffIdentity(db: Db, personId: number): Promise<string | null | undefined> {
  return (await db.selectFrom('persons').select('identity_number').where('id', '=', personId).executeTakeFirst())?.identity_number;
}

export type IdentityResult = { ok: true; changed: boolean } | { ok: false; error: 'identity-taken' | 'gone' };

/**
 * Sets (or removes) a staff member's personnummer or samordningsnummer, and the birth date it holds. One the register
 * of the municipality already has is refused by its unique key (two saves at once cannot both have it). The history
 * says that it changed, never its digits: the history is shown on pages.
 */
export async function setStaffIdentity(
  db: Db, personId: number, identity: { number: string; kind: 'personnummer' | 'samordningsnummer'; birthDate: string } | null, author: ChangeAuthor,
): Promise<IdentityResult> {
  try {
    return await db.transaction().execute(async (trx): Promise<IdentityResult> => {
      const before = await lockedRows(trx, trx.selectFrom('persons').select(['municipality_id', 'identity_number', 'birth_date']).where('id', '=', personId))
        .executeTakeFirst();
      if (!before) return { ok: false, error: 'gone' };
      if (before.identity_number === (identity?.number ?? null)) return { ok: true, changed: false };
      await trx.updateTable('persons').set({
        identity_number: identity?.number ?? null, identity_kind: identity?.kind ?? null, birth_date: identity ? identity.birthDate : before.birth_date,
      }).where('id', '=', personId).execute();
      await recordRegisterChanges(trx, before.municipality_id, author, [{ entity: 'person', entityId: personId, change: 'changed', field: 'identity_number' }]);
      return { ok: true, changed: true };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'persons.identity_number')) return { ok: false, error: 'identity-taken' };
    throw error;
  }
}

export type EndResult = { ok: true } | { ok: false; error: 'already-ended' };

/**
 * Ends an assignment after `lastDay` (its last day counted), with its history. Only one that has not ended by
 * `today`: the update says whether it still had not, so two at once cannot both end it. A last day before today ends
 * it at once.
 */
export async function endAssignment(db: Db, assignmentId: number, lastDay: string, today: string, author: ChangeAuthor): Promise<EndResult> {
  return db.transaction().execute(async (trx): Promise<EndResult> => {
    const before = await staffAssignment(trx, assignmentId);
    if (!before) return { ok: false, error: 'already-ended' };
    const result = await trx.updateTable('staff_assignments').set({ end_date: lastDay }).where('id', '=', assignmentId)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', today)])).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return { ok: false, error: 'already-ended' };
    await recordRegisterChanges(trx, before.municipalityId, author, [
      { entity: 'staff_assignment', entityId: assignmentId, change: 'ended', field: 'end_date', oldValue: before.endDate, newValue: lastDay },
    ]);
    return { ok: true };
  });
}

/** A staff member sits in their municipality and in the units where their assignments have not ended. */
async function locateStaffMember(db: Db, personId: number, today: string): Promise<Location | null> {
  const member = await staffMember(db, personId);
  if (!member) return null;
  const current = member.assignments.filter(notEnded(today));
  return { municipalityId: member.municipalityId, unitIds: [...new Set(current.map((a) => a.unitId))], groupIds: [], childIds: [] };
}

/**
 * A staff member's own details sit in their municipality, and in their unit only while every assignment that has not
 * ended is in that one unit, their identity is not protected, and they are no guardian or child in the register: a
 * unit's head changes those of staff working in their unit alone (an address the head gave would otherwise carry an
 * invitation, and with it the person's children, to whoever reads it); anyone else's are the admin's.
 */
async function locateStaffDetails(db: Db, personId: number, today: string): Promise<Location | null> {
  const member = await staffMember(db, personId);
  if (!member) return null;
  const units = [...new Set(member.assignments.filter(notEnded(today)).map((a) => a.unitId))];
  const family = await db.selectFrom('persons').select('id').where('id', '=', personId)
    .where((eb) => eb.or([
      eb.exists(eb.selectFrom('guardianships').select('guardianships.id').where('guardianships.guardian_id', '=', personId)),
      eb.exists(eb.selectFrom('guardianships').select('guardianships.id').where('guardianships.child_id', '=', personId)),
    ])).executeTakeFirst();
  const theirUnit = units.length === 1 && !member.protectedIdentity && family === undefined;
  return { municipalityId: member.municipalityId, unitIds: theirUnit ? units : [], groupIds: [], childIds: [] };
}

/** An assignment sits in its unit (and group), in the unit's municipality. */
async function locateStaffAssignment(db: Db, assignmentId: number): Promise<Location | null> {
  const a = await staffAssignment(db, assignmentId);
  return a ? { municipalityId: a.municipalityId, unitIds: [a.unitId], groupIds: a.groupId ? [a.groupId] : [], childIds: [] } : null;
}

/** The records of the staff pages that routes name by id. */
export const staffLocators = {
  staffMember: locateStaffMember, staffDetails: locateStaffDetails, staffAssignment: (db, id) => locateStaffAssignment(db, id),
} satisfies Partial<Locators>;
