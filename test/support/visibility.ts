// Who may see which child, written out by hand: the permission matrix and the fuzzer check every answer against it.
import assert from 'node:assert/strict';
import { today } from '../../server/kernel/clock.ts';
import type { TestApp } from './app.ts';

export const ACTORS = ['anonymous', 'admin', 'rektor', 'pedagog', 'pedagog2', 'pedagog3', 'vardnadshavare', 'vardnadshavare2',
  'vardnadshavare3', 'grannadmin', 'larare2b', 'fritids', 'rektor2', 'elev'] as const;
export type ActorName = (typeof ACTORS)[number];

/** Groups whose children each actor may see, written out by hand. */
export const VISIBLE_GROUPS: Record<ActorName, string[]> = {
  anonymous: [],
  admin: ['Blåbär', 'Lingon', 'Humlan', 'Myran', '2B', '4A', 'Lärkan'],
  rektor: ['Blåbär', 'Lingon'],
  pedagog: ['Blåbär'],
  pedagog2: ['Lingon'],
  pedagog3: ['Humlan'],
  vardnadshavare: [],
  vardnadshavare2: [],
  vardnadshavare3: [],
  grannadmin: ['Ekollon'],
  larare2b: ['2B'],
  fritids: ['Lärkan'],
  rektor2: ['Humlan', 'Myran'],
  elev: [],
};
/**
 * Children each actor may see outside those groups; the student sees themself (filled in by `loadChildren`). The
 * municipality's admin keeps the register of a child who has left (Linnea, whose placement ended last month): her
 * register and placement pages, until retention removes her; nobody else sees her.
 */
export const VISIBLE_CHILDREN: Record<ActorName, string[]> = {
  anonymous: [], admin: ['Linnea Slutberg'], rektor: [], pedagog: [], pedagog2: [], pedagog3: [],
  vardnadshavare: ['Elsa Andersson', 'Oskar Andersson'], vardnadshavare2: ['Elsa Andersson'], vardnadshavare3: ['Nora Haddad'],
  grannadmin: [], larare2b: [], fritids: [], rektor2: [], elev: [],
};

export interface PlacedChild {
  name: string; group: string; current: boolean;
  /** Kept out of every contact list: the child or a guardian has protected identity, or a guardian is the guardian of a child who has. */
  protectedFamily: boolean;
}

/** Every placed child with its group and whether the placement is current; reads the student's own name into VISIBLE_CHILDREN. */
export async function loadChildren(t: TestApp): Promise<PlacedChild[]> {
  const guardianships = await t.db.selectFrom('guardianships').innerJoin('persons as child', 'child.id', 'guardianships.child_id')
    .innerJoin('persons as guardian', 'guardian.id', 'guardianships.guardian_id')
    .select(['guardianships.child_id', 'guardianships.guardian_id', 'child.protected_identity as child_protected', 'guardian.protected_identity as guardian_protected'])
    .execute();
  const guardiansOfProtected = new Set(guardianships.filter((g) => g.child_protected === 1 || g.guardian_protected === 1).map((g) => g.guardian_id));
  const protectedFamily = new Set(guardianships.filter((g) => g.child_protected === 1 || guardiansOfProtected.has(g.guardian_id)).map((g) => g.child_id));
  const children = (await t.db.selectFrom('placements').innerJoin('persons', 'persons.id', 'placements.child_id')
    .innerJoin('groups', 'groups.id', 'placements.group_id')
    .select(['persons.id', 'persons.first_name', 'persons.last_name', 'persons.protected_identity', 'groups.name', 'placements.end_date']).execute())
    .map((r) => ({
      name: `${r.first_name} ${r.last_name}`, group: r.name, current: r.end_date === null || r.end_date >= today(t.clock),
      protectedFamily: r.protected_identity === 1 || protectedFamily.has(r.id),
    }));
  const student = await t.db.selectFrom('accounts').innerJoin('persons', 'persons.id', 'accounts.person_id')
    .select(['persons.first_name', 'persons.last_name']).where('accounts.username', '=', 'elev').executeTakeFirstOrThrow();
  VISIBLE_CHILDREN.elev = [`${student.first_name} ${student.last_name}`];
  return children;
}

/** A child is visible through a current placement in one of the actor's groups (Oskar is in 2B and in Lärkan), never an ended one. */
export function assertNamesOnlyVisibleChildren(children: PlacedChild[], html: string, actor: ActorName, route: string) {
  const visible = new Set([...VISIBLE_CHILDREN[actor],
    ...children.filter((c) => c.current && VISIBLE_GROUPS[actor].includes(c.group)).map((c) => c.name)]);
  for (const child of children) {
    if (visible.has(child.name)) continue;
    assert.ok(!html.includes(child.name), `${route} as ${actor} names ${child.name} (${child.group})`);
  }
}

/**
 * The contact list names the children placed in its group to the group's families, by design (issue 23): those are not
 * checked there. A child of a protected family (the child, a guardian, or a sibling with protected identity) stays
 * checked like on every page: the list must never name one. (Which guardians appear is test/contacts' to check.)
 */
export function notOnContactList(children: PlacedChild[], path: string, html: string): PlacedChild[] {
  const group = /^\/groups\/[^/]+\/contacts$/.test(path) ? /<h1>Kontaktlista: ([^<]+) <span/.exec(html)?.[1] : undefined;
  if (group === undefined) return children;
  const listed = new Set(children.filter((c) => c.current && c.group === group && !c.protectedFamily).map((c) => c.name));
  return children.filter((c) => !listed.has(c.name));
}
