// Who is who: children, guardians, staff and the organisation, always reached through the user.
import { sql } from 'kysely';
import { prepared, type Db, type OuterQuery } from '../kernel/db.ts';
import type { Actor } from '../kernel/policy.ts';
import type { HourLimit, UnitKind } from '../../db/schema.ts';
import { jsonValues, lockedRows } from '../../db/sql.ts';
import { assignmentCountsOn, currentPlacements } from './relations.ts';
import { peopleNamed } from './audit-scope.ts';

// ---------------------------------------------------------------------------------------------------------------------
// Pieces of queries for other modules: who a person is, asked inside their own query (a correlated subquery), so a
// list of absences or care times names its people without another round trip and without naming this module's tables.

/** "First Last" of the person whose id is the outer query's column `ref`. */
export function personName(eb: OuterQuery, ref: string) {
  return eb.selectFrom('persons').select(sql<string>`persons.first_name || ' ' || persons.last_name`.as('name'))
    .where('persons.id', '=', sql.ref<number>(ref));
}

/** The first name of the person whose id is the outer query's column `ref` (a child is named by first name). */
export function personFirstName(eb: OuterQuery, ref: string) {
  return eb.selectFrom('persons').select('persons.first_name').where('persons.id', '=', sql.ref<number>(ref));
}

/** The protected_identity flag (1 or 0) of the person whose id is the outer query's column `ref`. */
export function personProtectedIdentity(eb: OuterQuery, ref: string) {
  return eb.selectFrom('persons').select('persons.protected_identity').where('persons.id', '=', sql.ref<number>(ref));
}

/**
 * Locks the person's row until the transaction ends (PostgreSQL; SQLite's one writer needs no lock): another module's
 * check-then-write on a person (a staff member's talk slots that must not overlap) is then one at a time.
 */
export async function lockPerson(trx: Db, personId: number): Promise<void> {
  await lockedRows(trx, trx.selectFrom('persons').select('id').where('id', '=', personId)).execute();
}

/** Whether the person whose id is the outer query's column `ref` works anywhere (a staff assignment). */
export function isStaffPerson(eb: OuterQuery, ref: string) {
  return eb.exists(eb.selectFrom('staff_assignments').select('staff_assignments.id').where('staff_assignments.person_id', '=', sql.ref<number>(ref)));
}

/** The municipality of the person whose id is the outer query's column `ref`. */
export function personMunicipality(eb: OuterQuery, ref: string) {
  return eb.selectFrom('persons').select('persons.municipality_id').where('persons.id', '=', sql.ref<number>(ref));
}

/**
 * Whether the child `childId` was placed in the group of the outer query's column `groupRef` on the day of the moment in
 * its column `atRef` (ISO text in UTC: its first ten characters are the day), from the placement's first day to its last.
 */
export function placedInGroupOnDayOf(eb: OuterQuery, childId: number, groupRef: string, atRef: string) {
  const day = sql<string>`substr(${sql.ref(atRef)}, 1, 10)`;
  return eb.and([
    // (first the groups the child was ever placed in, a short list the outer query finds its rows by in an index)
    eb(sql.ref<number>(groupRef), 'in', eb.selectFrom('placements').select('placements.group_id').where('placements.child_id', '=', childId)),
    eb.exists(eb.selectFrom('placements').select('placements.id')
      .where('placements.child_id', '=', childId).where('placements.group_id', '=', sql.ref<number>(groupRef))
      .where('placements.start_date', '<=', day)
      .where((inner) => inner.or([inner('placements.end_date', 'is', null), inner('placements.end_date', '>=', day)]))),
  ]);
}

