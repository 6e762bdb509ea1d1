// The registry import's reads and writes of the register: what the municipality's register holds now (the snapshot a
// file is compared with), the writes of an approved import (each with its history, in the caller's transaction), and
// the uploaded files kept between preview and approval (registry_imports). The decisions are in server/registry-import/.
import type { IdentityKind, StaffRole } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import type { Location } from '../kernel/policy.ts';
import type { Locators } from '../kernel/http.ts';
import { admitsNewPeople } from './organisation.ts';
import { recordRegisterChanges, type ChangeAuthor, type RegisterChange } from './register-changes.ts';

export interface SnapshotPerson {
  id: number; identityNumber: string; firstName: string; lastName: string; protectedIdentity: boolean;
  street: string | null; postalCode: string | null; city: string | null; email: string | null; phone: string | null;
}
export interface SnapshotPlacement { id: number; childId: number; groupId: number; startDate: string; endDate: string | null }
export interface SnapshotGuardianship { id: number; guardianId: number; childId: number; otherHousehold: boolean }
export interface SnapshotAssignment { id: number; personId: number; unitId: number; groupId: number | null; role: StaffRole; startDate: string | null; endDate: string | null }

/** The municipality's register as an import compares with it. */
export interface RegisterSnapshot {
  persons: Map<string, SnapshotPerson>;
  /** `closed`: the unit is closed, `ended`: the group has ended (they take no new placement or assignment). */
  units: { id: number; name: string; closed?: boolean }[];
  groups: { id: number; unitId: number; name: string; ended?: boolean }[];
  placements: SnapshotPlacement[];
  guardianships: SnapshotGuardianship[];
  assignments: SnapshotAssignment[];
}

export async function registerSnapshot(db: Db, municipalityId: number): Promise<RegisterSnapshot> {
  const [persons, units, groups, placements, guardianships, assignments] = await Promise.all([
    db.selectFrom('persons')
      .select(['id', 'identity_number', 'first_name', 'last_name', 'protected_identity', 'street_address', 'postal_code', 'city', 'email', 'phone'])
      .where('municipality_id', '=', municipalityId).where('identity_number', 'is not', null).orderBy('id').execute(),
    db.selectFrom('units').select(['id', 'name', 'closed_on']).where('municipality_id', '=', municipalityId).orderBy('id').execute(),
    db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
      .select(['groups.id', 'groups.unit_id', 'groups.name', 'groups.ended_on']).where('units.municipality_id', '=', municipalityId).orderBy('groups.id').execute(),
    db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
      .select(['placements.id', 'placements.child_id', 'placements.group_id', 'placements.start_date', 'placements.end_date'])
      .where('units.municipality_id', '=', municipalityId).orderBy('placements.id').execute(),
    db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.child_id')
      .select(['guardianships.id', 'guardianships.guardian_id', 'guardianships.child_id', 'guardianships.other_household'])
      .where('persons.municipality_id', '=', municipalityId).orderBy('guardianships.id').execute(),
    db.selectFrom('staff_assignments').innerJoin('units', 'units.id', 'staff_assignments.unit_id')
      .select(['staff_assignments.id', 'staff_assignments.person_id', 'staff_assignments.unit_id', 'staff_assignments.group_id', 'staff_assignments.role',
        'staff_assignments.start_date', 'staff_assignments.end_date'])
      .where('units.municipality_id', '=', municipalityId).orderBy('staff_assignments.id').execute(),
  ]);
  return {
    persons: new Map(persons.map((p) => [p.identity_number ?? '', {
      id: p.id, identityNumber: p.identity_number ?? '', firstName: p.first_name, lastName: p.last_name, protectedIdentity: p.protected_identity === 1,
      street: p.street_address, postalCode: p.postal_code, city: p.city, email: p.email, phone: p.phone,
    }])),
    units: units.map((u) => ({ id: u.id, name: u.name, closed: u.closed_on !== null })),
    groups: groups.map((g) => ({ id: g.id, unitId: g.unit_id, name: g.name, ended: g.ended_on !== null })),
    placements: placements.map((p) => ({ id: p.id, childId: p.child_id, groupId: p.group_id, startDate: p.start_date, endDate: p.end_date })),
    guardianships: guardianships.map((g) => ({ id: g.id, guardianId: g.guardian_id, childId: g.child_id, otherHousehold: g.other_household === 1 })),
    assignments: assignments.map((a) => ({
      id: a.id, personId: a.person_id, unitId: a.unit_id, groupId: a.group_id, role: a.role, startDate: a.start_date, endDate: a.end_date,
    })),
  };
}

