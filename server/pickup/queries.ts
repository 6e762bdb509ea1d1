// The pickup list, emergency contacts, who may not pick up and walking home alone (server/pickup/): the SQL of the
// pickup_persons, pickup_bans and walk_home_permissions tables, and their locators.
import { prepared, type Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { personName } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';

// (a removed person is still found, for its guardians only: a change posted after the other guardian removed them is
// said, with what was typed kept, not a 404)
const pickupPersonChild = prepared((db: Db, id: number) => db.selectFrom('pickup_persons').select('child_id').where('id', '=', id));
const pickupBanPlace = prepared((db: Db, id: number) => db.selectFrom('pickup_bans').select(['child_id', 'unit_id']).where('id', '=', id));

async function locatePickupPerson(db: Db, id: number, today: string): Promise<Location | null> {
  const [row] = await pickupPersonChild(db, id);
  return row ? locateChild(db, row.child_id, today) : null;
}

/** A ban sits where its child is, in the unit it was recorded in only (a head of another unit of the child's does not end it). */
async function locatePickupBan(db: Db, id: number, today: string): Promise<Location | null> {
  const [row] = await pickupBanPlace(db, id);
  if (!row) return null;
  const child = await locateChild(db, row.child_id, today);
  const groups = child?.groups?.filter((g) => g.unitId === row.unit_id) ?? [];
  if (!child || groups.length === 0) return null;
  return { ...child, unitIds: [row.unit_id], groupIds: groups.map((g) => g.id), groups };
}

/** The records of this module that routes name by id. */
export const pickupLocators = { pickupPerson: locatePickupPerson, pickupBan: locatePickupBan } satisfies Partial<Locators>;

// ---------------------------------------------------------------------------------------------------------------------
// The pickup list and emergency contacts

/** A live person on a child's pickup list or emergency contacts. */
export interface PickupPerson { id: number; childId: number; kind: 'pickup' | 'emergency'; name: string; relation: string; phone: string; version: number }

const personColumns = ['id', 'child_id', 'kind', 'name', 'relation', 'phone', 'version'] as const;
type PersonRow = { id: number; child_id: number; kind: 'pickup' | 'emergency'; name: string; relation: string; phone: string; version: number };
const toPerson = (r: PersonRow): PickupPerson => ({ id: r.id, childId: r.child_id, kind: r.kind, name: r.name, relation: r.relation, phone: r.phone, version: r.version });

const livePersonsOfChild = prepared((db: Db, childId: number) => db.selectFrom('pickup_persons').select(personColumns)
  .where('child_id', '=', childId).where('removed_at', 'is', null).orderBy('id'));

/** The child's live pickup persons and emergency contacts, in the order they were added. */
export async function pickupPersonsOf(db: Db, childId: number): Promise<PickupPerson[]> {
  return (await livePersonsOfChild(db, childId)).map(toPerson);
}

/** The live pickup persons and emergency contacts of each child, in the order they were added. */
export async function pickupPersonsOfChildren(db: Db, childIds: readonly number[]): Promise<PickupPerson[]> {
  if (childIds.length === 0) return [];
  const rows = await db.selectFrom('pickup_persons').select(personColumns)
    .where('child_id', 'in', childIds).where('removed_at', 'is', null).orderBy('child_id').orderBy('id').execute();
  return rows.map(toPerson);
}

const livePersonById = prepared((db: Db, id: number) => db.selectFrom('pickup_persons').select(personColumns)
  .where('id', '=', id).where('removed_at', 'is', null));

/** The person while on the list; undefined once removed (or never there). */
export async function pickupPersonById(db: Db, id: number): Promise<PickupPerson | undefined> {
  const [row] = await livePersonById(db, id);
  return row && toPerson(row);
}

const anyPersonById = prepared((db: Db, id: number) => db.selectFrom('pickup_persons').select([...personColumns, 'removed_at']).where('id', '=', id));

/** The person, removed or not (a form posted after a removal). */
export async function pickupPersonEverById(db: Db, id: number): Promise<(PickupPerson & { removed: boolean }) | undefined> {
  const [row] = await anyPersonById(db, id);
  return row && { ...toPerson(row), removed: row.removed_at !== null };
}

export interface NewPickupPerson { childId: number; kind: 'pickup' | 'emergency'; name: string; relation: string; phone: string }

export async function addPickupPerson(db: Db, person: NewPickupPerson, by: number, at: Date): Promise<number> {
  const when = at.toISOString();
  const { id } = await db.insertInto('pickup_persons').values({
    child_id: person.childId, kind: person.kind, name: person.name, relation: person.relation, phone: person.phone,
    created_by: by, created_at: when, updated_by: by, updated_at: when,
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Saves the person's new name, relation and phone unless removed or saved by someone since `version` (false then). */
export async function changePickupPerson(
  db: Db, id: number, version: number, change: { name: string; relation: string; phone: string; by: number; at: Date },
): Promise<boolean> {
  const saved = await db.updateTable('pickup_persons')
    .set((eb) => ({ name: change.name, relation: change.relation, phone: change.phone, updated_by: change.by,
      updated_at: change.at.toISOString(), version: eb('version', '+', 1) }))
    .where('id', '=', id).where('version', '=', version).where('removed_at', 'is', null).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1;
}

/** Removes the person from the list (the row stays) unless removed or saved by someone since `version` (false then). */
export async function removePickupPerson(db: Db, id: number, version: number, by: number, at: Date): Promise<boolean> {
  const when = at.toISOString();
  const saved = await db.updateTable('pickup_persons')
    .set((eb) => ({ removed_at: when, updated_by: by, updated_at: when, version: eb('version', '+', 1) }))
    .where('id', '=', id).where('version', '=', version).where('removed_at', 'is', null).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------------------------------------------------------------
// Who may not pick up

export interface PickupBan { id: number; childId: number; unitId: number; name: string; reason: string; recordedBy: number; recordedAt: string; endedAt: string | null }
export interface ListedBan extends PickupBan { recordedByName: string | null; endedByName: string | null }

const banColumns = ['id', 'child_id', 'unit_id', 'name', 'reason', 'recorded_by', 'recorded_at', 'ended_at'] as const;
type BanRow = { id: number; child_id: number; unit_id: number; name: string; reason: string; recorded_by: number; recorded_at: string; ended_at: string | null };
const toBan = (r: BanRow): PickupBan => ({
  id: r.id, childId: r.child_id, unitId: r.unit_id, name: r.name, reason: r.reason, recordedBy: r.recorded_by, recordedAt: r.recorded_at, endedAt: r.ended_at,
});

const bansOfChild = prepared((db: Db, childId: number) => db.selectFrom('pickup_bans')
  .select((eb) => [...banColumns, personName(eb, 'pickup_bans.recorded_by').as('recorded_by_name'), personName(eb, 'pickup_bans.ended_by').as('ended_by_name')])
  .where('child_id', '=', childId).orderBy('recorded_at', 'desc').orderBy('id', 'desc'));

/** Every ban of the child (in any unit) with who recorded and ended it, current ones first, each part newest first. */
export async function pickupBansOf(db: Db, childId: number): Promise<ListedBan[]> {
  const all = (await bansOfChild(db, childId)).map((r) => ({ ...toBan(r), recordedByName: r.recorded_by_name, endedByName: r.ended_by_name }));
  return [...all.filter((b) => b.endedAt === null), ...all.filter((b) => b.endedAt !== null)];
}

/** The current (not ended) bans of the children, oldest first. */
export async function currentBansOfChildren(db: Db, childIds: readonly number[]): Promise<PickupBan[]> {
  if (childIds.length === 0) return [];
  const rows = await db.selectFrom('pickup_bans').select(banColumns)
    .where('child_id', 'in', childIds).where('ended_at', 'is', null).orderBy('child_id').orderBy('id').execute();
  return rows.map(toBan);
}

const banById = prepared((db: Db, id: number) => db.selectFrom('pickup_bans').select(banColumns).where('id', '=', id));

export async function pickupBanById(db: Db, id: number): Promise<PickupBan | undefined> {
  const [row] = await banById(db, id);
  return row && toBan(row);
}

export async function addPickupBan(db: Db, ban: { childId: number; unitId: number; name: string; reason: string }, by: number, at: Date): Promise<number> {
  const { id } = await db.insertInto('pickup_bans').values({
    child_id: ban.childId, unit_id: ban.unitId, name: ban.name, reason: ban.reason, recorded_by: by, recorded_at: at.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Ends the ban unless it already ended (false then). */
export async function endPickupBan(db: Db, id: number, by: number, at: Date): Promise<boolean> {
  const saved = await db.updateTable('pickup_bans').set({ ended_at: at.toISOString(), ended_by: by })
    .where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst();
  return Number(saved.numUpdatedRows) === 1;
}

// ---------------------------------------------------------------------------------------------------------------------
// Walking home alone from fritids

const walkHomeRow = prepared((db: Db, childId: number) => db.selectFrom('walk_home_permissions')
  .select(['child_id', 'allowed_by', 'allowed_at']).where('child_id', '=', childId));

export async function walkHomePermission(db: Db, childId: number): Promise<{ allowedBy: number; allowedAt: string } | undefined> {
  const [row] = await walkHomeRow(db, childId);
  return row && { allowedBy: row.allowed_by, allowedAt: row.allowed_at };
}

/** The children of `childIds` a guardian allowed to walk home alone. */
export async function childrenAllowedToWalkHome(db: Db, childIds: readonly number[]): Promise<Set<number>> {
  if (childIds.length === 0) return new Set();
  const rows = await db.selectFrom('walk_home_permissions').select('child_id').where('child_id', 'in', childIds).execute();
  return new Set(rows.map((r) => r.child_id));
}

/** Sets the guardian's yes (true: a row) or no (false: none); whether anything changed. */
export async function setWalkHome(db: Db, childId: number, allowed: boolean, by: number, at: Date): Promise<boolean> {
  if (!allowed) {
    const gone = await db.deleteFrom('walk_home_permissions').where('child_id', '=', childId).executeTakeFirst();
    return Number(gone.numDeletedRows) > 0;
  }
  const existing = await walkHomePermission(db, childId);
  if (existing) return false;
  await db.insertInto('walk_home_permissions').values({ child_id: childId, allowed_by: by, allowed_at: at.toISOString() }).execute();
  return true;
}

// ---------------------------------------------------------------------------------------------------------------------
// The register extract and retention

export interface PersonForExtract extends PickupPerson { createdBy: number; createdAt: string; updatedAt: string; removedAt: string | null }

/** Every person the children's guardians put on the lists (removed ones too), in the order added. */
export async function pickupPersonsForExtract(db: Db, childIds: readonly number[]): Promise<PersonForExtract[]> {
  if (childIds.length === 0) return [];
  const rows = await db.selectFrom('pickup_persons').select([...personColumns, 'created_by', 'created_at', 'updated_at', 'removed_at'])
    .where('child_id', 'in', childIds).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ ...toPerson(r), createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at, removedAt: r.removed_at }));
}

/** The children's walk-home yes, with who gave it and when. */
export async function walkHomeForExtract(db: Db, childIds: readonly number[]): Promise<{ childId: number; allowedBy: number; allowedAt: string }[]> {
  if (childIds.length === 0) return [];
  const rows = await db.selectFrom('walk_home_permissions').select(['child_id', 'allowed_by', 'allowed_at']).where('child_id', 'in', childIds).execute();
  return rows.map((r) => ({ childId: r.child_id, allowedBy: r.allowed_by, allowedAt: r.allowed_at }));
}

/** Removes the children's pickup lists, bans and walk-home answers (retention, in the caller's transaction); how many rows went. */
export async function removePickupOf(db: Db, childIds: readonly number[]): Promise<number> {
  if (childIds.length === 0) return 0;
  const walk = await db.deleteFrom('walk_home_permissions').where('child_id', 'in', childIds).executeTakeFirst();
  const bans = await db.deleteFrom('pickup_bans').where('child_id', 'in', childIds).executeTakeFirst();
  const persons = await db.deleteFrom('pickup_persons').where('child_id', 'in', childIds).executeTakeFirst();
  return Number(walk.numDeletedRows) + Number(bans.numDeletedRows) + Number(persons.numDeletedRows);
}