const placedInGroupOn = prepared((db: Db, groupId: number, day: string) => db.selectFrom('placements').select('placements.child_id').distinct()
  .where('placements.group_id', '=', groupId).where('placements.start_date', '<=', day)
  .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', day)])).orderBy('placements.child_id'));

/** The children placed in the group on `day` (from a placement's first day to its last). */
export async function childrenInGroupOn(db: Db, groupId: number, day: string): Promise<number[]> {
  return (await placedInGroupOn(db, groupId, day)).map((r) => r.child_id);
}

export interface ChildSummary {
  id: number; firstName: string; lastName: string;
  groupId: number; groupName: string; unitId: number; unitName: string; unitKind: UnitKind;
}

/** A guardian's children with a current or coming placement, oldest first, each in their first placement's group. */
export async function childrenOfGuardian(db: Db, guardianId: number, today: string): Promise<ChildSummary[]> {
  const rows = await guardiansChildren(db, guardianId, today);
  const seen = new Set<number>();
  return rows.filter((r) => !seen.has(r.id) && seen.add(r.id)).map((r) => ({
    id: r.id, firstName: r.first_name, lastName: r.last_name,
    groupId: r.group_id, groupName: r.group_name, unitId: r.unit_id, unitName: r.unit_name, unitKind: r.kind,
  }));
}

const guardiansChildren = prepared((db: Db, guardianId: number, today: string) => currentPlacements(db, today)
  .innerJoin('guardianships', 'guardianships.child_id', 'placements.child_id')
  .innerJoin('persons', 'persons.id', 'placements.child_id')
  .select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.birth_date', 'placements.start_date',
    'groups.id as group_id', 'groups.name as group_name', 'units.id as unit_id', 'units.name as unit_name', 'units.kind'])
  .where('guardianships.guardian_id', '=', guardianId)
  .orderBy('persons.birth_date').orderBy('persons.id').orderBy('placements.start_date'));

const firstPlacement = prepared((db: Db, childId: number, today: string) => currentPlacements(db, today)
  .innerJoin('persons', 'persons.id', 'placements.child_id')
  .select(['persons.id', 'persons.first_name', 'persons.last_name', 'groups.id as group_id', 'groups.name as group_name',
    'units.id as unit_id', 'units.name as unit_name', 'units.kind'])
  .where('placements.child_id', '=', childId).orderBy('placements.start_date'));

/** One child's first current placement, for a viewer the policy already allowed. */
export async function childSummary(db: Db, childId: number, today: string): Promise<ChildSummary | undefined> {
  const [r] = await firstPlacement(db, childId, today);
  return r && {
    id: r.id, firstName: r.first_name, lastName: r.last_name,
    groupId: r.group_id, groupName: r.group_name, unitId: r.unit_id, unitName: r.unit_name, unitKind: r.kind,
  };
}

/** A child's placement with its group and unit, and the child's name. */
export interface PlacementDetails extends Omit<ChildSummary, 'id'> {
  childId: number; startDate: string; endDate: string | null; hourLimit: HourLimit;
}

/** One kept query per list of unit kinds (each caller asks with one constant list, e.g. the kinds with care times). */
function keptPerKindList<Q>(build: (kinds: readonly UnitKind[]) => Q): (kinds: readonly UnitKind[]) => Q {
  const queries = new Map<string, Q>();
  return (kinds) => {
    const key = kinds.join(',');
    const kept = queries.get(key);
    if (kept) return kept;
    const query = build(kinds);
    queries.set(key, query);
    return query;
  };
}

const placementsOfKinds = keptPerKindList((kinds) => prepared((db: Db, childId: number, today: string) => currentPlacements(db, today)
  .innerJoin('persons', 'persons.id', 'placements.child_id')
  .select(['persons.first_name', 'persons.last_name', 'groups.id as group_id', 'groups.name as group_name', 'units.id as unit_id',
    'units.name as unit_name', 'units.kind', 'placements.start_date', 'placements.end_date', 'placements.hour_limit'])
  .where('placements.child_id', '=', childId).where('units.kind', 'in', kinds)
  .orderBy('placements.start_date').orderBy('placements.id')));

/** The child's current and coming placements in units of the given kinds, the earliest first. */
export async function childPlacements(db: Db, childId: number, today: string, kinds: readonly UnitKind[]): Promise<PlacementDetails[]> {
  const rows = await placementsOfKinds(kinds)(db, childId, today);
  return rows.map((r) => ({
    childId, firstName: r.first_name, lastName: r.last_name, groupId: r.group_id, groupName: r.group_name, unitId: r.unit_id,
    unitName: r.unit_name, unitKind: r.kind, startDate: r.start_date, endDate: r.end_date, hourLimit: r.hour_limit,
  }));
}

const placementsOnDay = keptPerKindList((kinds) => prepared((db: Db, childIds: string, date: string) => currentPlacements(db, date)
  .select(['placements.child_id', 'groups.unit_id'])
  .where('placements.child_id', 'in', jsonValues(db, childIds)).where('units.kind', 'in', kinds).where('placements.start_date', '<=', date)));

