// A child's legal guardian as the admin and the child's unit head manage them after linking (server/children/): the
// guardian's contact details, address (never read for a guardian with protected identity), household and protected
// identity, ending the guardianship with a reason, and the guardian's history. Every change is written with its
// history (register-changes.ts) in the same transaction.
import { lockedRows } from '../../db/sql.ts';
import type { Db } from '../kernel/db.ts';
import { fieldChanges, recordRegisterChanges, type ChangeAuthor, type RegisterChange } from './register-changes.ts';

export interface GuardianOfChild {
  id: number; childId: number; guardianshipId: number; firstName: string; lastName: string; identityNumber: string | null;
  protectedIdentity: boolean; email: string | null; phone: string | null;
  /** The child's protected identity (a guardian living with the child shares the child's address). */
  childProtectedIdentity: boolean;
  /** Null when none is stored, and always for a guardian with protected identity (it is not read). */
  address: { street: string; postalCode: string; city: string } | null;
  otherHousehold: boolean;
  /** How many other children the person is a guardian of (their details are the same for all). */
  otherChildren: number;
  /** How many guardians the child has, this one included. */
  guardiansOfChild: number;
}

/** The guardian as a guardian of this child; undefined when they are not (or no longer) the child's guardian. */
export async function guardianOfChild(db: Db, childId: number, guardianId: number): Promise<GuardianOfChild | undefined> {
  const row = await db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
    .select(['guardianships.id as guardianship_id', 'guardianships.other_household', 'persons.id', 'persons.first_name', 'persons.last_name',
      'persons.identity_number', 'persons.protected_identity', 'persons.email', 'persons.phone', 'persons.street_address', 'persons.postal_code',
      'persons.city'])
    .where('guardianships.child_id', '=', childId).where('guardianships.guardian_id', '=', guardianId).executeTakeFirst();
  if (!row) return undefined;
  const [children, guardians, child] = await Promise.all([
    db.selectFrom('guardianships').select((eb) => eb.fn.countAll<number | string>().as('count')).where('guardian_id', '=', guardianId).executeTakeFirstOrThrow(),
    db.selectFrom('guardianships').select((eb) => eb.fn.countAll<number | string>().as('count')).where('child_id', '=', childId).executeTakeFirstOrThrow(),
    db.selectFrom('persons').select('protected_identity').where('id', '=', childId).executeTakeFirstOrThrow(),
  ]);
  const protectedIdentity = row.protected_identity === 1;
  return {
    id: row.id, childId, guardianshipId: row.guardianship_id, firstName: row.first_name, lastName: row.last_name, identityNumber: row.identity_number,
    protectedIdentity, email: row.email, phone: row.phone, childProtectedIdentity: child.protected_identity === 1,
    address: protectedIdentity || row.street_address === null ? null
      : { street: row.street_address, postalCode: row.postal_code ?? '', city: row.city ?? '' },
    otherHousehold: row.other_household === 1, otherChildren: Number(children.count) - 1, guardiansOfChild: Number(guardians.count),
  };
}

export interface GuardianChange {
  email: string | null; phone: string | null; otherHousehold: boolean; protectedIdentity: boolean;
  /** Left out for a guardian with protected identity: the address is not shown, so not changed here. */
  address?: { street: string; postalCode: string; city: string } | null;
}

export type GuardianChangeResult = { ok: true; changed: number } | { ok: false; error: 'gone' };

const ADDRESS_FIELDS = new Set(['street_address', 'postal_code', 'city']);
const CONTACT_FIELDS = new Set(['email', 'phone']);

/**
 * Changes the guardian's contact details, address and protected identity (the person's, so for each child they are a
 * guardian of) and whether they live in another household than this child. The history keeps every changed field; an
 * address only as changed (the history is shown on pages), and the contact details of a guardian with protected
 * identity too.
 */