/** The id of the municipality of that name (compared regardless of case), if any. */
export async function municipalityNamed(db: Db, name: string): Promise<number | undefined> {
  const rows = await db.selectFrom('municipalities').select(['id', 'name']).orderBy('id').execute();
  return rows.find((m) => m.name.trim().toLowerCase() === name.trim().toLowerCase())?.id;
}

/** The names of persons by id, for a list of changes that names people the file does not (an ended placement's child). */
export async function namesOf(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('persons').select(['id', 'first_name', 'last_name']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) names.set(r.id, `${r.first_name} ${r.last_name}`);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------------------
// The writes of an approved import. Each records its history (register_changes) in the same transaction.

export interface ImportedPerson {
  identity: { number: string; kind: IdentityKind; birthDate: string }; firstName: string; lastName: string; protectedIdentity: boolean;
  street: string | null; postalCode: string | null; city: string | null; email: string | null; phone: string | null;
}

/** Makes the persons, in slices; returns their ids by identity number. */
export async function insertPersons(trx: Db, municipalityId: number, persons: readonly ImportedPerson[], author: ChangeAuthor): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let i = 0; i < persons.length; i += 200) {
    const rows = await trx.insertInto('persons').values(persons.slice(i, i + 200).map((p) => ({
      municipality_id: municipalityId, first_name: p.firstName, last_name: p.lastName, identity_number: p.identity.number,
      identity_kind: p.identity.kind, birth_date: p.identity.birthDate, protected_identity: p.protectedIdentity ? 1 : 0,
      street_address: p.street, postal_code: p.postalCode, city: p.city, email: p.email, phone: p.phone, created_at: author.at.toISOString(),
    }))).returning(['id', 'identity_number']).execute();
    for (const r of rows) ids.set(r.identity_number ?? '', r.id);
  }
  await recordRegisterChanges(trx, municipalityId, author, [...ids.values()].map((id) => ({ entity: 'person', entityId: id, change: 'created' })));
  return ids;
}

/** The columns of `persons` an import may change. */
export interface PersonColumns {
  first_name?: string; last_name?: string; protected_identity?: number; street_address?: string | null; postal_code?: string | null;
  city?: string | null; email?: string | null; phone?: string | null;
}

/** Changes one person's columns, with the history of each (`before`: the values the import was compared with). */
export async function updatePerson(
  trx: Db, municipalityId: number, personId: number, set: PersonColumns, history: RegisterChange[], author: ChangeAuthor,
): Promise<void> {
  await trx.updateTable('persons').set(set).where('id', '=', personId).where('municipality_id', '=', municipalityId).execute();
  await recordRegisterChanges(trx, municipalityId, author, history);
}

export async function insertPlacements(
  trx: Db, municipalityId: number, placements: readonly { childId: number; groupId: number; startDate: string; endDate: string | null }[], author: ChangeAuthor,
): Promise<void> {
  await admitted(trx, [...new Set(placements.map((p) => p.groupId))].sort((a, b) => a - b).map((groupId) => ({ groupId })));
  const changes: RegisterChange[] = [];
  for (let i = 0; i < placements.length; i += 200) {
    const rows = await trx.insertInto('placements').values(placements.slice(i, i + 200).map((p) => ({
      child_id: p.childId, group_id: p.groupId, start_date: p.startDate, end_date: p.endDate, hour_limit: 'none' as const,
    }))).returning('id').execute();
    changes.push(...rows.map((r) => ({ entity: 'placement' as const, entityId: r.id, change: 'created' as const })));
  }
  await recordRegisterChanges(trx, municipalityId, author, changes);
}

