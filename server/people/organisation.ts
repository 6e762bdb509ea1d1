// The organisation as the admin pages keep it: a municipality's areas, its units with their kind, address and contact
// details, and each unit's groups (created, renamed, ended or removed only when empty). Every change is written with
// its history (register_changes) in one transaction; a name already taken comes back as an outcome for the form.
import { sql } from 'kysely';
import type { UnitKind } from '../../db/schema.ts';
import { foldedContains, isUniqueViolation, lockedRows } from '../../db/sql.ts';
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { type ChangeAuthor, fieldChanges, recordRegisterChanges } from './register-changes.ts';

export const PAGE_SIZE = 50;

/** One page of a list, and how many there are in all. */
export interface ListPage<T> { rows: T[]; total: number; page: number; pages: number }

/** What a list is asked for: the text searched for (empty: all) and the page, from 1. */
export interface ListQuery { q: string; page: number }

/** Whether the column holds `q`, in any case, å, ä and ö included, accents or not ("östra ängen" finds "Östra Ängen"). */
function nameMatches(column: string, q: string) {
  return foldedContains(sql.ref(column), q);
}

function paged<T>(rows: T[], total: number, page: number): ListPage<T> {
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

export interface MunicipalityName { id: number; name: string }

/** The municipalities of these ids, by name (an admin's own, for their lists and forms). */
export async function municipalitiesNamed(db: Db, ids: readonly number[]): Promise<MunicipalityName[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('municipalities').select(['id', 'name']).where('id', 'in', ids).orderBy('name').orderBy('id').execute();
}

// ---------------------------------------------------------------------------------------------------------------------
// Areas

export interface AreaRow { id: number; name: string; municipalityId: number; municipalityName: string; units: number }

/** The areas of these municipalities whose name holds `q`, by name, one page. */
export async function areasOf(db: Db, municipalityIds: readonly number[], { q, page }: ListQuery): Promise<ListPage<AreaRow>> {
  if (municipalityIds.length === 0) return paged([], 0, 1);
  let query = db.selectFrom('areas').innerJoin('municipalities', 'municipalities.id', 'areas.municipality_id')
    .where('areas.municipality_id', 'in', municipalityIds);
  if (q) query = query.where(nameMatches('areas.name', q));
  const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .select((eb) => ['areas.id', 'areas.name', 'areas.municipality_id', 'municipalities.name as municipality_name',
      eb.selectFrom('units').select((u) => u.fn.countAll<number>().as('c')).whereRef('units.area_id', '=', 'areas.id').as('units')])
    .orderBy('areas.name').orderBy('areas.id').limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE).execute();
  return paged(rows.map((r) => ({ id: r.id, name: r.name, municipalityId: r.municipality_id, municipalityName: r.municipality_name,
    units: Number(r.units ?? 0) })), Number(n), page);
}

export interface AreaDetails { id: number; name: string; municipalityId: number; units: { id: number; name: string; kind: UnitKind; closedOn: string | null }[] }

export async function areaDetails(db: Db, areaId: number): Promise<AreaDetails | undefined> {
  const area = await db.selectFrom('areas').select(['id', 'name', 'municipality_id']).where('id', '=', areaId).executeTakeFirst();
  if (!area) return undefined;
  const units = await db.selectFrom('units').select(['id', 'name', 'kind', 'closed_on']).where('area_id', '=', areaId).orderBy('name').execute();
  return { id: area.id, name: area.name, municipalityId: area.municipality_id, units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind, closedOn: u.closed_on })) };
}

/** The areas of a municipality, by name, to choose a unit's area from. */
export async function areaChoices(db: Db, municipalityId: number): Promise<{ id: number; name: string }[]> {
  return db.selectFrom('areas').select(['id', 'name']).where('municipality_id', '=', municipalityId).orderBy('name').execute();
}

export type NameOutcome = { ok: true; id: number } | { ok: false; error: 'name-taken' };