export async function changeGuardian(db: Db, childId: number, guardianId: number, municipalityId: number, c: GuardianChange,
  author: ChangeAuthor): Promise<GuardianChangeResult> {
  return db.transaction().execute(async (trx): Promise<GuardianChangeResult> => {
    const guardianship = await lockedRows(trx, trx.selectFrom('guardianships').select(['id', 'other_household'])
      .where('child_id', '=', childId).where('guardian_id', '=', guardianId)).executeTakeFirst();
    if (!guardianship) return { ok: false, error: 'gone' };
    const before = await lockedRows(trx, trx.selectFrom('persons')
      .select(['email', 'phone', 'protected_identity', 'street_address', 'postal_code', 'city']).where('id', '=', guardianId)).executeTakeFirstOrThrow();
    const after = {
      email: c.email, phone: c.phone, protected_identity: c.protectedIdentity ? 1 : 0,
      ...(c.address === undefined || before.protected_identity === 1 ? {}
        : { street_address: c.address?.street ?? null, postal_code: c.address?.postalCode ?? null, city: c.address?.city ?? null }),
    };
    const hidden = before.protected_identity === 1 || c.protectedIdentity;
    const changes: RegisterChange[] = [
      ...fieldChanges('person', guardianId, before, after).map((change) => (ADDRESS_FIELDS.has(change.field ?? '')
        || (hidden && CONTACT_FIELDS.has(change.field ?? '')) ? { ...change, oldValue: null, newValue: null } : change)),
      ...fieldChanges('guardianship', guardianship.id, { other_household: guardianship.other_household }, { other_household: c.otherHousehold ? 1 : 0 }),
    ];
    if (changes.length === 0) return { ok: true, changed: 0 };
    await trx.updateTable('persons').set(after).where('id', '=', guardianId).execute();
    await trx.updateTable('guardianships').set({ other_household: c.otherHousehold ? 1 : 0 }).where('id', '=', guardianship.id).execute();
    await recordRegisterChanges(trx, municipalityId, author, changes);
    return { ok: true, changed: changes.length };
  });
}

export type GuardianshipEndResult = { ok: true; remaining: number } | { ok: false; error: 'gone' | 'last-guardian' };

/**
 * Ends the guardianship in the caller's transaction: the row goes, so the person's access to the child ends with the
 * next request; the history keeps the child's and the guardian's ids and the reason. The child's last guardian ends
 * only when `confirmedLast` says the person knows the child is left without one. The child's row is locked first, so
 * two guardians ended at the same moment cannot both see the other one left.
 */
export async function endGuardianship(trx: Db, childId: number, guardianId: number, municipalityId: number,
  end: { reason: string; confirmedLast: boolean }, author: ChangeAuthor): Promise<GuardianshipEndResult> {
  await lockedRows(trx, trx.selectFrom('persons').select('id').where('id', '=', childId)).execute();
  const guardianships = await lockedRows(trx, trx.selectFrom('guardianships').select(['id', 'guardian_id']).where('child_id', '=', childId)).execute();
  const ending = guardianships.find((g) => g.guardian_id === guardianId);
  if (!ending) return { ok: false, error: 'gone' };
  if (guardianships.length === 1 && !end.confirmedLast) return { ok: false, error: 'last-guardian' };
  await trx.deleteFrom('guardianships').where('id', '=', ending.id).execute();
  await recordRegisterChanges(trx, municipalityId, author, [
    { entity: 'guardianship', entityId: ending.id, change: 'removed', field: 'child_id', oldValue: childId },
    { entity: 'guardianship', entityId: ending.id, change: 'removed', field: 'guardian_id', oldValue: guardianId },
    { entity: 'guardianship', entityId: ending.id, change: 'removed', field: 'end_reason', newValue: end.reason },
  ]);
  return { ok: true, remaining: guardianships.length - 1 };
}

export interface GuardianChangeRow {
  id: number; entity: 'person' | 'guardianship'; change: string; field: string | null; oldValue: string | null; newValue: string | null;
  source: string; changedByName: string | null; changedAt: string;
}

/**
 * The guardian's history as this child's guardian: the changes of the person's own record and of this guardianship,
 * newest first (not their guardianships of other children, which are those children's).
 */
export async function guardianHistory(db: Db, guardianId: number, guardianshipId: number, limit = 200): Promise<GuardianChangeRow[]> {
  const rows = await db.selectFrom('register_changes as c').leftJoin('persons as p', 'p.id', 'c.changed_by')
    .select(['c.id', 'c.entity', 'c.change', 'c.field', 'c.old_value', 'c.new_value', 'c.source', 'c.changed_at', 'p.first_name', 'p.last_name'])
    .where((eb) => eb.or([
      eb.and([eb('c.entity', '=', 'person'), eb('c.entity_id', '=', guardianId)]),
      eb.and([eb('c.entity', '=', 'guardianship'), eb('c.entity_id', '=', guardianshipId)]),
    ]))
    .orderBy('c.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id, entity: r.entity === 'person' ? 'person' : 'guardianship', change: r.change, field: r.field, oldValue: r.old_value, newValue: r.new_value,
    source: r.source, changedByName: r.first_name === null ? null : `${r.first_name} ${r.last_name}`, changedAt: r.changed_at,
  }));
}
