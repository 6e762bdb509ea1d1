// The facts a group's contact list is made of (server/contacts/ decides what of them is shown): the group's staff and
// the head of its unit with their work contact details, and the children placed in the group today with their
// guardians' registered phone and e-mail. Never an address: no address column is read here.
import type { StaffRole } from '../../db/schema.ts';
import type { Db } from '../kernel/db.ts';
import { assignmentCountsOn, currentPlacements } from './relations.ts';

export interface ListedPerson { id: number; firstName: string; lastName: string; protectedIdentity: boolean; phone: string | null; email: string | null }
export interface ListedStaff extends ListedPerson { role: StaffRole }
export interface ListedChild { id: number; firstName: string; lastName: string; protectedIdentity: boolean; guardians: ListedPerson[] }
export interface GroupContactFacts {
  staff: ListedStaff[]; children: ListedChild[];
  /** Of the children's guardians, those who are the guardian of a child with protected identity (here or anywhere). */
  guardiansOfProtected: ReadonlySet<number>;
}

const contactColumns = ['persons.id', 'persons.first_name', 'persons.last_name', 'persons.protected_identity', 'persons.phone', 'persons.email'] as const;
const toPerson = (r: { id: number; first_name: string; last_name: string; protected_identity: number; phone: string | null; email: string | null }): ListedPerson => ({
  id: r.id, firstName: r.first_name, lastName: r.last_name, protectedIdentity: r.protected_identity === 1, phone: r.phone, email: r.email,
});
const collator = new Intl.Collator('sv', { sensitivity: 'base' });
const byName = (a: { firstName: string; lastName: string; id: number }, b: { firstName: string; lastName: string; id: number }) =>
  collator.compare(a.firstName, b.firstName) || collator.compare(a.lastName, b.lastName) || a.id - b.id;

/** The group's people on `today`: its staff (and its unit's heads), its children placed now, each child's guardians. */
export async function groupContactFacts(db: Db, groupId: number, unitId: number, today: string): Promise<GroupContactFacts> {
  const [staffRows, childRows] = await Promise.all([
    db.selectFrom('staff_assignments').innerJoin('persons', 'persons.id', 'staff_assignments.person_id')
      .select([...contactColumns, 'staff_assignments.role'])
      .where((eb) => eb.or([
        eb('staff_assignments.group_id', '=', groupId),
        eb.and([eb('staff_assignments.unit_id', '=', unitId), eb('staff_assignments.role', '=', 'unit_head')]),
      ]))
      .where(assignmentCountsOn(today)).execute(),
    currentPlacements(db, today).innerJoin('persons', 'persons.id', 'placements.child_id')
      .select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.protected_identity']).distinct()
      .where('placements.group_id', '=', groupId).where('placements.start_date', '<=', today).execute(),
  ]);
  const staff = new Map<number, ListedStaff>();
  for (const r of staffRows) {
    const known = staff.get(r.id);
    if (!known || r.role === 'unit_head') staff.set(r.id, { ...toPerson(r), role: known?.role === 'unit_head' ? 'unit_head' : r.role });
  }
  const childIds = childRows.map((c) => c.id);
  const guardianRows = childIds.length === 0 ? [] : await db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.guardian_id')
    .select([...contactColumns, 'guardianships.child_id']).where('guardianships.child_id', 'in', childIds)
    .orderBy('guardianships.other_household').orderBy('persons.id').execute();
  const guardianIds = [...new Set(guardianRows.map((g) => g.id))];
  const ofProtected = guardianIds.length === 0 ? [] : await db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.child_id')
    .select('guardianships.guardian_id').distinct().where('guardianships.guardian_id', 'in', guardianIds).where('persons.protected_identity', '=', 1).execute();
  const children = childRows.map((c): ListedChild => ({
    id: c.id, firstName: c.first_name, lastName: c.last_name, protectedIdentity: c.protected_identity === 1,
    guardians: guardianRows.filter((g) => g.child_id === c.id).map(toPerson),
  }));
  return {
    staff: [...staff.values()].sort((a, b) => (a.role === b.role ? byName(a, b) : a.role === 'unit_head' ? 1 : -1)),
    children: children.sort(byName),
    guardiansOfProtected: new Set(ofProtected.map((r) => r.guardian_id)),
  };
}

/** Whether the person is the legal guardian of any child, and of any child with protected identity. */
export async function guardianFacts(db: Db, personId: number): Promise<{ guardian: boolean; ofProtectedChild: boolean; person: ListedPerson | undefined }> {
  const [children, person] = await Promise.all([
    db.selectFrom('guardianships').innerJoin('persons', 'persons.id', 'guardianships.child_id')
      .select('persons.protected_identity').where('guardianships.guardian_id', '=', personId).execute(),
    db.selectFrom('persons').select(contactColumns).where('persons.id', '=', personId).executeTakeFirst(),
  ]);
  return { guardian: children.length > 0, ofProtectedChild: children.some((c) => c.protected_identity === 1), person: person && toPerson(person) };
}
