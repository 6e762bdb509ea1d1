// The facts the policy needs, read from the people and organisation tables: who the user is to whom, and where a
// record sits. Only current and future placements count: a child who has left is no longer the staff's.
import { sql, type ExpressionBuilder } from 'kysely';
import type { Database, UnitKind } from '../../db/schema.ts';
import { prepared, type Db } from '../kernel/db.ts';
import type { Actor, AuthLevel, Location } from '../kernel/policy.ts';
import type { Locators } from '../kernel/http.ts';

/** Every relation of the user in one query (run on each request): admin of, staff in, guardian of, a pupil. */
export async function loadActor(db: Db, account: { id: number; person_id: number }, authLevel: AuthLevel, today: string): Promise<Actor> {
  const personId = account.person_id;
  const rows = await relationsOf(db, personId, today);
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const assignments = rows.filter((r) => r.kind === 'staff' || r.kind === 'unit_head');
  return {
    accountId: account.id,
    personId,
    authLevel,
    strongIn: new Set(),
    adminOf: new Set(of('admin').map((r) => Number(r.a))),
    headOf: new Set(of('unit_head').map((r) => Number(r.a))),
    staffUnits: new Set(assignments.map((r) => Number(r.a))),
    staffGroups: new Set(assignments.flatMap((r) => (r.b === null ? [] : [Number(r.b)]))),
    guardianOf: new Map(of('guardian').map((r) => [Number(r.a), { otherHousehold: Number(r.b) === 1 }])),
    isStudent: of('pupil').some((r) => r.c === null || String(r.c) >= today),
  };
}

const relationsOf = prepared((db: Db, personId: number, today: string) => db.selectFrom('municipality_admins')
    .select((eb) => [eb.val('admin').as('kind'), 'municipality_id as a', eb.val(null).$castTo<number | null>().as('b'), eb.val(null).$castTo<string | null>().as('c')])
    .where('person_id', '=', personId)
    .unionAll(db.selectFrom('staff_assignments')
      .select(['role as kind', 'unit_id as a', 'group_id as b', (eb) => eb.val(null).$castTo<string | null>().as('c')])
      .where('person_id', '=', personId).where(assignmentCountsOn(today)))
    .unionAll(db.selectFrom('guardianships')
      .select((eb) => [eb.val('guardian').as('kind'), 'child_id as a', 'other_household as b', eb.val(null).$castTo<string | null>().as('c')])
      .where('guardian_id', '=', personId))
    .unionAll(db.selectFrom('placements')
      .select((eb) => [eb.val('pupil').as('kind'), 'id as a', eb.val(null).$castTo<number | null>().as('b'), 'end_date as c'])
      .where('child_id', '=', personId)));

/**
 * A staff assignment counts from its first day to its last, both included: a substitute's ends by itself, an ended
 * one no longer gives its unit or group (and one made ahead starts on its day).
 */
export function assignmentCountsOn(today: string) {
  const start = sql.ref<string | null>('staff_assignments.start_date');
  const end = sql.ref<string | null>('staff_assignments.end_date');
  return <T extends keyof Database>(eb: ExpressionBuilder<Database, T>) => eb.and([
    eb.or([eb(start, 'is', null), eb(start, '<=', today)]),
    eb.or([eb(end, 'is', null), eb(end, '>=', today)]),
  ]);
}

/** Placements that have not ended by `today`, joined to their group and unit. */
export function currentPlacements(db: Db, today: string) {
  return db.selectFrom('placements')
    .innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id')
    .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', today)]));
}

const placementsOfChild = prepared((db: Db, childId: number, today: string) => currentPlacements(db, today)
  .select(['placements.group_id', 'placements.start_date', 'groups.unit_id', 'units.municipality_id', 'units.kind'])
  .where('placements.child_id', '=', childId));

/** A group with its unit's name, kind and municipality. */
export interface GroupWithUnit { id: number; name: string; unitId: number; unitName: string; unitKind: UnitKind; municipalityId: number }

const groupAndUnit = prepared((db: Db, groupId: number) => db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
  .select(['groups.id', 'groups.name', 'groups.unit_id', 'units.name as unit_name', 'units.kind', 'units.municipality_id'])
  .where('groups.id', '=', groupId));