/** Of the children, each placement on `date` in a unit of the given kinds: which child, in which unit. */
export async function placementsOn(db: Db, childIds: readonly number[], date: string, kinds: readonly UnitKind[]): Promise<{ childId: number; unitId: number }[]> {
  if (childIds.length === 0) return [];
  const rows = await placementsOnDay(kinds)(db, JSON.stringify(childIds), date);
  return rows.map((r) => ({ childId: r.child_id, unitId: r.unit_id }));
}

export interface GroupSummary { id: number; name: string; unitId: number; unitName: string }

/** The groups a staff member works in, and every group of the units they head. */
export async function groupsOfStaff(db: Db, actor: Actor): Promise<GroupSummary[]> {
  const groupIds = [...actor.staffGroups];
  const unitIds = [...actor.headOf];
  if (groupIds.length === 0 && unitIds.length === 0) return [];
  const rows = await db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.id', 'groups.name', 'units.id as unit_id', 'units.name as unit_name'])
    .where((eb) => eb.or([
      ...(groupIds.length ? [eb('groups.id', 'in', groupIds)] : []),
      ...(unitIds.length ? [eb('groups.unit_id', 'in', unitIds)] : []),
    ]))
    .orderBy('units.name').orderBy('groups.name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, unitId: r.unit_id, unitName: r.unit_name }));
}

export interface NamedRecord { id: number; name: string }

export async function unitsHeadedBy(db: Db, actor: Actor): Promise<NamedRecord[]> {
  const ids = [...actor.headOf];
  if (ids.length === 0) return [];
  return db.selectFrom('units').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute();
}

export async function municipalitiesAdministeredBy(db: Db, actor: Actor): Promise<NamedRecord[]> {
  const ids = [...actor.adminOf];
  if (ids.length === 0) return [];
  return db.selectFrom('municipalities').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute();
}

export interface PersonDetails {
  id: number; firstName: string; lastName: string; protectedIdentity: boolean;
  streetAddress: string | null; postalCode: string | null; city: string | null; email: string | null; phone: string | null;
}

const personColumns = ['persons.id', 'persons.first_name', 'persons.last_name', 'persons.protected_identity',
  'persons.street_address', 'persons.postal_code', 'persons.city', 'persons.email', 'persons.phone'] as const;

function toPerson(r: {
  id: number; first_name: string; last_name: string; protected_identity: number; street_address: string | null;
  postal_code: string | null; city: string | null; email: string | null; phone: string | null;
}): PersonDetails {
  return {
    id: r.id, firstName: r.first_name, lastName: r.last_name, protectedIdentity: r.protected_identity === 1,
    streetAddress: r.street_address, postalCode: r.postal_code, city: r.city, email: r.email, phone: r.phone,
  };
}

export interface ChildProfile {
  child: PersonDetails & { birthDate: string | null };
  placements: { groupId: number; groupName: string; unitId: number; unitName: string; startDate: string; endDate: string | null; hourLimit: string }[];
  guardians: (PersonDetails & { otherHousehold: boolean })[];
}

export async function childProfile(db: Db, childId: number, today: string): Promise<ChildProfile | undefined> {
  const child = await db.selectFrom('persons').select([...personColumns, 'persons.birth_date'])
    .where('persons.id', '=', childId).executeTakeFirst();
  if (!child) return undefined;
  const placements = await currentPlacements(db, today)
    .select(['groups.id as group_id', 'groups.name as group_name', 'units.id as unit_id', 'units.name as unit_name',
      'placements.start_date', 'placements.end_date', 'placements.hour_limit'])
    .where('placements.child_id', '=', childId).orderBy('placements.start_date').execute();
  const guardians = await guardiansOfChild(db, childId);
  return {
    child: { ...toPerson(child), birthDate: child.birth_date },
    placements: placements.map((p) => ({
      groupId: p.group_id, groupName: p.group_name, unitId: p.unit_id, unitName: p.unit_name,
      startDate: p.start_date, endDate: p.end_date, hourLimit: p.hour_limit,
    })),
    guardians,
  };
}

export interface GroupPage {
  id: number; name: string; unitId: number; unitName: string;
  staff: { id: number; name: string; role: string }[];
}

/** The group with the staff whose assignment counts `today` (an ended one or a substitute's that is over is not listed). */
export async function groupPage(db: Db, groupId: number, today: string): Promise<GroupPage | undefined> {
  const group = await db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.id', 'groups.name', 'units.id as unit_id', 'units.name as unit_name'])
    .where('groups.id', '=', groupId).executeTakeFirst();
  if (!group) return undefined;
  const staff = await db.selectFrom('staff_assignments').innerJoin('persons', 'persons.id', 'staff_assignments.person_id')
    .select(['persons.id', 'persons.first_name', 'persons.last_name', 'staff_assignments.role'])
    .where('staff_assignments.group_id', '=', groupId).where(assignmentCountsOn(today)).orderBy('persons.first_name').execute();
  return {
    id: group.id, name: group.name, unitId: group.unit_id, unitName: group.unit_name,
    staff: staff.map((s) => ({ id: s.id, name: `${s.first_name} ${s.last_name}`, role: s.role })),
  };
}

export interface ChildInGroup { id: number; firstName: string; lastName: string; birthDate: string | null; protectedIdentity: boolean }

const placedInGroup = prepared((db: Db, groupId: number, today: string) => currentPlacements(db, today)
  .innerJoin('persons', 'persons.id', 'placements.child_id')
  .select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.birth_date', 'persons.protected_identity'])
  .where('placements.group_id', '=', groupId).orderBy('persons.first_name').orderBy('persons.last_name'));

export async function childrenInGroup(db: Db, groupId: number, today: string): Promise<ChildInGroup[]> {
  const rows = await placedInGroup(db, groupId, today);
  return rows.map((r) => ({ id: r.id, firstName: r.first_name, lastName: r.last_name, birthDate: r.birth_date, protectedIdentity: r.protected_identity === 1 }));
}

/** A group with its unit's name, kind and municipality (one query, in relations.ts, which the policy's locator uses too). */
export { groupWithUnit, type GroupWithUnit } from './relations.ts';

export interface SchoolPlacement { groupId: number; unitId: number; unitName: string; startDate: string; endDate: string | null }

/** The child's placements in a school (not preschool, not fritids) that have started by `day` and had not ended by `endedSince`. */
export async function schoolPlacements(db: Db, childId: number, day: string, endedSince: string): Promise<SchoolPlacement[]> {
  const rows = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['placements.group_id', 'groups.unit_id', 'units.name', 'placements.start_date', 'placements.end_date'])
    .where('placements.child_id', '=', childId).where('units.kind', '=', 'school').where('placements.start_date', '<=', day)
    .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', endedSince)]))
    .orderBy('placements.start_date').execute();
  return rows.map((r) => ({ groupId: r.group_id, unitId: r.unit_id, unitName: r.name, startDate: r.start_date, endDate: r.end_date }));
}

