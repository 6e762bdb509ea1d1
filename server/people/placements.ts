// Children in the register and their placements, for the admin pages (server/children/): the lists of a municipality's
// or a unit's children, a child's own page, adding a child, starting, ending and moving placements, and linking the
// child's legal guardians. Every change is written with its history (register-changes.ts) in the same transaction.
import { sql } from 'kysely';
import type { HourLimit, IdentityKind, UnitKind } from '../../db/schema.ts';
import { foldedContains, isUniqueViolation, lockedRows } from '../../db/sql.ts';
import type { Db } from '../kernel/db.ts';
import { addDays } from '../kernel/dates.ts';
import type { Location } from '../kernel/policy.ts';
import type { Locators } from '../kernel/http.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { admitsNewPeople } from './organisation.ts';
import { fieldChanges, recordRegisterChanges, type ChangeAuthor, type RegisterChange } from './register-changes.ts';

export const CHILDREN_PER_PAGE = 50;

// ---------------------------------------------------------------------------------------------------------------------
// Where the records sit (the policy's locators)

/**
 * A child as the register knows them (a person with a placement, now, coming or ended): their municipality, and the
 * units and groups of their current and coming placements (a unit head manages the children placed in their unit).
 */
export async function locateRegisteredChild(db: Db, childId: number, today: string): Promise<Location | null> {
  const person = await db.selectFrom('persons').select('municipality_id').where('id', '=', childId)
    .where((eb) => eb.exists(eb.selectFrom('placements').select('placements.id').whereRef('placements.child_id', '=', 'persons.id')))
    .executeTakeFirst();
  if (!person) return null;
  const placed = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .select(['placements.group_id', 'groups.unit_id']).where('placements.child_id', '=', childId)
    .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', today)])).execute();
  return {
    municipalityId: person.municipality_id, unitIds: [...new Set(placed.map((p) => p.unit_id))],
    groupIds: placed.map((p) => p.group_id), childIds: [childId],
  };
}

/**
 * A placement: where its group is while it runs or is to come; one that has ended is only its municipality's (the
 * admin reads it), as a unit head no longer sees a child who has left their unit.
 */
export async function locatePlacement(db: Db, placementId: number, today: string): Promise<Location | null> {
  const row = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['placements.child_id', 'placements.group_id', 'placements.end_date', 'groups.unit_id', 'units.municipality_id'])
    .where('placements.id', '=', placementId).executeTakeFirst();
  if (!row) return null;
  const ended = row.end_date !== null && row.end_date < today;
  return { municipalityId: row.municipality_id, unitIds: ended ? [] : [row.unit_id], groupIds: ended ? [] : [row.group_id], childIds: [row.child_id] };
}

export const placementLocators = {
  registeredChild: locateRegisteredChild, placement: locatePlacement,
} satisfies Partial<Locators>;

// ---------------------------------------------------------------------------------------------------------------------
// Lists

export interface ChildListRow {
  id: number; firstName: string; lastName: string; identityNumber: string | null; birthDate: string | null; protectedIdentity: boolean;
  /** The groups of the child's current and coming placements ("Blåbär, Förskolan Solrosen"). */
  groups: string[];
}

export interface ChildList { rows: ChildListRow[]; total: number; page: number; pages: number }

/**
 * Whose children a list shows: a municipality's (placed now or later; with `ended`, every child ever placed there), or a
 * unit's (placed there now or later).
 */
export type ChildListScope = { municipalityIds: readonly number[]; ended?: boolean } | { unitId: number };