export async function addArea(db: Db, municipalityId: number, name: string, author: ChangeAuthor): Promise<NameOutcome> {
  return uniqueName('areas.name', () => db.transaction().execute(async (trx) => {
    const { id } = await trx.insertInto('areas').values({ municipality_id: municipalityId, name }).returning('id').executeTakeFirstOrThrow();
    await recordRegisterChanges(trx, municipalityId, author, [{ entity: 'area', entityId: id, change: 'created', newValue: name }]);
    return { ok: true, id };
  }));
}

export async function renameArea(db: Db, areaId: number, name: string, author: ChangeAuthor): Promise<NameOutcome> {
  return uniqueName('areas.name', () => db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('areas').select(['name', 'municipality_id']).where('id', '=', areaId).executeTakeFirstOrThrow();
    if (before.name === name) return { ok: true, id: areaId };
    await trx.updateTable('areas').set({ name }).where('id', '=', areaId).execute();
    await recordRegisterChanges(trx, before.municipality_id, author, fieldChanges('area', areaId, { name: before.name }, { name }));
    return { ok: true, id: areaId };
  }));
}

/** Removes an area no unit belongs to (one statement: a unit added meanwhile keeps it). */
export async function removeArea(db: Db, areaId: number, author: ChangeAuthor): Promise<{ ok: true } | { ok: false; error: 'has-units' }> {
  // (a unit given the area by a transaction not yet committed: the database refuses the removal)
  return orIfReferenced({ ok: false, error: 'has-units' }, () => db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('areas').where('id', '=', areaId)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('units').select('units.id').whereRef('units.area_id', '=', 'areas.id'))))
      .returning(['name', 'municipality_id']).executeTakeFirst();
    if (!removed) return { ok: false, error: 'has-units' };
    await recordRegisterChanges(trx, removed.municipality_id, author, [{ entity: 'area', entityId: areaId, change: 'removed', oldValue: removed.name }]);
    return { ok: true } as const;
  }));
}

export async function locateArea(db: Db, areaId: number): Promise<Location | null> {
  const area = await db.selectFrom('areas').select('municipality_id').where('id', '=', areaId).executeTakeFirst();
  return area ? { municipalityId: area.municipality_id, unitIds: [], groupIds: [], childIds: [] } : null;
}

export const organisationLocators: Pick<Locators, 'area' | 'unitLogo'> = { area: (db, id) => locateArea(db, id), unitLogo: locateUnitLogo };

// ---------------------------------------------------------------------------------------------------------------------
// Units

export interface UnitRow {
  id: number; name: string; kind: UnitKind; municipalityId: number; municipalityName: string; areaName: string | null; groups: number;
  /** The first day the unit is closed, null while open. */
  closedOn: string | null;
}

/** The units of these municipalities whose name holds `q` (in one area, with `areaId`), by name, one page. */
export async function unitsOf(db: Db, municipalityIds: readonly number[], { q, page, areaId }: ListQuery & { areaId?: number }): Promise<ListPage<UnitRow>> {
  if (municipalityIds.length === 0) return paged([], 0, 1);
  let query = db.selectFrom('units').innerJoin('municipalities', 'municipalities.id', 'units.municipality_id')
    .leftJoin('areas', 'areas.id', 'units.area_id').where('units.municipality_id', 'in', municipalityIds);
  if (q) query = query.where(nameMatches('units.name', q));
  if (areaId !== undefined) query = query.where('units.area_id', '=', areaId);
  const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await query
    .select((eb) => ['units.id', 'units.name', 'units.kind', 'units.municipality_id', 'municipalities.name as municipality_name', 'areas.name as area_name',
      'units.closed_on', eb.selectFrom('groups').select((g) => g.fn.countAll<number>().as('c')).whereRef('groups.unit_id', '=', 'units.id')
        .where('groups.ended_on', 'is', null).as('groups')])
    .orderBy('units.name').orderBy('units.id').limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE).execute();
  return paged(rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, municipalityId: r.municipality_id, municipalityName: r.municipality_name,
    areaName: r.area_name, groups: Number(r.groups ?? 0), closedOn: r.closed_on })), Number(n), page);
}

/** What the unit form holds; text fields are stored trimmed, an empty one as none. */
export interface UnitFields {
  name: string; kind: UnitKind; areaId: number | null;
  streetAddress: string | null; postalCode: string | null; city: string | null; phone: string | null; email: string | null;
}

