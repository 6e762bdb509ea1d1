// Who a message can reach, found through "who is who" (server/people) and the accounts (server/accounts): the staff of
// a child's groups for its guardian, the guardians of a child for its staff, and everyone a bulletin goes to. Only open
// accounts are reached; a person without one is not offered.
import { findSignedInAccount, openAccountsOf } from '../accounts/queries.ts';
import type { Db } from '../kernel/db.ts';
import type { PlacedGroup } from '../kernel/policy.ts';
import { childrenInGroup, groupPage, groupsOfUnit, guardiansOfChildren, unitHeadPersons } from '../people/queries.ts';
import { loadActor, locateChild } from '../people/relations.ts';
import { roleNow, type Audience, type Participant, type Role, type ThreadPlace } from './rules.ts';

/** The name an account is shown by, as a piece of a query (the accounts module's). */
export { accountName } from '../accounts/queries.ts';

async function accountsByPerson(db: Db, personIds: readonly number[]): Promise<Map<number, number[]>> {
  const byPerson = new Map<number, number[]>();
  for (const account of await openAccountsOf(db, [...new Set(personIds)])) {
    byPerson.set(account.personId, [...(byPerson.get(account.personId) ?? []), account.id]);
  }
  return byPerson;
}

/** The staff of a group today (not ended assignments), each with their open accounts. */
async function staffOfGroup(db: Db, groupId: number, today: string): Promise<{ name: string; accountIds: number[] }[]> {
  const page = await groupPage(db, groupId, today);
  if (!page) return [];
  const accounts = await accountsByPerson(db, page.staff.map((s) => s.id));
  const seen = new Set<number>();
  return page.staff.filter((s) => !seen.has(s.id) && seen.add(s.id)).map((s) => ({ name: s.name, accountIds: accounts.get(s.id) ?? [] }))
    .filter((s) => s.accountIds.length > 0);
}

/**
 * Whom a user may write to about a child. A guardian: the staff of each of the child's groups. Staff: the child's
 * guardians with an account (the writer's own account left out).
 */
export async function audienceForChild(
  db: Db, childId: number, role: 'guardian' | 'staff', groups: readonly (PlacedGroup & { name: string })[], today: string, self: number,
): Promise<Audience> {
  if (role === 'guardian') {
    const result: Extract<Audience, { role: 'guardian' }>['groups'] = [];
    for (const group of groups) {
      const staff = (await staffOfGroup(db, group.id, today)).flatMap((s) => s.accountIds.map((accountId) => ({ accountId, name: s.name })))
        .filter((s) => s.accountId !== self);
      result.push({ id: group.id, name: group.name, unitId: group.unitId, staff });
    }
    return { role: 'guardian', groups: result };
  }
  const guardians = (await guardiansOfChildren(db, [childId])).get(childId) ?? [];
  const accounts = await accountsByPerson(db, guardians.map((g) => g.id));
  return {
    role: 'staff',
    guardians: guardians.flatMap((g) => (accounts.get(g.id) ?? []).map((accountId) => ({ accountId, name: `${g.firstName} ${g.lastName}` })))
      .filter((g) => g.accountId !== self),
  };
}

/** The guardians' accounts of the children placed in the groups today. */
async function guardianAccountsOfGroups(db: Db, groupIds: readonly number[], today: string): Promise<number[]> {
  const childIds: number[] = [];
  for (const groupId of groupIds) childIds.push(...(await childrenInGroup(db, groupId, today)).map((c) => c.id));
  const guardians = await guardiansOfChildren(db, [...new Set(childIds)]);
  const personIds = [...guardians.values()].flatMap((list) => list.map((g) => g.id));
  return [...(await accountsByPerson(db, personIds)).values()].flat();
}

/**
 * Everyone a bulletin reaches: the guardians of the children placed in the group (or the unit's groups) today, and the
 * staff of the group (of the unit, its heads too), who see the guardians' replies. A person both staff and guardian
 * takes part as staff.
 */