export async function listChildren(db: Db, scope: ChildListScope, query: string, page: number, today: string): Promise<ChildList> {
  let base = db.selectFrom('persons');
  if ('unitId' in scope) {
    const unitId = scope.unitId;
    base = base.where((eb) => eb.exists(eb.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
      .select('placements.id').whereRef('placements.child_id', '=', 'persons.id').where('groups.unit_id', '=', unitId)
      .where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', today)]))));
  } else {
    if (scope.municipalityIds.length === 0) return { rows: [], total: 0, page: 1, pages: 1 };
    const ended = scope.ended === true;
    base = base.where('persons.municipality_id', 'in', [...scope.municipalityIds]).where((eb) => {
      const placed = eb.selectFrom('placements').select('placements.id').whereRef('placements.child_id', '=', 'persons.id');
      return eb.exists(ended ? placed : placed.where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', today)])));
    });
  }
  const words = query.trim().split(/\s+/).filter(Boolean).slice(0, 5);
  for (const word of words) {
    // A birth date (ÅÅMMDD or ÅÅÅÅMMDD) finds the personnummer it begins (the whole number is never searched: it would be in the URL).
    const born = /^[0-9]{6}$/.test(word) ? `__${word}-%` : /^[0-9]{8}$/.test(word) ? `${word}-%` : undefined;
    base = base.where((eb) => eb.or([
      foldedContains(sql.ref('persons.first_name'), word), foldedContains(sql.ref('persons.last_name'), word),
      ...(born ? [eb('persons.identity_number', 'like', born)] : []),
    ]));
  }
  const { count } = await base.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow();
  const total = Number(count);
  const pages = Math.max(1, Math.ceil(total / CHILDREN_PER_PAGE));
  const current = Math.min(Math.max(1, page), pages);
  const rows = await base.select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.identity_number', 'persons.birth_date',
    'persons.protected_identity'])
    .orderBy('persons.last_name').orderBy('persons.first_name').orderBy('persons.id')
    .limit(CHILDREN_PER_PAGE).offset((current - 1) * CHILDREN_PER_PAGE).execute();
  const groups = await groupsOfChildren(db, rows.map((r) => r.id), today);
  return {
    rows: rows.map((r) => ({
      id: r.id, firstName: r.first_name, lastName: r.last_name, identityNumber: r.identity_number, birthDate: r.birth_date,
      protectedIdentity: r.protected_identity === 1, groups: groups.get(r.id) ?? [],
    })),
    total, page: current, pages,
  };
}

async function groupsOfChildren(db: Db, childIds: number[], today: string): Promise<Map<number, string[]>> {
  const byChild = new Map<number, string[]>();
  if (childIds.length === 0) return byChild;
  const rows = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['placements.child_id', 'groups.name', 'units.name as unit_name'])
    .where('placements.child_id', 'in', childIds)
    .where((eb) => eb.or([eb('placements.end_date', 'is', null), eb('placements.end_date', '>=', today)]))
    .orderBy('placements.start_date').execute();
  for (const r of rows) byChild.set(r.child_id, [...(byChild.get(r.child_id) ?? []), `${r.name}, ${r.unit_name}`]);
  return byChild;
}

/**
 * The groups of the municipalities, or of one unit, by unit and name; `open`: a new placement may go there (the group
 * has not ended and its unit is not closed; the forms offer only those).
 */
export interface GroupChoice { id: number; name: string; unitId: number; unitName: string; unitKind: UnitKind; municipalityId: number; open: boolean }

export async function groupChoices(db: Db, scope: ChildListScope): Promise<GroupChoice[]> {
  let query = db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.id', 'groups.name', 'units.id as unit_id', 'units.name as unit_name', 'units.kind', 'units.municipality_id', 'groups.ended_on', 'units.closed_on']);
  if ('unitId' in scope) query = query.where('units.id', '=', scope.unitId);
  else if (scope.municipalityIds.length === 0) return [];
  else query = query.where('units.municipality_id', 'in', [...scope.municipalityIds]);
  const rows = await query.orderBy('units.name').orderBy('groups.name').orderBy('groups.id').execute();
  return rows.map((r) => ({
    id: r.id, name: r.name, unitId: r.unit_id, unitName: r.unit_name, unitKind: r.kind, municipalityId: r.municipality_id,
    open: r.ended_on === null && r.closed_on === null,
  }));
}