export interface UnitDetails extends UnitFields {
  id: number; municipalityId: number; areaName: string | null; logo: UnitLogo | null;
  /** The first day the unit is closed, null while open. */
  closedOn: string | null;
}

export async function unitDetails(db: Db, unitId: number): Promise<UnitDetails | undefined> {
  const u = await db.selectFrom('units').leftJoin('areas', 'areas.id', 'units.area_id')
    .select(['units.id', 'units.municipality_id', 'units.name', 'units.kind', 'units.area_id', 'areas.name as area_name', 'units.street_address',
      'units.postal_code', 'units.city', 'units.phone', 'units.email', 'units.logo_file', 'units.logo_width', 'units.logo_height', 'units.closed_on'])
    .where('units.id', '=', unitId).executeTakeFirst();
  return u && { id: u.id, municipalityId: u.municipality_id, areaName: u.area_name, logo: logoOf(u), closedOn: u.closed_on, ...fromColumns(u) };
}

// ---------------------------------------------------------------------------------------------------------------------
// A unit's logo: the file (under the data folder's media/units/) is written before and removed after these calls; the
// row names the file in use.

/** A unit's logo: its file's name (which changes with the image) and its size in pixels. */
export interface UnitLogo { file: string; width: number; height: number }

function logoOf(u: { logo_file: string | null; logo_width: number | null; logo_height: number | null }): UnitLogo | null {
  return u.logo_file === null ? null : { file: u.logo_file, width: u.logo_width ?? 0, height: u.logo_height ?? 0 };
}

export async function unitLogo(db: Db, unitId: number): Promise<UnitLogo | null> {
  const u = await db.selectFrom('units').select(['logo_file', 'logo_width', 'logo_height']).where('id', '=', unitId).executeTakeFirst();
  return u ? logoOf(u) : null;
}

/**
 * Gives the unit this logo (null: none), with its history, and returns the logo it had, whose file the caller removes
 * once this has committed. The row is locked while it is read and written, so two uploads at once each see the other's.
 */
export async function setUnitLogo(db: Db, unitId: number, logo: UnitLogo | null, author: ChangeAuthor): Promise<UnitLogo | null> {
  return db.transaction().execute(async (trx) => {
    const before = await lockedRows(trx, trx.selectFrom('units').select(['municipality_id', 'logo_file', 'logo_width', 'logo_height'])
      .where('id', '=', unitId)).executeTakeFirstOrThrow();
    const was = logoOf(before);
    if ((was?.file ?? null) === (logo?.file ?? null)) return null;
    await trx.updateTable('units').set({ logo_file: logo?.file ?? null, logo_width: logo?.width ?? null, logo_height: logo?.height ?? null })
      .where('id', '=', unitId).execute();
    await recordRegisterChanges(trx, before.municipality_id, author, [
      { entity: 'unit', entityId: unitId, change: 'changed', field: 'logo', oldValue: was?.file ?? null, newValue: logo?.file ?? null },
    ]);
    return was;
  });
}

/**
 * Where a unit's logo sits, for those who see it: the unit, its municipality and the children placed in it now or
 * later (their guardians see it in the footer); not found when the unit has no logo.
 */
export async function locateUnitLogo(db: Db, unitId: number, today: string): Promise<Location | null> {
  const unit = await db.selectFrom('units').select('municipality_id').where('id', '=', unitId).where('logo_file', 'is not', null).executeTakeFirst();
  if (!unit) return null;
  const children = await db.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id').select('placements.child_id').distinct()
    .where('groups.unit_id', '=', unitId).where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', today)])).execute();
  return { municipalityId: unit.municipality_id, unitIds: [unitId], groupIds: [], childIds: children.map((c) => c.child_id) };
}

type UnitColumns = { name: string; kind: UnitKind; area_id: number | null; street_address: string | null; postal_code: string | null; city: string | null; phone: string | null; email: string | null };

function fromColumns(u: UnitColumns): UnitFields {
  return { name: u.name, kind: u.kind, areaId: u.area_id, streetAddress: u.street_address, postalCode: u.postal_code, city: u.city, phone: u.phone, email: u.email };
}

