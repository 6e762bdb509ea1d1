// The facts the policy needs, read from the people and organisation tables: who the user is to whom, and where a
// record sits. Only current and future placements count: a child who has left is no longer the staff's.
import type { Db } from '../kernel/db.ts';
import type { Actor, AuthLevel, Location } from '../kernel/policy.ts';
import type { TargetKind } from '../kernel/actions.ts';

export async function loadActor(db: Db, account: { id: number; person_id: number }, authLevel: AuthLevel, today: string): Promise<Actor> {
  const personId = account.person_id;
  const [admins, assignments, guardianships, ownPlacement] = await Promise.all([
    db.selectFrom('municipality_admins').select('municipality_id').where('person_id', '=', personId).execute(),
    db.selectFrom('staff_assignments').select(['unit_id', 'group_id', 'role']).where('person_id', '=', personId).execute(),
    db.selectFrom('guardianships').select(['child_id', 'other_household']).where('guardian_id', '=', personId).execute(),
    currentPlacements(db, today).select('placements.id').where('placements.child_id', '=', personId).executeTakeFirst(),
  ]);
  return {
    accountId: account.id,
    personId,
    authLevel,
    adminOf: new Set(admins.map((a) => a.municipality_id)),
    headOf: new Set(assignments.filter((a) => a.role === 'unit_head').map((a) => a.unit_id)),
    staffUnits: new Set(assignments.map((a) => a.unit_id)),
    staffGroups: new Set(assignments.flatMap((a) => (a.group_id === null ? [] : [a.group_id]))),
    guardianOf: new Map(guardianships.map((g) => [g.child_id, { otherHousehold: g.other_household === 1 }])),
    isStudent: ownPlacement !== undefined,
  };
}

/** Placements that have not ended by `today`, joined to their group and unit. */
export function currentPlacements(db: Db, today: string) {
  return db.selectFrom('placements')
    .innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id')
    .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', today)]));
}

export async function locate(db: Db, kind: TargetKind, id: number, today: string): Promise<Location | null> {
  switch (kind) {
    case 'none': return null;
    case 'child': return locateChild(db, id, today);
    case 'group': return locateGroup(db, id, today);
    case 'unit': return locateUnit(db, id);
    case 'municipality': return locateMunicipality(db, id);
    case 'personOfChild': throw new Error('personOfChild is located with locatePersonOfChild');
  }
}

export async function locateChild(db: Db, childId: number, today: string): Promise<Location | null> {
  const rows = await currentPlacements(db, today)
    .select(['placements.group_id', 'groups.unit_id', 'units.municipality_id'])
    .where('placements.child_id', '=', childId).execute();
  if (rows.length === 0) return null;
  return {
    municipalityId: rows[0].municipality_id,
    unitIds: rows.map((r) => r.unit_id),
    groupIds: rows.map((r) => r.group_id),
    childIds: [childId],
  };
}

export async function locateGroup(db: Db, groupId: number, today: string): Promise<Location | null> {
  const group = await db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.unit_id', 'units.municipality_id']).where('groups.id', '=', groupId).executeTakeFirst();
  if (!group) return null;
  const children = await currentPlacements(db, today).select('placements.child_id')
    .where('placements.group_id', '=', groupId).execute();
  return {
    municipalityId: group.municipality_id,
    unitIds: [group.unit_id],
    groupIds: [groupId],
    childIds: children.map((c) => c.child_id),
  };
}

async function locateUnit(db: Db, unitId: number): Promise<Location | null> {
  const unit = await db.selectFrom('units').select('municipality_id').where('id', '=', unitId).executeTakeFirst();
  return unit ? { municipalityId: unit.municipality_id, unitIds: [unitId], groupIds: [], childIds: [] } : null;
}

async function locateMunicipality(db: Db, municipalityId: number): Promise<Location | null> {
  const found = await db.selectFrom('municipalities').select('id').where('id', '=', municipalityId).executeTakeFirst();
  return found ? { municipalityId, unitIds: [], groupIds: [], childIds: [] } : null;
}

/** A person seen beside a child: the child, or one of the child's guardians. */
export function locatePersonOfChild(
  child: Location,
  person: { id: number; protectedIdentity: boolean; otherHousehold: boolean },
): Location {
  return { ...child, person };
}