export interface UnitRecord { id: number; name: string; kind: UnitKind; municipalityId: number }

export async function findUnit(db: Db, unitId: number): Promise<UnitRecord | undefined> {
  const unit = await db.selectFrom('units').select(['id', 'name', 'kind', 'municipality_id']).where('id', '=', unitId).executeTakeFirst();
  return unit && { id: unit.id, name: unit.name, kind: unit.kind, municipalityId: unit.municipality_id };
}

const unitsGroups = prepared((db: Db, unitId: number) => db.selectFrom('groups').select(['id', 'name']).where('unit_id', '=', unitId)
  .where('ended_on', 'is', null).orderBy('name'));

/** A unit's groups in use (not ended), by name. */
export async function groupsOfUnit(db: Db, unitId: number): Promise<NamedRecord[]> {
  return unitsGroups(db, unitId);
}

/** The ids of a unit's groups as a subquery, for a module that keeps something per group (`where group_id in …`). */
export function groupIdsOfUnit(db: Db, unitId: number) {
  return db.selectFrom('groups').select('groups.id').where('groups.unit_id', '=', unitId);
}

/** The unit page's people: its groups with how many children each has today, and who heads it. */
export interface UnitPage extends UnitRecord {
  groups: { id: number; name: string; children: number }[];
  heads: string[];
}