function toColumns(f: Partial<UnitFields>): Partial<UnitColumns> {
  const columns: Partial<UnitColumns> = { name: f.name, kind: f.kind, area_id: f.areaId, street_address: f.streetAddress, postal_code: f.postalCode,
    city: f.city, phone: f.phone, email: f.email };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)) as Partial<UnitColumns>;
}

export type UnitOutcome = NameOutcome | { ok: false; error: 'no-such-area' };
const NO_SUCH_AREA = { ok: false, error: 'no-such-area' } as const;

/** Whether the area is one of the municipality's (or none is chosen). */
async function areaOfMunicipality(trx: Db, areaId: number | null | undefined, municipalityId: number): Promise<boolean> {
  if (areaId === null || areaId === undefined) return true;
  return (await trx.selectFrom('areas').select('id').where('id', '=', areaId).where('municipality_id', '=', municipalityId).executeTakeFirst()) !== undefined;
}

export async function addUnit(db: Db, municipalityId: number, fields: UnitFields, author: ChangeAuthor): Promise<UnitOutcome> {
  return uniqueName('units.name', () => orIfReferenced(NO_SUCH_AREA, () => db.transaction().execute(async (trx): Promise<UnitOutcome> => {
    if (!(await areaOfMunicipality(trx, fields.areaId, municipalityId))) return { ok: false, error: 'no-such-area' };
    const columns = toColumns(fields) as UnitColumns;
    const { id } = await trx.insertInto('units').values({ municipality_id: municipalityId, ...columns }).returning('id').executeTakeFirstOrThrow();
    await recordRegisterChanges(trx, municipalityId, author, [
      { entity: 'unit', entityId: id, change: 'created', newValue: fields.name },
      ...fieldChanges('unit', id, emptyUnit(), { ...columns, name: undefined }),
    ]);
    return { ok: true, id };
  })));
}

function emptyUnit(): UnitColumns {
  return { name: '', kind: 'preschool', area_id: null, street_address: null, postal_code: null, city: null, phone: null, email: null };
}

/** Changes the fields given (a field left out stays as it is), with a history row for each that changed. */
export async function updateUnit(db: Db, unitId: number, fields: Partial<UnitFields>, author: ChangeAuthor): Promise<UnitOutcome> {
  return uniqueName('units.name', () => orIfReferenced(NO_SUCH_AREA, () => db.transaction().execute(async (trx): Promise<UnitOutcome> => {
    const before = await trx.selectFrom('units').select(['municipality_id', 'name', 'kind', 'area_id', 'street_address', 'postal_code', 'city', 'phone', 'email'])
      .where('id', '=', unitId).executeTakeFirstOrThrow();
    if (!(await areaOfMunicipality(trx, fields.areaId, before.municipality_id))) return { ok: false, error: 'no-such-area' };
    const { municipality_id: municipalityId, ...was } = before;
    const changes = fieldChanges('unit', unitId, was, toColumns(fields));
    if (changes.length === 0) return { ok: true, id: unitId };
    await trx.updateTable('units').set(toColumns(fields)).where('id', '=', unitId).execute();
    await recordRegisterChanges(trx, municipalityId, author, changes);
    return { ok: true, id: unitId };
  })));
}

// ---------------------------------------------------------------------------------------------------------------------
// Closing a unit: the admin closes it from a day (its first closed day) once nothing of it goes on after that day; it
// keeps its groups, placements and history, and takes no new group, placement or staff assignment until reopened.
// Each of these writers locks the unit's (or the group's) row first, so on PostgreSQL a closing and a new group,
// placement or assignment at the same moment wait for each other and the second sees what the first did.

/** What still goes on in a unit on a day or later: children placed, staff assigned, groups in use (not ended). */
export interface UnitInUse { children: number; staff: number; groups: number }

export type CloseOutcome = { ok: true } | { ok: false; error: 'closed' } | ({ ok: false; error: 'in-use' } & UnitInUse);

