// Who is who, written: municipalities, areas, units, groups, persons and their links (guardianship, placement, staff
// assignment, administration). The one way other modules add to these tables: the first administrator, a guardian
// who uses an invitation key, the demo municipality, and later the import from the population registry. Each function
// writes in the transaction it is given, so the caller's change is stored whole or not at all.
import type { HourLimit, IdentityKind, StaffRole, UnitKind } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';

export async function createMunicipality(trx: Db, m: { name: string; termsOfUse?: string }, at: Date): Promise<number> {
  const row = await trx.insertInto('municipalities').values({ name: m.name, terms_of_use: m.termsOfUse ?? null, created_at: at.toISOString() })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The municipality of that name, or a new one. Names are compared as `sameName` says (the caller's idea of the same
 * name: e.g. regardless of case); the first match by id wins.
 */
export async function findOrCreateMunicipality(
  trx: Db, name: string, sameName: (a: string, b: string) => boolean, at: Date,
): Promise<{ id: number; name: string; created: boolean }> {
  const existing = (await trx.selectFrom('municipalities').select(['id', 'name']).orderBy('id').execute()).find((m) => sameName(m.name, name));
  return existing ? { ...existing, created: false } : { id: await createMunicipality(trx, { name }, at), name, created: true };
}

export async function createArea(trx: Db, municipalityId: number, name: string): Promise<number> {
  return (await trx.insertInto('areas').values({ municipality_id: municipalityId, name }).returning('id').executeTakeFirstOrThrow()).id;
}

export async function createUnit(trx: Db, u: { municipalityId: number; areaId: number | null; name: string; kind: UnitKind; contact?: UnitContactDetails }): Promise<number> {
  const row = await trx.insertInto('units').values({
    municipality_id: u.municipalityId, area_id: u.areaId, name: u.name, kind: u.kind, ...unitContactColumns(u.contact ?? {}),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** A unit's public contact details; a detail left out or empty is stored as none. */
export interface UnitContactDetails { streetAddress?: string | null; postalCode?: string | null; city?: string | null; phone?: string | null; email?: string | null }

function unitContactColumns(c: UnitContactDetails) {
  const value = (v: string | null | undefined) => v?.trim() || null;
  return { street_address: value(c.streetAddress), postal_code: value(c.postalCode), city: value(c.city), phone: value(c.phone), email: value(c.email) };
}

/** Replaces a unit's contact details (each one left out becomes none); false when there is no such unit. */
export async function setUnitContact(trx: Db, unitId: number, contact: UnitContactDetails): Promise<boolean> {
  const result = await trx.updateTable('units').set(unitContactColumns(contact)).where('id', '=', unitId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function createGroup(trx: Db, unitId: number, name: string): Promise<number> {
  return (await trx.insertInto('groups').values({ unit_id: unitId, name }).returning('id').executeTakeFirstOrThrow()).id;
}

export interface NewPerson {
  municipalityId: number; firstName: string; lastName: string;
  identity?: { number: string; kind: IdentityKind } | null; birthDate?: string | null; protectedIdentity?: boolean;
  address?: { street: string; postalCode: string; city: string } | null; email?: string | null; phone?: string | null;
}

export async function createPerson(trx: Db, p: NewPerson, at: Date): Promise<number> {
  const row = await trx.insertInto('persons').values({
    municipality_id: p.municipalityId, first_name: p.firstName, last_name: p.lastName,
    identity_number: p.identity?.number ?? null, identity_kind: p.identity?.kind ?? null,
    birth_date: p.birthDate ?? null, protected_identity: p.protectedIdentity ? 1 : 0,
    street_address: p.address?.street ?? null, postal_code: p.address?.postalCode ?? null, city: p.address?.city ?? null,
    email: p.email ?? null, phone: p.phone ?? null, created_at: at.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Makes the person the child's guardian; a guardianship already recorded stays as it is. */
export async function addGuardianship(trx: Db, g: { guardianId: number; childId: number; otherHousehold: boolean }): Promise<void> {
  await trx.insertInto('guardianships').values({ guardian_id: g.guardianId, child_id: g.childId, other_household: g.otherHousehold ? 1 : 0 })
    .onConflict((oc) => oc.columns(['guardian_id', 'child_id']).doNothing()).execute();
}

export async function addPlacement(
  trx: Db, p: { childId: number; groupId: number; startDate: string; endDate?: string | null; hourLimit?: HourLimit },
): Promise<void> {
  await trx.insertInto('placements').values({
    child_id: p.childId, group_id: p.groupId, start_date: p.startDate, end_date: p.endDate ?? null, hour_limit: p.hourLimit ?? 'none',
  }).execute();
}

/**
 * The person works at the unit: in one of its groups, or (`groupId` null) in the whole unit, e.g. as its head; from
 * `startDate` until `endDate` (both counted) when given, e.g. a substitute's.
 */
export async function assignStaff(trx: Db, s: { personId: number; unitId: number; groupId: number | null; role: StaffRole; startDate?: string; endDate?: string }): Promise<void> {
  await trx.insertInto('staff_assignments').values({ person_id: s.personId, unit_id: s.unitId, group_id: s.groupId, role: s.role,
    start_date: s.startDate ?? null, end_date: s.endDate ?? null }).execute();
}

export async function addMunicipalityAdmin(trx: Db, personId: number, municipalityId: number): Promise<void> {
  await trx.insertInto('municipality_admins').values({ person_id: personId, municipality_id: municipalityId }).execute();
}