export async function unitPage(db: Db, unitId: number, today: string): Promise<UnitPage | undefined> {
  const unit = await findUnit(db, unitId);
  if (!unit) return undefined;
  const [groups, counts, heads] = await Promise.all([
    groupsOfUnit(db, unitId),
    currentPlacements(db, today).select(['placements.group_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('groups.unit_id', '=', unitId).groupBy('placements.group_id').execute(),
    db.selectFrom('staff_assignments').innerJoin('persons', 'persons.id', 'staff_assignments.person_id')
      .select(['persons.first_name', 'persons.last_name'])
      .where('staff_assignments.unit_id', '=', unitId).where('staff_assignments.role', '=', 'unit_head').where(assignmentCountsOn(today)).execute(),
  ]);
  const childrenPerGroup = new Map(counts.map((c) => [c.group_id, Number(c.n)]));
  return {
    ...unit,
    groups: groups.map((g) => ({ ...g, children: childrenPerGroup.get(g.id) ?? 0 })),
    heads: heads.map((h) => `${h.first_name} ${h.last_name}`),
  };
}

export interface MunicipalityPage { id: number; name: string; units: { id: number; name: string; kind: UnitKind; area: string | null }[] }

export async function municipalityPage(db: Db, municipalityId: number): Promise<MunicipalityPage | undefined> {
  const municipality = await db.selectFrom('municipalities').select(['id', 'name']).where('id', '=', municipalityId).executeTakeFirst();
  if (!municipality) return undefined;
  const units = await db.selectFrom('units').leftJoin('areas', 'areas.id', 'units.area_id')
    .select(['units.id', 'units.name', 'units.kind', 'areas.name as area'])
    .where('units.municipality_id', '=', municipalityId).orderBy('units.name').execute();
  return { ...municipality, units };
}

/** The persons who head any of the units, and the administrators of a municipality (who handle what is theirs). */
export async function unitHeadPersons(db: Db, unitIds: readonly number[], today: string): Promise<number[]> {
  if (unitIds.length === 0) return [];
  const rows = await db.selectFrom('staff_assignments').select('person_id').distinct()
    .where('unit_id', 'in', unitIds).where('role', '=', 'unit_head').where(assignmentCountsOn(today)).execute();
  return rows.map((r) => r.person_id);
}

export async function municipalityAdminPersons(db: Db, municipalityId: number): Promise<number[]> {
  const rows = await db.selectFrom('municipality_admins').select('person_id').where('municipality_id', '=', municipalityId).execute();
  return rows.map((r) => r.person_id);
}

// ---------------------------------------------------------------------------------------------------------------------
// Single facts for other modules: a person's first name, a child's guardians, a person as the registry knows them.

export async function firstNameOf(db: Db, personId: number): Promise<string | undefined> {
  return (await db.selectFrom('persons').select('first_name').where('id', '=', personId).executeTakeFirst())?.first_name;
}

/** The child's legal guardians, the child's own household first. */
export async function guardiansOfChild(db: Db, childId: number): Promise<(PersonDetails & { otherHousehold: boolean })[]> {
  const rows = await db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
    .select([...personColumns, 'guardianships.other_household'])
    .where('guardianships.child_id', '=', childId).orderBy('guardianships.other_household').orderBy('persons.id').execute();
  return rows.map((g) => ({ ...toPerson(g), otherHousehold: g.other_household === 1 }));
}

/** Whether the person is the child's guardian, and in which household; undefined when not. */
export async function guardianshipOf(db: Db, guardianId: number, childId: number): Promise<{ otherHousehold: boolean } | undefined> {
  const row = await db.selectFrom('guardianships').select('other_household')
    .where('guardian_id', '=', guardianId).where('child_id', '=', childId).executeTakeFirst();
  return row && { otherHousehold: row.other_household === 1 };
}

export interface RegisteredPerson {
  municipalityId: number; firstName: string; lastName: string; identityNumber: string | null;
  /** Guardian of some child. */
  isGuardian: boolean;
  /** Placed in some group, now or ever (a child or a pupil). */
  isPlaced: boolean;
}

/** A person as the registry knows them, with whether they have a guardian's or a child's role anywhere. */
export async function registeredPerson(db: Db, personId: number): Promise<RegisteredPerson | undefined> {
  const [person, guardianship, placement] = await Promise.all([
    db.selectFrom('persons').select(['municipality_id', 'first_name', 'last_name', 'identity_number']).where('id', '=', personId).executeTakeFirst(),
    db.selectFrom('guardianships').select('id').where('guardian_id', '=', personId).executeTakeFirst(),
    db.selectFrom('placements').select('id').where('child_id', '=', personId).executeTakeFirst(),
  ]);
  return person && {
    municipalityId: person.municipality_id, firstName: person.first_name, lastName: person.last_name, identityNumber: person.identity_number,
    isGuardian: guardianship !== undefined, isPlaced: placement !== undefined,
  };
}

export interface ChildPlacement { childId: number; firstName: string; unitName: string; startDate: string }

/** The current and coming placements of the children, the earliest start first. */
export async function placementsOfChildren(db: Db, childIds: readonly number[], today: string): Promise<ChildPlacement[]> {
  if (childIds.length === 0) return [];
  const rows = await currentPlacements(db, today).innerJoin('persons', 'persons.id', 'placements.child_id')
    .select(['placements.child_id', 'persons.first_name', 'units.name', 'placements.start_date'])
    .where('placements.child_id', 'in', childIds).orderBy('placements.start_date').execute();
  return rows.map((r) => ({ childId: r.child_id, firstName: r.first_name, unitName: r.name, startDate: r.start_date }));
}

// ---------------------------------------------------------------------------------------------------------------------
// The units' public contact details (the footer, the paper invitation): a unit's own, never a person's.

export interface UnitContact {
  id: number; name: string; municipalityName: string;
  streetAddress: string | null; postalCode: string | null; city: string | null; phone: string | null; email: string | null;
  /** The unit's logo (its file's name, the image's version in its URL) and its size, when it has one. */
  logo?: { file: string; width: number; height: number } | null;
}

const unitContactColumns = ['units.id', 'units.name', 'municipalities.name as municipality_name', 'units.street_address',
  'units.postal_code', 'units.city', 'units.phone', 'units.email', 'units.logo_file', 'units.logo_width', 'units.logo_height'] as const;

function toUnitContact(r: {
  id: number; name: string; municipality_name: string; street_address: string | null; postal_code: string | null;
  city: string | null; phone: string | null; email: string | null; logo_file: string | null; logo_width: number | null; logo_height: number | null;
}): UnitContact {
  return {
    id: r.id, name: r.name, municipalityName: r.municipality_name, streetAddress: r.street_address, postalCode: r.postal_code,
    city: r.city, phone: r.phone, email: r.email,
    logo: r.logo_file === null ? null : { file: r.logo_file, width: r.logo_width ?? 0, height: r.logo_height ?? 0 },
  };
}

/** What every page of a signed-in person names: their municipality, and the units they belong to with their contact. */
export interface PageFrame { municipality: string | null; units: UnitContact[] }

// The units of the person's children's current and coming placements, their own (a pupil) and where they work.
const unitsOfPerson = prepared((db: Db, personId: number, today: string) => db.selectFrom('units')
  .innerJoin('municipalities', 'municipalities.id', 'units.municipality_id')
  .select(unitContactColumns)
  .where((eb) => eb.or([
    eb('units.id', 'in', currentPlacements(db, today).select('groups.unit_id').where((p) => p.or([
      p('placements.child_id', 'in', db.selectFrom('guardianships').select('guardianships.child_id').where('guardianships.guardian_id', '=', personId)),
      p('placements.child_id', '=', personId),
    ]))),
    eb('units.id', 'in', db.selectFrom('staff_assignments').select('staff_assignments.unit_id').where('staff_assignments.person_id', '=', personId)
      .where(assignmentCountsOn(today))),
  ]))
  .orderBy('units.name').orderBy('units.id'));

const municipalityOfPerson = prepared((db: Db, personId: number) => db.selectFrom('persons')
  .innerJoin('municipalities', 'municipalities.id', 'persons.municipality_id').select('municipalities.name').where('persons.id', '=', personId));

/** The municipality (the units' when the person belongs to any, else the person's own) and the person's units. */
export async function pageFrameOf(db: Db, personId: number, today: string): Promise<PageFrame> {
  const rows = await unitsOfPerson(db, personId, today);
  if (rows.length === 0) return { municipality: (await municipalityOfPerson(db, personId))[0]?.name ?? null, units: [] };
  return { municipality: [...new Set(rows.map((r) => r.municipality_name))].join(', '), units: rows.map(toUnitContact) };
}

/** The units the children are placed in now or later, with their contact details, by name. */
export async function unitContactsOfChildren(db: Db, childIds: readonly number[], today: string): Promise<UnitContact[]> {
  if (childIds.length === 0) return [];
  const rows = await currentPlacements(db, today).innerJoin('municipalities', 'municipalities.id', 'units.municipality_id')
    .select(unitContactColumns).distinct()
    .where('placements.child_id', 'in', childIds).orderBy('units.name').orderBy('units.id').execute();
  return rows.map(toUnitContact);
}

/** The legal guardians of each of the children (each child's own household first), for a list such as Today's print. */
export async function guardiansOfChildren(db: Db, childIds: readonly number[]): Promise<Map<number, (PersonDetails & { otherHousehold: boolean })[]>> {
  const byChild = new Map<number, (PersonDetails & { otherHousehold: boolean })[]>(childIds.map((id) => [id, []]));
  if (childIds.length === 0) return byChild;
  const rows = await db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
    .select([...personColumns, 'guardianships.child_id', 'guardianships.other_household'])
    .where('guardianships.child_id', 'in', [...childIds]).orderBy('guardianships.other_household').orderBy('persons.id').execute();
  for (const g of rows) byChild.get(g.child_id)?.push({ ...toPerson(g), otherHousehold: g.other_household === 1 });
  return byChild;
}

/** The units of that exact name, in every municipality, with their contact details (for `npm run admin`). */
export async function unitContactsNamed(db: Db, name: string): Promise<UnitContact[]> {
  const rows = await db.selectFrom('units').innerJoin('municipalities', 'municipalities.id', 'units.municipality_id')
    .select(unitContactColumns).where('units.name', '=', name).orderBy('units.id').execute();
  return rows.map(toUnitContact);
}

/** A person as an account is made for them (an account by e-ID, a pupil's): name, municipality, protection, birth date. */
export interface PersonForAccount {
  id: number; firstName: string; lastName: string; municipalityId: number; protectedIdentity: boolean; birthDate: string | null;
  /** The registry's e-mail address, offered as a start (never shown to anyone else). */
  email: string | null;
  hasIdentityNumber: boolean;
}

export async function personForAccount(db: Db, personId: number): Promise<PersonForAccount | undefined> {
  const r = await db.selectFrom('persons')
    .select(['id', 'first_name', 'last_name', 'municipality_id', 'protected_identity', 'birth_date', 'email', 'identity_number'])
    .where('id', '=', personId).executeTakeFirst();
  return r && {
    id: r.id, firstName: r.first_name, lastName: r.last_name, municipalityId: r.municipality_id,
    protectedIdentity: r.protected_identity === 1, birthDate: r.birth_date, email: r.email, hasIdentityNumber: r.identity_number !== null,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// For the e-ID login (server/e-id/matching.ts) and the demo's test identities (server/demo/e-id-provider.ts).

/** The person of the municipality with this personnummer (as persons keep it, ÅÅÅÅMMDD-NNNN), and whether a guardian. */
export async function personByIdentityNumber(
  db: Db, municipalityId: number, identityNumber: string,
): Promise<{ id: number; protectedIdentity: boolean; guardian: boolean } | undefined> {
  const r = await db.selectFrom('persons').select(['persons.id', 'persons.protected_identity'])
    .select((eb) => eb.exists(eb.selectFrom('guardianships').select('guardianships.id').whereRef('guardianships.guardian_id', '=', 'persons.id')).as('guardian'))
    .where('persons.municipality_id', '=', municipalityId).where('persons.identity_number', '=', identityNumber).executeTakeFirst();
  return r && { id: r.id, protectedIdentity: r.protected_identity === 1, guardian: Boolean(r.guardian) };
}

/** Whether the person has a staff role: an assignment not ended by `today` (or one ahead), or a municipality's admin. */
export async function hasStaffRole(db: Db, personId: number, today: string): Promise<boolean> {
  const assignment = await db.selectFrom('staff_assignments').select('id').where('person_id', '=', personId)
    .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', today)])).limit(1).executeTakeFirst();
  if (assignment) return true;
  return (await db.selectFrom('municipality_admins').select('person_id').where('person_id', '=', personId).limit(1).executeTakeFirst()) !== undefined;
}

/** Whether the person is of the municipality and staff (an assignment) or its admin (the demo provider's staff). */
export async function isStaffPersonOf(db: Db, municipalityId: number, personId: number): Promise<boolean> {
  const r = await db.selectFrom('persons').select('persons.id').where('persons.id', '=', personId).where('persons.municipality_id', '=', municipalityId)
    .where((eb) => eb.or([
      eb.exists(eb.selectFrom('staff_assignments').select('staff_assignments.id').whereRef('staff_assignments.person_id', '=', 'persons.id')),
      eb.exists(eb.selectFrom('municipality_admins').select('municipality_admins.person_id').whereRef('municipality_admins.person_id', '=', 'persons.id')),
    ])).executeTakeFirst();
  return r !== undefined;
}

/** The person's personnummer as kept (ÅÅÅÅMMDD-NNNN), null when none. */
export async function identityNumberOf(db: Db, personId: number): Promise<string | null> {
  const r = await db.selectFrom('persons').select('identity_number').where('id', '=', personId).executeTakeFirst();
  return r?.identity_number ?? null;
}

/** Names and personnummer of the persons (the demo provider's list of test identities). */
export async function personsWithIdentityNumbers(
  db: Db, personIds: readonly number[],
): Promise<{ id: number; firstName: string; lastName: string; identityNumber: string | null }[]> {
  if (personIds.length === 0) return [];
  const rows = await db.selectFrom('persons').select(['id', 'first_name', 'last_name', 'identity_number']).where('id', 'in', personIds).execute();
  return rows.map((r) => ({ id: r.id, firstName: r.first_name, lastName: r.last_name, identityNumber: r.identity_number }));
}

/** Guardians with a personnummer and no protected identity, oldest first (the demo provider's candidates). */
export async function guardiansWithIdentityNumbers(db: Db, limit: number): Promise<{ id: number; firstName: string; lastName: string; identityNumber: string }[]> {
  const rows = await db.selectFrom('persons').select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.identity_number'])
    .where('persons.identity_number', 'is not', null).where('persons.protected_identity', '=', 0)
    .where((eb) => eb.exists(eb.selectFrom('guardianships').select('guardianships.id').whereRef('guardianships.guardian_id', '=', 'persons.id')))
    .orderBy('persons.id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, firstName: r.first_name, lastName: r.last_name, identityNumber: String(r.identity_number) }));
}

/** Every municipality's id. */
export async function municipalityIds(db: Db): Promise<number[]> {
  return (await db.selectFrom('municipalities').select('id').orderBy('id').execute()).map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------------------------------
// A municipality's staff as its admin links them to their e-ID (server/e-id/staff-links.ts): a person of the
// municipality with an assignment in one of its units that has not ended by `today` (one starting later counts: they
// can be linked before their first day), or one of its admins.

export interface StaffMember { id: number; firstName: string; lastName: string }

function staffOfMunicipality(municipalityId: number, today: string) {
  return (eb: OuterQuery) => eb.and([
    eb('persons.municipality_id', '=', municipalityId),
    eb.or([
      eb.exists(eb.selectFrom('staff_assignments').innerJoin('units', 'units.id', 'staff_assignments.unit_id').select('staff_assignments.id')
        .whereRef('staff_assignments.person_id', '=', 'persons.id').where('units.municipality_id', '=', municipalityId)
        .where((inner) => inner.or([inner('staff_assignments.end_date', 'is', null), inner('staff_assignments.end_date', '>=', today)]))),
      eb.exists(eb.selectFrom('municipality_admins').select('municipality_admins.person_id')
        .whereRef('municipality_admins.person_id', '=', 'persons.id').where('municipality_admins.municipality_id', '=', municipalityId)),
    ]),
  ]);
}

/** The municipality's staff and admins by name (`q`: every word somewhere in the name), at most `limit`. */
export async function municipalityStaff(
  db: Db, municipalityId: number, options: { today: string; q: string; limit: number },
): Promise<StaffMember[]> {
  let query = db.selectFrom('persons').select(['persons.id', 'persons.first_name', 'persons.last_name'])
    .where(staffOfMunicipality(municipalityId, options.today));
  if (options.q.trim() !== '') {
    query = query.where('persons.id', 'in', (eb) => peopleNamed(eb, municipalityId, options.q.trim())); // (the audit trail's name search)
  }
  const rows = await query.orderBy('persons.last_name').orderBy('persons.first_name').orderBy('persons.id').limit(options.limit).execute();
  return rows.map((r) => ({ id: r.id, firstName: r.first_name, lastName: r.last_name }));
}

/** Whether the person is one of the municipality's staff or admins today (see above). */
export async function isMunicipalityStaff(db: Db, municipalityId: number, personId: number, today: string): Promise<boolean> {
  const row = await db.selectFrom('persons').select('persons.id').where('persons.id', '=', personId)
    .where(staffOfMunicipality(municipalityId, today)).executeTakeFirst();
  return row !== undefined;
}