async function unitInUse(trx: Db, unitId: number, from: string): Promise<UnitInUse> {
  const [children, staff, groups] = await Promise.all([
    trx.selectFrom('placements').innerJoin('groups', 'groups.id', 'placements.group_id')
      .select((eb) => eb.fn.count<number>('placements.child_id').distinct().as('n')).where('groups.unit_id', '=', unitId)
      .where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', from)])).executeTakeFirstOrThrow(),
    trx.selectFrom('staff_assignments').select((eb) => eb.fn.count<number>('staff_assignments.person_id').distinct().as('n'))
      .where('staff_assignments.unit_id', '=', unitId)
      .where((s) => s.or([s('staff_assignments.end_date', 'is', null), s('staff_assignments.end_date', '>=', from)])).executeTakeFirstOrThrow(),
    trx.selectFrom('groups').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', unitId).where('ended_on', 'is', null)
      .executeTakeFirstOrThrow(),
  ]);
  return { children: Number(children.n), staff: Number(staff.n), groups: Number(groups.n) };
}

/**
 * Closes the unit from `closedOn` (the first day it is closed). Refused, with how many, while children are placed in it
 * or staff assigned to it on that day or later, or a group of it is still in use (ended groups keep their history).
 */
export async function closeUnit(db: Db, unitId: number, closedOn: string, author: ChangeAuthor): Promise<CloseOutcome> {
  return db.transaction().execute(async (trx): Promise<CloseOutcome> => {
    const unit = await lockedRows(trx, trx.selectFrom('units').select(['municipality_id', 'closed_on']).where('id', '=', unitId)).executeTakeFirstOrThrow();
    if (unit.closed_on !== null) return { ok: false, error: 'closed' };
    // (a statement after the lock: on PostgreSQL it sees what a writer that held the lock committed)
    const inUse = await unitInUse(trx, unitId, closedOn);
    if (inUse.children > 0 || inUse.staff > 0 || inUse.groups > 0) return { ok: false, error: 'in-use', ...inUse };
    await trx.updateTable('units').set({ closed_on: closedOn }).where('id', '=', unitId).execute();
    await recordRegisterChanges(trx, unit.municipality_id, author, [
      { entity: 'unit', entityId: unitId, change: 'changed', field: 'closed_on', oldValue: null, newValue: closedOn },
    ]);
    return { ok: true };
  });
}

export type ReopenOutcome = { ok: true } | { ok: false; error: 'open' };

/**
 * Opens a closed unit again (a closing made by mistake, or a unit that opens anew): nothing was added to it while it
 * was closed, so nothing depends on the closing. Its ended groups stay ended; new ones are created as for any unit.
 */
export async function reopenUnit(db: Db, unitId: number, author: ChangeAuthor): Promise<ReopenOutcome> {
  return db.transaction().execute(async (trx): Promise<ReopenOutcome> => {
    const unit = await lockedRows(trx, trx.selectFrom('units').select(['municipality_id', 'closed_on']).where('id', '=', unitId)).executeTakeFirstOrThrow();
    if (unit.closed_on === null) return { ok: false, error: 'open' };
    await trx.updateTable('units').set({ closed_on: null }).where('id', '=', unitId).execute();
    await recordRegisterChanges(trx, unit.municipality_id, author, [
      { entity: 'unit', entityId: unitId, change: 'changed', field: 'closed_on', oldValue: unit.closed_on, newValue: null },
    ]);
    return { ok: true };
  });
}

export type Admission = { ok: true } | { ok: false; error: 'group-ended' | 'unit-closed' | 'gone' };

/**
 * For the writers of placements and staff assignments, first thing in their transaction: whether the group (or, for an
 * assignment to the unit as a whole, the unit) takes someone new: not a group that has ended, not a unit that is
 * closed. The group's (or unit's) row stays locked until the transaction ends (PostgreSQL), so a group ended or a unit
 * closed at the same moment waits for the new row and then counts it, or has been seen here.
 */
export async function admitsNewPeople(trx: Db, place: { groupId: number } | { unitId: number }): Promise<Admission> {
  let unitId: number;
  if ('groupId' in place) {
    const group = await lockedRows(trx, trx.selectFrom('groups').select(['unit_id', 'ended_on']).where('id', '=', place.groupId)).executeTakeFirst();
    if (!group) return { ok: false, error: 'gone' };
    if (group.ended_on !== null) return { ok: false, error: 'group-ended' };
    unitId = group.unit_id;
  } else {
    unitId = place.unitId;
  }
  const query = trx.selectFrom('units').select('closed_on').where('id', '=', unitId);
  const unit = await ('groupId' in place ? query : lockedRows(trx, query)).executeTakeFirst();
  if (!unit) return { ok: false, error: 'gone' };
  return unit.closed_on === null ? { ok: true } : { ok: false, error: 'unit-closed' };
}