export async function groupChoice(db: Db, groupId: number): Promise<GroupChoice | undefined> {
  const r = await db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.id', 'groups.name', 'units.id as unit_id', 'units.name as unit_name', 'units.kind', 'units.municipality_id', 'groups.ended_on', 'units.closed_on'])
    .where('groups.id', '=', groupId).executeTakeFirst();
  return r && {
    id: r.id, name: r.name, unitId: r.unit_id, unitName: r.unit_name, unitKind: r.kind, municipalityId: r.municipality_id,
    open: r.ended_on === null && r.closed_on === null,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// A child's page

export interface PlacementRow {
  id: number; groupId: number; groupName: string; unitId: number; unitName: string; unitKind: UnitKind;
  startDate: string; endDate: string | null; hourLimit: HourLimit;
}

export interface GuardianRow {
  id: number; firstName: string; lastName: string; identityNumber: string | null; protectedIdentity: boolean;
  email: string | null; phone: string | null; otherHousehold: boolean;
}

export interface ChildRecord {
  id: number; municipalityId: number; firstName: string; lastName: string; identityNumber: string | null; identityKind: IdentityKind | null;
  birthDate: string | null; protectedIdentity: boolean;
  placements: PlacementRow[]; guardians: GuardianRow[];
}

const placementColumns = ['placements.id', 'placements.child_id', 'placements.group_id', 'groups.name as group_name', 'groups.unit_id',
  'units.name as unit_name', 'units.kind', 'placements.start_date', 'placements.end_date', 'placements.hour_limit'] as const;

function toPlacement(r: {
  id: number; group_id: number; group_name: string; unit_id: number; unit_name: string; kind: UnitKind;
  start_date: string; end_date: string | null; hour_limit: HourLimit;
}): PlacementRow {
  return {
    id: r.id, groupId: r.group_id, groupName: r.group_name, unitId: r.unit_id, unitName: r.unit_name, unitKind: r.kind,
    startDate: r.start_date, endDate: r.end_date, hourLimit: r.hour_limit,
  };
}

export async function childRecord(db: Db, childId: number): Promise<ChildRecord | undefined> {
  const person = await db.selectFrom('persons')
    .select(['id', 'municipality_id', 'first_name', 'last_name', 'identity_number', 'identity_kind', 'birth_date', 'protected_identity'])
    .where('id', '=', childId).executeTakeFirst();
  if (!person) return undefined;
  const [placements, guardians] = await Promise.all([
    db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
      .select(placementColumns).where('placements.child_id', '=', childId).orderBy('placements.start_date').orderBy('placements.id').execute(),
    db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
      .select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.identity_number', 'persons.protected_identity',
        'persons.email', 'persons.phone', 'guardianships.other_household'])
      .where('guardianships.child_id', '=', childId).orderBy('guardianships.other_household').orderBy('persons.id').execute(),
  ]);
  return {
    id: person.id, municipalityId: person.municipality_id, firstName: person.first_name, lastName: person.last_name,
    identityNumber: person.identity_number, identityKind: person.identity_kind, birthDate: person.birth_date,
    protectedIdentity: person.protected_identity === 1,
    placements: placements.map(toPlacement),
    guardians: guardians.map((g) => ({
      id: g.id, firstName: g.first_name, lastName: g.last_name, identityNumber: g.identity_number, protectedIdentity: g.protected_identity === 1,
      email: g.email, phone: g.phone, otherHousehold: g.other_household === 1,
    })),
  };
}

export async function placementById(db: Db, placementId: number): Promise<(PlacementRow & { childId: number }) | undefined> {
  const r = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(placementColumns).where('placements.id', '=', placementId).executeTakeFirst();
  return r && { ...toPlacement(r), childId: r.child_id };
}

/** A name for each person id a history names (a guardian linked or unlinked). */
export async function personNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('persons').select(['id', 'first_name', 'last_name']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, `${r.first_name} ${r.last_name}`]));
}

export interface ChildChange {
  id: number; entity: string; entityId: number; change: string; field: string | null; oldValue: string | null; newValue: string | null;
  source: string; changedByName: string | null; changedAt: string;
}

/**
 * The child's history: changes of the child's own record, of their placements, and of their guardianships (those
 * removed too: a removal records the child's id, see endGuardianship in guardians.ts), newest first.
 */
