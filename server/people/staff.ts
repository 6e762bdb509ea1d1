// Staff in the register: who works where (staff assignments: a unit, or one of its groups, as staff or as its head,
// from a first day to a last), the staff list of a municipality or a unit, adding a staff member and their
// assignments, and ending an assignment. Every change records its history (register-changes.ts) in its transaction.
import type { StaffRole } from '../../db/schema.ts';
import { lockedRows } from '../../db/sql.ts';
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { createPerson } from './commands.ts';
import { recordRegisterChanges, type ChangeAuthor } from './register-changes.ts';

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
 * (an admin's) or in one unit (its head's), found by `q` in their name or e-mail address (in any case, å and ä and ö
 * included), in name order, 50 a page. Each with those assignments there.
 */
export async function staffList(db: Db, scope: { municipalityIds: readonly number[] } | { unitId: number },
  options: { q: string; page: number; today: string; ended?: boolean; perPage?: number }): Promise<{ rows: StaffListRow[]; total: number }> {
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
  const words = options.q.trim().toLocaleLowerCase('sv').split(/\s+/).filter(Boolean);
  const found = persons
    .filter((p) => words.every((w) => `${p.first_name} ${p.last_name} ${p.email ?? ''}`.toLocaleLowerCase('sv').includes(w)))
    .sort((a, b) => collator.compare(a.last_name, b.last_name) || collator.compare(a.first_name, b.first_name) || a.id - b.id);
  const page = found.slice((options.page - 1) * perPage, options.page * perPage);
  return {
    total: found.length,
    rows: page.map((p) => ({
      personId: p.id, firstName: p.first_name, lastName: p.last_name, email: p.email, protectedIdentity: p.protected_identity === 1,
      assignments: assignments.filter((a) => a.personId === p.id),
    })),
  };
}

export interface StaffMember {
  personId: number; municipalityId: number; firstName: string; lastName: string; email: string | null;
  identityNumber: string | null; protectedIdentity: boolean;
  /** Every assignment, ended ones too, the newest first. */
  assignments: StaffAssignment[];
}

/** A staff member (a person with an assignment, now or once) with all their assignments; undefined for anyone else. */
export async function staffMember(db: Db, personId: number): Promise<StaffMember | undefined> {
  const [person, assignments] = await Promise.all([
    db.selectFrom('persons').select(['id', 'municipality_id', 'first_name', 'last_name', 'email', 'identity_number', 'protected_identity'])
      .where('id', '=', personId).executeTakeFirst(),
    assignmentsQuery(db).where('staff_assignments.person_id', '=', personId).orderBy('staff_assignments.id', 'desc').execute(),
  ]);
  if (!person || assignments.length === 0) return undefined;
  return {
    personId: person.id, municipalityId: person.municipality_id, firstName: person.first_name, lastName: person.last_name,
    email: person.email, identityNumber: person.identity_number, protectedIdentity: person.protected_identity === 1,
    assignments: assignments.map(toAssignment),
  };
}

export async function staffAssignment(db: Db, assignmentId: number): Promise<(StaffAssignment & { municipalityId: number }) | undefined> {
  const row = await assignmentsQuery(db).where('staff_assignments.id', '=', assignmentId).executeTakeFirst();
  return row && { ...toAssignment(row), municipalityId: row.municipality_id };
}

/** A unit with its groups, for the choice of where someone works. */
export interface UnitChoice { id: number; name: string; municipalityId: number; groups: { id: number; name: string }[] }

export async function unitChoices(db: Db, scope: { municipalityIds: readonly number[] } | { unitId: number }): Promise<UnitChoice[]> {
  let units = db.selectFrom('units').select(['id', 'name', 'municipality_id']);
  if ('unitId' in scope) units = units.where('id', '=', scope.unitId);
  else if (scope.municipalityIds.length === 0) return [];
  else units = units.where('municipality_id', 'in', scope.municipalityIds);
  const rows = await units.execute();
  if (rows.length === 0) return [];
  const groups = await db.selectFrom('groups').select(['id', 'name', 'unit_id']).where('unit_id', 'in', rows.map((u) => u.id)).execute();
  return rows.sort((a, b) => collator.compare(a.name, b.name)).map((u) => ({
    id: u.id, name: u.name, municipalityId: u.municipality_id,
    groups: groups.filter((g) => g.unit_id === u.id).sort((a, b) => collator.compare(a.name, b.name)).map((g) => ({ id: g.id, name: g.name })),
  }));
}

export interface NewAssignment { unitId: number; groupId: number | null; role: StaffRole; startDate: string; endDate: string | null }

export type AssignResult = { ok: true; id: number } | { ok: false; error: 'no-such-group' };

/** Adds an assignment in the caller's transaction, with its history; the group must be one of the unit's. */
export async function addAssignment(trx: Db, personId: number, a: NewAssignment, municipalityId: number, author: ChangeAuthor): Promise<AssignResult> {
  if (a.groupId !== null) {
    const group = await trx.selectFrom('groups').select('id').where('id', '=', a.groupId).where('unit_id', '=', a.unitId).executeTakeFirst();
    if (!group) return { ok: false, error: 'no-such-group' };
  }
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
  municipalityId: number; firstName: string; lastName: string; email: string;
  identity: { number: string; kind: 'personnummer' | 'samordningsnummer' } | null;
}

export type AddStaffResult =
  | { ok: true; personId: number; assignmentId: number }
  | { ok: false; error: 'email-taken' | 'identity-taken' | 'no-such-group'; personId?: number };

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
      municipalityId: p.municipalityId, firstName: p.firstName, lastName: p.lastName, identity: p.identity, email: p.email,
    }, author.at);
    await recordRegisterChanges(trx, p.municipalityId, author, [{ entity: 'person', entityId: personId, change: 'created' }]);
    const assigned = await addAssignment(trx, personId, a, p.municipalityId, author);
    if (!assigned.ok) throw new GroupGone();
    await then?.(trx, personId);
    return { ok: true, personId, assignmentId: assigned.id };
  }).catch((err: unknown): AddStaffResult => {
    if (err instanceof GroupGone) return { ok: false, error: 'no-such-group' };
    throw err;
  });
}

class GroupGone extends Error {}

/** A staff member of the municipality (a person with any assignment in it) whose address is this one, in any case. */
async function staffWithEmail(db: Db, municipalityId: number, email: string): Promise<number | undefined> {
  const rows = await db.selectFrom('persons').select(['id', 'email']).where('municipality_id', '=', municipalityId).where('email', 'is not', null)
    .where((eb) => eb.exists(eb.selectFrom('staff_assignments').select('staff_assignments.id').whereRef('staff_assignments.person_id', '=', 'persons.id')))
    .execute();
  const wanted = email.trim().toLocaleLowerCase('sv');
  return rows.find((r) => r.email?.trim().toLocaleLowerCase('sv') === wanted)?.id;
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

/** An assignment sits in its unit (and group), in the unit's municipality. */
async function locateStaffAssignment(db: Db, assignmentId: number): Promise<Location | null> {
  const a = await staffAssignment(db, assignmentId);
  return a ? { municipalityId: a.municipalityId, unitIds: [a.unitId], groupIds: a.groupId ? [a.groupId] : [], childIds: [] } : null;
}

/** The records of the staff pages that routes name by id. */
export const staffLocators = { staffMember: locateStaffMember, staffAssignment: (db, id) => locateStaffAssignment(db, id) } satisfies Partial<Locators>;