// ---------------------------------------------------------------------------------------------------------------------
// Groups

export interface GroupRow { id: number; name: string; endedOn: string | null; children: number; staff: number }

/** A unit's groups in use (with today's and coming children and its staff), then its ended groups. */
export async function groupsForAdmin(db: Db, unitId: number, today: string): Promise<GroupRow[]> {
  const rows = await db.selectFrom('groups')
    .select((eb) => ['groups.id', 'groups.name', 'groups.ended_on',
      eb.selectFrom('placements').select((p) => p.fn.countAll<number>().as('c')).whereRef('placements.group_id', '=', 'groups.id')
        .where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', today)])).as('children'),
      eb.selectFrom('staff_assignments').select((s) => s.fn.countAll<number>().as('c')).whereRef('staff_assignments.group_id', '=', 'groups.id')
        .where((s) => s.or([s('staff_assignments.end_date', 'is', null), s('staff_assignments.end_date', '>=', today)])).as('staff')])
    .where('groups.unit_id', '=', unitId).orderBy('groups.ended_on', 'desc').orderBy('groups.name').orderBy('groups.id').execute();
  const list = rows.map((r) => ({ id: r.id, name: r.name, endedOn: r.ended_on, children: Number(r.children ?? 0), staff: Number(r.staff ?? 0) }));
  return [...list.filter((g) => g.endedOn === null), ...list.filter((g) => g.endedOn !== null)];
}

export interface GroupDetails { id: number; unitId: number; name: string; endedOn: string | null; municipalityId: number }

export async function groupDetails(db: Db, groupId: number): Promise<GroupDetails | undefined> {
  const g = await db.selectFrom('groups').innerJoin('units', 'units.id', 'groups.unit_id')
    .select(['groups.id', 'groups.unit_id', 'groups.name', 'groups.ended_on', 'units.municipality_id'])
    .where('groups.id', '=', groupId).executeTakeFirst();
  return g && { id: g.id, unitId: g.unit_id, name: g.name, endedOn: g.ended_on, municipalityId: g.municipality_id };
}

export type AddGroupOutcome = NameOutcome | { ok: false; error: 'unit-closed' };

/** Adds a group to a unit that is not closed (its row locked first: a closing at the same moment waits, then counts it). */
export async function addGroup(db: Db, unitId: number, name: string, author: ChangeAuthor): Promise<AddGroupOutcome> {
  return uniqueName('groups.name', () => db.transaction().execute(async (trx): Promise<AddGroupOutcome> => {
    const unit = await lockedRows(trx, trx.selectFrom('units').select(['municipality_id', 'closed_on']).where('id', '=', unitId)).executeTakeFirstOrThrow();
    if (unit.closed_on !== null) return { ok: false, error: 'unit-closed' };
    const { id } = await trx.insertInto('groups').values({ unit_id: unitId, name }).returning('id').executeTakeFirstOrThrow();
    await recordRegisterChanges(trx, unit.municipality_id, author, [{ entity: 'group', entityId: id, change: 'created', newValue: name }]);
    return { ok: true, id };
  }));
}

export async function renameGroup(db: Db, groupId: number, name: string, author: ChangeAuthor): Promise<NameOutcome> {
  return uniqueName('groups.name', () => db.transaction().execute(async (trx) => {
    const before = await groupDetails(trx, groupId);
    if (!before) throw new Error(`no group ${groupId}`);
    if (before.name === name) return { ok: true, id: groupId };
    await trx.updateTable('groups').set({ name }).where('id', '=', groupId).execute();
    await recordRegisterChanges(trx, before.municipalityId, author, fieldChanges('group', groupId, { name: before.name }, { name }));
    return { ok: true, id: groupId };
  }));
}