export async function childHistory(db: Db, childId: number, limit = 200): Promise<ChildChange[]> {
  const placementIds = db.selectFrom('placements').select('placements.id').where('placements.child_id', '=', childId);
  const guardianshipIds = db.selectFrom('guardianships').select('guardianships.id').where('guardianships.child_id', '=', childId);
  const removedGuardianships = db.selectFrom('register_changes as r').select('r.entity_id')
    .where('r.entity', '=', 'guardianship').where('r.field', '=', 'child_id').where('r.old_value', '=', String(childId));
  const rows = await db.selectFrom('register_changes as c').leftJoin('persons as p', 'p.id', 'c.changed_by')
    .select(['c.id', 'c.entity', 'c.entity_id', 'c.change', 'c.field', 'c.old_value', 'c.new_value', 'c.source', 'c.changed_at',
      'p.first_name', 'p.last_name'])
    .where((eb) => eb.or([
      eb.and([eb('c.entity', '=', 'person'), eb('c.entity_id', '=', childId)]),
      eb.and([eb('c.entity', '=', 'placement'), eb('c.entity_id', 'in', placementIds)]),
      eb.and([eb('c.entity', '=', 'guardianship'), eb.or([eb('c.entity_id', 'in', guardianshipIds), eb('c.entity_id', 'in', removedGuardianships)])]),
    ]))
    .orderBy('c.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, entity: r.entity, entityId: r.entity_id, change: r.change, field: r.field, oldValue: r.old_value, newValue: r.new_value,
    source: r.source, changedByName: r.first_name === null ? null : `${r.first_name} ${r.last_name}`, changedAt: r.changed_at,
  }));
}

// ---------------------------------------------------------------------------------------------------------------------
// Changes

export interface NewChild {
  municipalityId: number; firstName: string; lastName: string;
  identity: { number: string; kind: IdentityKind } | null; birthDate: string; protectedIdentity: boolean;
  address: { street: string; postalCode: string; city: string } | null;
  placement: { groupId: number; startDate: string; endDate: string | null; hourLimit: HourLimit };
}

/** Why a group takes no new placement: it has ended, or its unit is closed (admitsNewPeople). */
export type NotAdmitted = 'group-ended' | 'unit-closed';

export type AddChildResult = { ok: true; childId: number } | { ok: false; error: 'identity-taken'; existingId: number }
  | { ok: false; error: NotAdmitted | 'gone' };

/** Thrown inside a transaction to roll it back when the group refuses; turned into the result outside. */
class NotAdmittedError extends Error {
  constructor(readonly error: NotAdmitted | 'gone') { super(error); }
}

/** Adds the child with their first placement; a personnummer already in the municipality's register is refused. */
export async function addChild(db: Db, child: NewChild, author: ChangeAuthor): Promise<AddChildResult> {
  const taken = async () => {
    if (!child.identity) return undefined;
    return db.selectFrom('persons').select('id').where('municipality_id', '=', child.municipalityId)
      .where('identity_number', '=', child.identity.number).executeTakeFirst();
  };
  const existing = await taken();
  if (existing) return { ok: false, error: 'identity-taken', existingId: existing.id };
  try {
    const childId = await db.transaction().execute(async (trx) => {
      const admission = await admitsNewPeople(trx, { groupId: child.placement.groupId });
      if (!admission.ok) throw new NotAdmittedError(admission.error);
      const person = await trx.insertInto('persons').values({
        municipality_id: child.municipalityId, first_name: child.firstName, last_name: child.lastName,
        identity_number: child.identity?.number ?? null, identity_kind: child.identity?.kind ?? null, birth_date: child.birthDate,
        protected_identity: child.protectedIdentity ? 1 : 0, street_address: child.address?.street ?? null,
        postal_code: child.address?.postalCode ?? null, city: child.address?.city ?? null, email: null, phone: null,
        created_at: author.at.toISOString(),
      }).returning('id').executeTakeFirstOrThrow();
      const p = child.placement;
      const placement = await trx.insertInto('placements').values({
        child_id: person.id, group_id: p.groupId, start_date: p.startDate, end_date: p.endDate, hour_limit: p.hourLimit,
      }).returning('id').executeTakeFirstOrThrow();
      await recordRegisterChanges(trx, child.municipalityId, author, [
        { entity: 'person', entityId: person.id, change: 'created', newValue: `${child.firstName} ${child.lastName}` },
        ...placementCreated(placement.id, p),
      ]);
      return person.id;
    });
    return { ok: true, childId };
  } catch (error) {
    if (error instanceof NotAdmittedError) return { ok: false, error: error.error };
    // Someone added the same personnummer at the same moment: the unique key (persons_identity) took it first.
    if (!isUniqueViolation(error, 'persons.identity_number')) throw error;
    const found = await taken();
    if (!found) throw error;
    return { ok: false, error: 'identity-taken', existingId: found.id };
  }
}