/** Sets a placement's last day (null: open-ended again); `ended` records it as the placement ending. */
export async function setPlacementEnd(
  trx: Db, municipalityId: number, p: { id: number; oldEnd: string | null; newEnd: string | null }, ended: boolean, author: ChangeAuthor,
): Promise<void> {
  await trx.updateTable('placements').set({ end_date: p.newEnd }).where('id', '=', p.id).execute();
  await recordRegisterChanges(trx, municipalityId, author, [{
    entity: 'placement', entityId: p.id, change: ended ? 'ended' : 'changed', field: 'end_date', oldValue: p.oldEnd, newValue: p.newEnd,
  }]);
}

/** Removes placements that had not started yet. */
export async function removePlacements(trx: Db, municipalityId: number, ids: readonly number[], author: ChangeAuthor): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await trx.deleteFrom('placements').where('id', 'in', ids.slice(i, i + 500)).execute();
  await recordRegisterChanges(trx, municipalityId, author, ids.map((id) => ({ entity: 'placement', entityId: id, change: 'removed' })));
}

export async function insertGuardianships(
  trx: Db, municipalityId: number, links: readonly { guardianId: number; childId: number; otherHousehold: boolean }[], author: ChangeAuthor,
): Promise<void> {
  const changes: RegisterChange[] = [];
  for (let i = 0; i < links.length; i += 200) {
    const rows = await trx.insertInto('guardianships').values(links.slice(i, i + 200).map((g) => ({
      guardian_id: g.guardianId, child_id: g.childId, other_household: g.otherHousehold ? 1 : 0,
    }))).returning('id').execute();
    changes.push(...rows.map((r) => ({ entity: 'guardianship' as const, entityId: r.id, change: 'created' as const })));
  }
  await recordRegisterChanges(trx, municipalityId, author, changes);
}

export async function removeGuardianships(trx: Db, municipalityId: number, ids: readonly number[], author: ChangeAuthor): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await trx.deleteFrom('guardianships').where('id', 'in', ids.slice(i, i + 500)).execute();
  await recordRegisterChanges(trx, municipalityId, author, ids.map((id) => ({ entity: 'guardianship', entityId: id, change: 'removed' })));
}

export async function setOtherHousehold(trx: Db, municipalityId: number, id: number, otherHousehold: boolean, author: ChangeAuthor): Promise<void> {
  await trx.updateTable('guardianships').set({ other_household: otherHousehold ? 1 : 0 }).where('id', '=', id).execute();
  await recordRegisterChanges(trx, municipalityId, author, [{
    entity: 'guardianship', entityId: id, change: 'changed', field: 'other_household', oldValue: otherHousehold ? 0 : 1, newValue: otherHousehold ? 1 : 0,
  }]);
}

export async function insertAssignments(
  trx: Db, municipalityId: number,
  assignments: readonly { personId: number; unitId: number; groupId: number | null; role: StaffRole; startDate: string | null; endDate: string | null }[],
  author: ChangeAuthor,
): Promise<void> {
  const places = new Map<string, { groupId: number } | { unitId: number }>();
  for (const a of assignments) places.set(a.groupId !== null ? `g${a.groupId}` : `u${a.unitId}`, a.groupId !== null ? { groupId: a.groupId } : { unitId: a.unitId });
  await admitted(trx, [...places.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, place]) => place));
  const changes: RegisterChange[] = [];
  for (let i = 0; i < assignments.length; i += 200) {
    const slice = assignments.slice(i, i + 200);
    const rows = await trx.insertInto('staff_assignments').values(slice.map((a) => ({
      person_id: a.personId, unit_id: a.unitId, group_id: a.groupId, role: a.role, start_date: a.startDate, end_date: a.endDate,
    }))).returning('id').execute();
    for (const [n, r] of rows.entries()) {
      changes.push({ entity: 'staff_assignment', entityId: r.id, change: 'created' });
      if (slice[n].endDate) changes.push({ entity: 'staff_assignment', entityId: r.id, change: 'changed', field: 'end_date', oldValue: null, newValue: slice[n].endDate });
    }
  }
  await recordRegisterChanges(trx, municipalityId, author, changes);
}

/** The register moved under an import being applied (a row it meant to change was changed meanwhile): nothing of it stays. */
export class RegisterMoved extends Error {}