/** A group with its unit (people/queries.ts hands it on to the other modules). */
export async function groupWithUnit(db: Db, groupId: number): Promise<GroupWithUnit | undefined> {
  const [r] = await groupAndUnit(db, groupId);
  return r && { id: r.id, name: r.name, unitId: r.unit_id, unitName: r.unit_name, unitKind: r.kind, municipalityId: r.municipality_id };
}

const childrenPlacedInGroup = prepared((db: Db, groupId: number, today: string) => currentPlacements(db, today).select('placements.child_id')
  .where('placements.group_id', '=', groupId));

export async function locateChild(db: Db, childId: number, today: string): Promise<Location | null> {
  const rows = await placementsOfChild(db, childId, today);
  if (rows.length === 0) return null;
  return {
    municipalityId: rows[0].municipality_id,
    unitIds: rows.map((r) => r.unit_id),
    groupIds: rows.map((r) => r.group_id),
    childIds: [childId],
    groups: rows.map((r) => ({
      id: r.group_id, unitId: r.unit_id, unitKind: r.kind, municipalityId: r.municipality_id, started: r.start_date <= today,
    })),
  };
}

export async function locateGroup(db: Db, groupId: number, today: string): Promise<Location | null> {
  const group = await groupWithUnit(db, groupId);
  if (!group) return null;
  const children = await childrenPlacedInGroup(db, groupId, today);
  return {
    municipalityId: group.municipalityId,
    unitIds: [group.unitId],
    groupIds: [groupId],
    childIds: children.map((c) => c.child_id),
  };
}

/** A school class: a group of a school (unit kind 'school'); a preschool's or fritids' group is none (not found). */
export async function locateSchoolClass(db: Db, groupId: number, today: string): Promise<Location | null> {
  const group = await groupWithUnit(db, groupId);
  return group?.unitKind === 'school' ? locateGroup(db, groupId, today) : null;
}

export async function locateUnit(db: Db, unitId: number): Promise<Location | null> {
  const unit = await db.selectFrom('units').select('municipality_id').where('id', '=', unitId).executeTakeFirst();
  return unit ? { municipalityId: unit.municipality_id, unitIds: [unitId], groupIds: [], childIds: [] } : null;
}

export async function locateMunicipality(db: Db, municipalityId: number): Promise<Location | null> {
  const found = await db.selectFrom('municipalities').select('id').where('id', '=', municipalityId).executeTakeFirst();
  return found ? { municipalityId, unitIds: [], groupIds: [], childIds: [] } : null;
}

/**
 * Where an account holder belongs, for whoever handles their account: the units of their children's current
 * placements (and their own, for a student). Staff and administrators belong to no unit here, so only their
 * municipality's administrator is allowed, never a unit head (who might be their colleague or manager).
 */
export async function locateAccountHolder(db: Db, personId: number, today: string): Promise<Location | null> {
  const person = await db.selectFrom('persons').select('municipality_id').where('id', '=', personId).executeTakeFirst();
  if (!person) return null;
  const [staff, admin] = await Promise.all([
    db.selectFrom('staff_assignments').select('id').where('person_id', '=', personId).executeTakeFirst(),
    db.selectFrom('municipality_admins').select('person_id').where('person_id', '=', personId).executeTakeFirst(),
  ]);
  if (staff || admin) return { municipalityId: person.municipality_id, unitIds: [], groupIds: [], childIds: [] };
  const children = db.selectFrom('guardianships').select('child_id').where('guardian_id', '=', personId);
  const units = await currentPlacements(db, today).select('groups.unit_id').distinct()
    .where((eb) => eb.or([eb('placements.child_id', 'in', children), eb('placements.child_id', '=', personId)])).execute();
  return { municipalityId: person.municipality_id, unitIds: units.map((u) => u.unit_id), groupIds: [], childIds: [] };
}

/** A person seen beside a child: the child, or one of the child's guardians. */
export function locatePersonOfChild(
  child: Location,
  person: { id: number; protectedIdentity: boolean; otherHousehold: boolean },
): Location {
  return { ...child, person };
}

/** The records of the organisation, found by their id in a route. */
export const peopleLocators = {
  child: locateChild, group: locateGroup,
  // a pupil's school records (assessment, development plan, adaptations): the child, its school classes counted by the
  // actions themselves (`only: school-groups`); a school class
  schoolChild: locateChild, schoolClass: locateSchoolClass, unit: (db, id) => locateUnit(db, id), municipality: (db, id) => locateMunicipality(db, id),
} satisfies Partial<Locators>;