function placementCreated(id: number, p: { groupId: number; startDate: string; endDate: string | null; hourLimit: HourLimit }): RegisterChange[] {
  return [
    { entity: 'placement', entityId: id, change: 'created', field: 'group_id', newValue: p.groupId },
    { entity: 'placement', entityId: id, change: 'changed', field: 'start_date', newValue: p.startDate },
    ...(p.endDate ? [{ entity: 'placement' as const, entityId: id, change: 'changed' as const, field: 'end_date', newValue: p.endDate }] : []),
    ...(p.hourLimit !== 'none' ? [{ entity: 'placement' as const, entityId: id, change: 'changed' as const, field: 'hour_limit', newValue: p.hourLimit }] : []),
  ];
}

export interface NewPlacement { groupId: number; startDate: string; endDate: string | null; hourLimit: HourLimit }

export type PlacementResult = { ok: true; placementId: number } | { ok: false; error: 'overlaps'; other: PlacementRow }
  | { ok: false; error: NotAdmitted | 'gone' };

/** Both periods' days, as [start, end] with end null for open-ended: whether they share a day. */
function overlap(a: { startDate: string; endDate: string | null }, b: { startDate: string; endDate: string | null }): boolean {
  return (a.endDate === null || b.startDate <= a.endDate) && (b.endDate === null || a.startDate <= b.endDate);
}

/**
 * The child's placements in units of that kind, locked for the transaction (PostgreSQL): a child is in one preschool
 * group, one class or one fritids group at a time (a pupil may be in a class and in fritids on the same days).
 */
async function placementsOfKind(trx: Db, childId: number, kind: UnitKind): Promise<(PlacementRow & { childId: number })[]> {
  // The child's own row first: two changes of one child's placements wait for each other, not only those of one placement.
  await lockedRows(trx, trx.selectFrom('persons').select('id').where('id', '=', childId)).execute();
  const rows = await lockedRows(trx, trx.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
    .innerJoin('units', 'units.id', 'groups.unit_id').select(placementColumns)
    .where('placements.child_id', '=', childId).where('units.kind', '=', kind)).execute();
  return rows.map((r) => ({ ...toPlacement(r), childId: r.child_id }));
}

/** Starts a placement of the child in the group; refused when it shares a day with another of the same kind of unit. */
export async function startPlacement(db: Db, childId: number, municipalityId: number, group: { id: number; unitKind: UnitKind },
  p: NewPlacement, author: ChangeAuthor): Promise<PlacementResult> {
  return retryRaces(() => db.transaction().execute(async (trx): Promise<PlacementResult> => {
    const others = await placementsOfKind(trx, childId, group.unitKind);
    const admission = await admitsNewPeople(trx, { groupId: group.id });
    if (!admission.ok) return admission;
    const clash = others.find((o) => overlap(o, p));
    if (clash) return { ok: false, error: 'overlaps', other: clash };
    const row = await trx.insertInto('placements').values({
      child_id: childId, group_id: group.id, start_date: p.startDate, end_date: p.endDate, hour_limit: p.hourLimit,
    }).returning('id').executeTakeFirstOrThrow();
    await recordRegisterChanges(trx, municipalityId, author, placementCreated(row.id, { ...p, groupId: group.id }));
    return { ok: true, placementId: row.id };
  }));
}

export type EndResult = { ok: true } | { ok: false; error: 'before-start' | 'gone' | 'ended' };

/**
 * Ends the placement on `endDate` (its last day; the guardians' access to the group's content ends the day after).
 * A placement that has already ended stays as it is (a child who comes back gets a new one). Conditional on the end it
 * had when it was read, so two admins ending it at once cannot both think they did.
 */
export async function endPlacement(db: Db, placementId: number, municipalityId: number, endDate: string, author: ChangeAuthor,
  today: string): Promise<EndResult> {
  return db.transaction().execute(async (trx): Promise<EndResult> => {
    const placement = await lockedRows(trx, trx.selectFrom('placements').select(['start_date', 'end_date']).where('id', '=', placementId)).executeTakeFirst();
    if (!placement) return { ok: false, error: 'gone' };
    if (placement.end_date !== null && placement.end_date < today) return { ok: false, error: 'ended' };
    if (endDate < placement.start_date) return { ok: false, error: 'before-start' };
    if (placement.end_date === endDate) return { ok: true };
    const updated = await trx.updateTable('placements').set({ end_date: endDate }).where('id', '=', placementId)
      .where((eb) => (placement.end_date === null ? eb('end_date', 'is', null) : eb('end_date', '=', placement.end_date)))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new RaceLost('the placement changed under the end');
    await recordRegisterChanges(trx, municipalityId, author, [
      { entity: 'placement', entityId: placementId, change: 'ended', field: 'end_date', oldValue: placement.end_date, newValue: endDate },
    ]);
    return { ok: true };
  });
}