export async function bulletinAudience(db: Db, place: { groupId: number } | { unitId: number }, today: string): Promise<Participant[]> {
  const groupIds = 'groupId' in place ? [place.groupId] : (await groupsOfUnit(db, place.unitId)).map((g) => g.id);
  const staff = await staffOfPlace(db, groupIds, 'unitId' in place ? place.unitId : null, today);
  const guardians = (await guardianAccountsOfGroups(db, groupIds, today)).filter((id) => !staff.has(id));
  return [...[...staff].map((accountId) => ({ accountId, role: 'staff' as const })), ...[...new Set(guardians)].map((accountId) => ({ accountId, role: 'guardian' as const }))];
}

/** The accounts of the staff of the groups today, and of the unit's heads when a unit is named. */
async function staffOfPlace(db: Db, groupIds: readonly number[], unitId: number | null, today: string): Promise<Set<number>> {
  const staff = new Set<number>();
  for (const groupId of groupIds) for (const s of await staffOfGroup(db, groupId, today)) for (const id of s.accountIds) staff.add(id);
  if (unitId !== null) {
    const heads = await accountsByPerson(db, await unitHeadPersons(db, [unitId], today));
    for (const id of [...heads.values()].flat()) staff.add(id);
  }
  return staff;
}

/**
 * The staff there today, whom a family's reply reaches when none of the thread's own staff is left (they changed
 * groups, left the unit): in a thread about a child, the staff of its group (or of the child's groups in its unit); in
 * a bulletin, of its group (its unit and the unit's heads).
 */
export async function staffThereNow(db: Db, thread: ThreadPlace, today: string): Promise<number[]> {
  if (thread.kind === 'bulletin') {
    const groupIds = thread.groupId !== null ? [thread.groupId] : thread.unitId !== null ? (await groupsOfUnit(db, thread.unitId)).map((g) => g.id) : [];
    return [...await staffOfPlace(db, groupIds, thread.groupId === null ? thread.unitId : null, today)];
  }
  if (thread.childId === null) return [];
  // The thread belongs to its group and unit: its group's staff if the child is there today, else the staff of the
  // child's groups in the same unit — never a school the child has moved on to, nor one it starts at later.
  const placed = ((await locateChild(db, thread.childId, today))?.groups ?? [])
    .filter((g) => g.started && g.municipalityId === thread.municipalityId && g.unitId === thread.unitId);
  const inItsGroup = placed.filter((g) => g.id === thread.groupId);
  return [...await staffOfPlace(db, (inItsGroup.length ? inItsGroup : placed).map((g) => g.id), null, today)];
}

/**
 * Which of the accounts may take part in the thread today, each with the role it takes part as (rules.ts roleNow): a
 * guardian whose custody ended or whose child left the bulletin's group, staff who no longer work there, a closed
 * account, are not in the answer. A bulletin's guardians are found in one query (one taking part as a guardian and
 * still one there needs nothing more: `roles`, the roles they take part as); everyone else by their relations.
 */
export async function takingPartNow(
  db: Db, thread: ThreadPlace, accountIds: readonly number[], today: string, roles: ReadonlyMap<number, Role> = new Map(),
): Promise<Map<number, Role>> {
  const now = new Map<number, Role>();
  if (accountIds.length === 0) return now;
  const childGroups = thread.kind === 'direct' && thread.childId !== null ? ((await locateChild(db, thread.childId, today))?.groups ?? []) : [];
  let guardiansThere = new Set<number>();
  if (thread.kind === 'bulletin') {
    const groupIds = thread.groupId !== null ? [thread.groupId] : thread.unitId !== null ? (await groupsOfUnit(db, thread.unitId)).map((g) => g.id) : [];
    guardiansThere = new Set(await guardianAccountsOfGroups(db, groupIds, today));
  }
  for (const accountId of new Set(accountIds)) {
    if (roles.get(accountId) === 'guardian' && guardiansThere.has(accountId)) {
      now.set(accountId, 'guardian'); // (a closed account has no guardian's account there: openAccountsOf)
      continue;
    }
    const account = await findSignedInAccount(db, accountId);
    if (!account) continue; // (closed)
    const actor = await loadActor(db, { id: account.id, person_id: account.personId }, 'password', today);
    const role = roleNow(thread, actor, childGroups, guardiansThere.has(accountId));
    if (role) now.set(accountId, role);
  }
  return now;
}