/**
 * The groups and units the import adds people to, locked and checked again in its transaction: one that ended or
 * closed since the plan was made (it was open in the snapshot) moves the register under the import. Locked in one
 * fixed order (by id), so two imports at once wait for each other rather than deadlock.
 */
async function admitted(trx: Db, places: readonly ({ groupId: number } | { unitId: number })[]): Promise<void> {
  for (const place of places) {
    const admission = await admitsNewPeople(trx, place);
    if (!admission.ok) throw new RegisterMoved(`${JSON.stringify(place)}: ${admission.error}`);
  }
}

/**
 * Sets an assignment's last day as the file says, with its history; only while it still has the last day the import
 * compared with (else RegisterMoved: the staff pages ended it meanwhile, and the whole import is previewed again).
 */
export async function setAssignmentEnd(
  trx: Db, municipalityId: number, a: { id: number; oldEnd: string | null; newEnd: string }, author: ChangeAuthor,
): Promise<void> {
  const result = await trx.updateTable('staff_assignments').set({ end_date: a.newEnd }).where('id', '=', a.id)
    .where((eb) => (a.oldEnd === null ? eb('end_date', 'is', null) : eb('end_date', '=', a.oldEnd))).executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new RegisterMoved(`staff assignment ${a.id} changed during the import`);
  await recordRegisterChanges(trx, municipalityId, author, [
    { entity: 'staff_assignment', entityId: a.id, change: a.oldEnd === null ? 'ended' : 'changed', field: 'end_date', oldValue: a.oldEnd, newValue: a.newEnd },
  ]);
}

// ---------------------------------------------------------------------------------------------------------------------
// The uploaded files, kept until applied.

export interface StoredImport {
  id: number; municipalityId: number; fileName: string; encoding: string; content: string; uploadedBy: number; uploadedAt: string;
  appliedBy: number | null; appliedAt: string | null; summary: string | null;
}

export async function storeImportFile(
  db: Db, f: { municipalityId: number; fileName: string; encoding: string; content: string; by: number; at: Date },
): Promise<number> {
  const row = await db.insertInto('registry_imports').values({
    municipality_id: f.municipalityId, file_name: f.fileName, encoding: f.encoding, content: f.content, uploaded_by: f.by,
    uploaded_at: f.at.toISOString(), applied_by: null, applied_at: null, summary: null,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function storedImport(db: Db, id: number): Promise<StoredImport | undefined> {
  const r = await db.selectFrom('registry_imports').selectAll().where('id', '=', id).executeTakeFirst();
  return r && {
    id: r.id, municipalityId: r.municipality_id, fileName: r.file_name, encoding: r.encoding, content: r.content, uploadedBy: r.uploaded_by,
    uploadedAt: r.uploaded_at, appliedBy: r.applied_by, appliedAt: r.applied_at, summary: r.summary,
  };
}

/** The municipality's latest imports, newest first (without their files). */
export async function recentImports(db: Db, municipalityId: number, limit = 20) {
  return db.selectFrom('registry_imports')
    .select(['id', 'file_name as fileName', 'uploaded_at as uploadedAt', 'applied_at as appliedAt', 'summary'])
    .where('municipality_id', '=', municipalityId).orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Marks the import applied and empties its file, in the transaction of its writes; false when it was applied already
 * (two approvals at once: the second changes nothing).
 */
export async function markImportApplied(trx: Db, id: number, by: number | null, at: Date, summary: string): Promise<boolean> {
  const result = await trx.updateTable('registry_imports').set({ applied_by: by, applied_at: at.toISOString(), content: '', summary })
    .where('id', '=', id).where('applied_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** An import sits in its municipality: its admins preview and approve it. */
async function locateRegistryImport(db: Db, id: number): Promise<Location | null> {
  const row = await db.selectFrom('registry_imports').select('municipality_id').where('id', '=', id).executeTakeFirst();
  return row ? { municipalityId: row.municipality_id, unitIds: [], groupIds: [], childIds: [] } : null;
}

export const registryImportLocators = { registryImport: locateRegistryImport } satisfies Partial<Locators>;