export type MoveResult = { ok: true; placementId: number }
  | { ok: false; error: 'gone' | 'ended' | 'same-group' | 'not-after-start' | 'after-end' | 'other-kind' | NotAdmitted }
  | { ok: false; error: 'overlaps'; other: PlacementRow };

/**
 * Moves the child from the placement's group to another on `date`: the placement ends the day before and a new one
 * starts that day, until the old one's end (none: open-ended), with its hour limit. No gap, no overlap; one transaction.
 */
export async function movePlacement(db: Db, placementId: number, municipalityId: number, to: { id: number; unitKind: UnitKind }, date: string,
  author: ChangeAuthor, today: string): Promise<MoveResult> {
  return retryRaces(() => db.transaction().execute(async (trx): Promise<MoveResult> => {
    const current = await placementById(trx, placementId);
    if (!current) return { ok: false, error: 'gone' };
    if (current.endDate !== null && current.endDate < today) return { ok: false, error: 'ended' };
    if (current.groupId === to.id) return { ok: false, error: 'same-group' };
    if (to.unitKind !== current.unitKind) return { ok: false, error: 'other-kind' };
    const others = await placementsOfKind(trx, current.childId, current.unitKind);
    const admission = await admitsNewPeople(trx, { groupId: to.id });
    if (!admission.ok) return admission;
    const old = others.find((o) => o.id === placementId);
    if (!old) return { ok: false, error: 'gone' };
    if (date <= old.startDate) return { ok: false, error: 'not-after-start' };
    if (old.endDate !== null && date > old.endDate) return { ok: false, error: 'after-end' };
    const next = { startDate: date, endDate: old.endDate };
    const clash = others.find((o) => o.id !== placementId && overlap(o, next));
    if (clash) return { ok: false, error: 'overlaps', other: clash };
    const lastDay = addDays(date, -1);
    const updated = await trx.updateTable('placements').set({ end_date: lastDay }).where('id', '=', placementId)
      .where((eb) => (old.endDate === null ? eb('end_date', 'is', null) : eb('end_date', '=', old.endDate)))
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new RaceLost('the placement changed under the move');
    const row = await trx.insertInto('placements').values({
      child_id: current.childId, group_id: to.id, start_date: date, end_date: old.endDate, hour_limit: old.hourLimit,
    }).returning('id').executeTakeFirstOrThrow();
    await recordRegisterChanges(trx, municipalityId, author, [
      { entity: 'placement', entityId: placementId, change: 'ended', field: 'end_date', oldValue: old.endDate, newValue: lastDay },
      ...placementCreated(row.id, { groupId: to.id, startDate: date, endDate: old.endDate, hourLimit: old.hourLimit }),
    ]);
    return { ok: true, placementId: row.id };
  }));
}

export interface GuardianInput {
  identity: { number: string; kind: IdentityKind };
  /** For a person not yet in the register: their name (required then), e-mail and phone. */
  firstName: string; lastName: string; email: string | null; phone: string | null;
  otherHousehold: boolean;
}

export type LinkResult = { ok: true; guardianId: number; created: boolean }
  | { ok: false; error: 'already-linked' | 'name-needed' | 'is-child-self' };

/**
 * Links the person with that personnummer (in the child's municipality) as the child's legal guardian; a person not
 * yet in the register is added with the name given.
 */