export type EndOutcome = { ok: true } | { ok: false; error: 'has-children' | 'has-staff' | 'ended' };

/**
 * Ends a group that has no child placed today or later and no staff assigned today or later: it leaves the lists of
 * groups in use and keeps its history. The group's row is locked first: on PostgreSQL a placement or assignment being
 * added to it (which holds a lock on the row through its foreign key) is waited for, and the conditional statement that
 * follows, with a snapshot taken after the wait, counts it; one that comes after sees the group ended (admitsNewPeople).
 */
export async function endGroup(db: Db, groupId: number, today: string, author: ChangeAuthor): Promise<EndOutcome> {
  return db.transaction().execute(async (trx): Promise<EndOutcome> => {
    await lockedRows(trx, trx.selectFrom('groups').select('id').where('id', '=', groupId)).execute();
    const ended = await trx.updateTable('groups').set({ ended_on: today }).where('id', '=', groupId).where('ended_on', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('placements').select('placements.id').whereRef('placements.group_id', '=', 'groups.id')
        .where((p) => p.or([p('placements.end_date', 'is', null), p('placements.end_date', '>=', today)])))))
      .where((eb) => eb.not(eb.exists(eb.selectFrom('staff_assignments').select('staff_assignments.id').whereRef('staff_assignments.group_id', '=', 'groups.id')
        .where((s) => s.or([s('staff_assignments.end_date', 'is', null), s('staff_assignments.end_date', '>=', today)])))))
      .returning('name').executeTakeFirst();
    if (!ended) return { ok: false, error: await whyInUse(trx, groupId, today) };
    const group = await groupDetails(trx, groupId);
    await recordRegisterChanges(trx, group?.municipalityId ?? 0, author, [{ entity: 'group', entityId: groupId, change: 'ended', newValue: today }]);
    return { ok: true };
  });
}

async function whyInUse(trx: Db, groupId: number, today: string): Promise<'has-children' | 'has-staff' | 'ended'> {
  const group = await groupDetails(trx, groupId);
  if (group?.endedOn) return 'ended';
  const child = await trx.selectFrom('placements').select('id').where('group_id', '=', groupId)
    .where((p) => p.or([p('end_date', 'is', null), p('end_date', '>=', today)])).executeTakeFirst();
  return child ? 'has-children' : 'has-staff';
}

export type RemoveOutcome = { ok: true } | { ok: false; error: 'has-history' };

/**
 * Removes a group made by mistake: one that never had a placement or a staff assignment. A group with any history
 * (another module's rows about it: attendance, settings) is ended instead; the database refuses its removal.
 */
export async function removeGroup(db: Db, groupId: number, author: ChangeAuthor): Promise<RemoveOutcome> {
  try {
    return await db.transaction().execute(async (trx): Promise<RemoveOutcome> => {
      const group = await groupDetails(trx, groupId);
      if (!group) throw new Error(`no group ${groupId}`);
      const removed = await trx.deleteFrom('groups').where('id', '=', groupId)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('placements').select('placements.id').whereRef('placements.group_id', '=', 'groups.id'))))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('staff_assignments').select('staff_assignments.id').whereRef('staff_assignments.group_id', '=', 'groups.id'))))
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) return { ok: false, error: 'has-history' };
      await recordRegisterChanges(trx, group.municipalityId, author, [{ entity: 'group', entityId: groupId, change: 'removed', oldValue: group.name }]);
      return { ok: true };
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) return { ok: false, error: 'has-history' };
    throw error;
  }
}

/** `refused` when the database says a row is still referenced or references one that is gone (a foreign key). */
async function orIfReferenced<T, R>(refused: R, work: () => Promise<T>): Promise<T | R> {
  try {
    return await work();
  } catch (error) {
    if (isForeignKeyViolation(error)) return refused;
    throw error;
  }
}

/** A row that another table's rows still point at (SQLite's and PostgreSQL's codes). */
function isForeignKeyViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503';
}

/** A name another record already has comes back as 'name-taken', whoever took it first. */
async function uniqueName<T>(key: string, work: () => Promise<T>): Promise<T | { ok: false; error: 'name-taken' }> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, key)) return { ok: false, error: 'name-taken' };
    throw error;
  }
}