export async function linkGuardian(db: Db, childId: number, municipalityId: number, g: GuardianInput, author: ChangeAuthor): Promise<LinkResult> {
  return retryRaces(() => db.transaction().execute(async (trx): Promise<LinkResult> => {
    const found = await trx.selectFrom('persons').select('id').where('municipality_id', '=', municipalityId)
      .where('identity_number', '=', g.identity.number).executeTakeFirst();
    if (found?.id === childId) return { ok: false, error: 'is-child-self' };
    let guardianId = found?.id;
    const changes: RegisterChange[] = [];
    if (guardianId === undefined) {
      if (!g.firstName || !g.lastName) return { ok: false, error: 'name-needed' };
      guardianId = (await trx.insertInto('persons').values({
        municipality_id: municipalityId, first_name: g.firstName, last_name: g.lastName, identity_number: g.identity.number,
        identity_kind: g.identity.kind, birth_date: null, protected_identity: 0, street_address: null, postal_code: null, city: null,
        email: g.email, phone: g.phone, created_at: author.at.toISOString(),
      }).returning('id').executeTakeFirstOrThrow()).id;
      changes.push({ entity: 'person', entityId: guardianId, change: 'created', newValue: `${g.firstName} ${g.lastName}` });
    } else {
      const linked = await trx.selectFrom('guardianships').select('id').where('guardian_id', '=', guardianId).where('child_id', '=', childId).executeTakeFirst();
      if (linked) return { ok: false, error: 'already-linked' };
    }
    const row = await trx.insertInto('guardianships').values({ guardian_id: guardianId, child_id: childId, other_household: g.otherHousehold ? 1 : 0 })
      .returning('id').executeTakeFirstOrThrow();
    changes.push({ entity: 'guardianship', entityId: row.id, change: 'created', field: 'guardian_id', newValue: guardianId });
    if (g.otherHousehold) changes.push({ entity: 'guardianship', entityId: row.id, change: 'changed', field: 'other_household', newValue: 1 });
    await recordRegisterChanges(trx, municipalityId, author, changes);
    return { ok: true, guardianId, created: found === undefined };
  }), ['persons.identity_number', 'guardianships.child_id']);
}

/** "Blåbär, Förskolan Solrosen" for each group id a history names. */
export async function groupNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.id', 'groups.name', 'units.name as unit_name']).where('groups.id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, `${r.name}, ${r.unit_name}`]));
}

export interface ChildCorrection {
  firstName: string; lastName: string; identity: { number: string; kind: IdentityKind } | null; birthDate: string; protectedIdentity: boolean;
  /** Left out for a child with protected identity: the address is not shown, so not changed here. */
  address?: { street: string; postalCode: string; city: string } | null;
}

export type CorrectResult = { ok: true; changed: number } | { ok: false; error: 'identity-taken' | 'gone' };

/**
 * Corrects the child's name, personnummer, birth date, protected identity and address; each changed field goes in the
 * history (a personnummer only as changed, never its digits: the history is shown on pages).
 */
export async function correctChild(db: Db, childId: number, municipalityId: number, c: ChildCorrection, author: ChangeAuthor): Promise<CorrectResult> {
  try {
    return await db.transaction().execute(async (trx): Promise<CorrectResult> => {
      const before = await lockedRows(trx, trx.selectFrom('persons')
        .select(['first_name', 'last_name', 'identity_number', 'identity_kind', 'birth_date', 'protected_identity', 'street_address', 'postal_code', 'city'])
        .where('id', '=', childId)).executeTakeFirst();
      if (!before) return { ok: false, error: 'gone' };
      const after = {
        first_name: c.firstName, last_name: c.lastName, identity_number: c.identity?.number ?? null, identity_kind: c.identity?.kind ?? null,
        birth_date: c.birthDate, protected_identity: c.protectedIdentity ? 1 : 0,
        ...(c.address === undefined ? {} : { street_address: c.address?.street ?? null, postal_code: c.address?.postalCode ?? null, city: c.address?.city ?? null }),
      };
      const changes = fieldChanges('person', childId, before, after).map((change) => (change.field === 'identity_number' || change.field === 'street_address'
        || change.field === 'postal_code' || change.field === 'city' ? { ...change, oldValue: null, newValue: null } : change));
      if (changes.length === 0) return { ok: true, changed: 0 };
      await trx.updateTable('persons').set(after).where('id', '=', childId).execute();
      await recordRegisterChanges(trx, municipalityId, author, changes);
      return { ok: true, changed: changes.length };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'persons.identity_number')) return { ok: false, error: 'identity-taken' };
    throw error;
  }
}

/** The child's details for the correction form: the whole personnummer, and the address unless it is protected. */
export async function childForCorrection(db: Db, childId: number) {
  return db.selectFrom('persons')
    .select(['id', 'first_name', 'last_name', 'identity_number', 'birth_date', 'protected_identity', 'street_address', 'postal_code', 'city'])
    .where('id', '=', childId).executeTakeFirst();
}
