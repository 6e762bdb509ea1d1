// The one place that decides who may do what. It reads the action table and the facts of the user and the record;
// it knows no SQL: the people module gathers the facts (see server/people/relations.ts).
import { actionDefinition, type Action, type GroupScope, type Rule } from './actions.ts';

export type AuthLevel = 'password' | 'strong';

/** The signed-in user, with every relation the rules need, loaded once per request. */
export interface Actor {
  accountId: number;
  personId: number;
  authLevel: AuthLevel;
  /**
   * The municipalities whose own e-ID login (or passkey setting) made the session strong: a strong login counts for
   * their records only, as each municipality decides which logins are strong (empty on a weak session).
   */
  strongIn: ReadonlySet<number>;
  adminOf: ReadonlySet<number>;        // municipality ids
  headOf: ReadonlySet<number>;         // unit ids
  staffUnits: ReadonlySet<number>;     // unit ids where the user has any assignment
  staffGroups: ReadonlySet<number>;    // group ids
  guardianOf: ReadonlyMap<number, { otherHousehold: boolean }>; // child id -> guardianship
  isStudent: boolean;                  // the user's person is a child with a placement
}

/** Where a record sits in the organisation, and whose it is. */
export interface Location {
  municipalityId: number;
  unitIds: readonly number[];
  groupIds: readonly number[];
  /** Children the record belongs to: the child itself, or the children of a group. */
  childIds: readonly number[];
  /** For details of a person seen beside a child. */
  person?: { id: number; protectedIdentity: boolean; otherHousehold: boolean };
  /** A child's groups, each where it sits, for an action that counts only some of them (`only` in actions.ts). */
  groups?: readonly PlacedGroup[];
  /** The group a request names, for a 'chosen-group' action (the guard reads it from the form). */
  chosenGroupId?: number;
  /** The accounts taking part in the record (a message thread's participants), for the rule 'participant'. */
  accountIds?: readonly number[];
}

/** A group a child is placed in: its unit and the unit's kind and municipality, and whether the placement has started. */
export interface PlacedGroup { id: number; unitId: number; unitKind: string; municipalityId: number; started: boolean }

export type Decision = 'allow' | 'deny' | 'needs-strong-login';

/**
 * `municipalityAsksStrongLogin`: for an action whose strong login is a 'municipality-setting', whether the record's
 * municipality turned it on (the guard asks; without it, the setting counts as off).
 */
export function decide(actor: Actor | undefined, action: Action, location: Location | null, municipalityAsksStrongLogin = false): Decision {
  if (!actor) return 'deny';
  const definition = actionDefinition(action);
  if (definition.target !== 'none' && !location) return 'deny';
  const places = location && definition.only ? countedGroups(location, definition.only) : [location];
  const protectedPerson = location?.person?.protectedIdentity ?? false;
  if (protectedPerson && definition.protectedIdentity === 'hide') return 'deny';
  const rules = protectedPerson && definition.protectedIdentity === 'staff-only'
    ? definition.allow.filter((rule) => rule !== 'same-household-guardian' && rule !== 'guardian-of-child')
    : definition.allow;
  if (!places.some((at) => rules.some((rule) => ruleHolds(rule, actor, at)))) return 'deny';
  const strong = definition.strongLogin === true || (definition.strongLogin === 'municipality-setting' && municipalityAsksStrongLogin);
  if (strong && !isStrongFor(actor, location)) return 'needs-strong-login';
  return 'allow';
}

/** Whether the actor's login is strong for the record: made strong by the record's own municipality. */
export function isStrongFor(actor: Actor, location: Pick<Location, 'municipalityId'> | null): boolean {
  return actor.authLevel === 'strong' && (location === null || actor.strongIn.has(location.municipalityId));
}

export function allows(actor: Actor | undefined, action: Action, location: Location | null): boolean {
  return decide(actor, action, location) === 'allow';
}

/**
 * The record as each group the action counts sees it: that group, its unit and its municipality (a child may be placed
 * in two municipalities); none when the child is in no such group.
 */
function countedGroups(location: Location, only: GroupScope): Location[] {
  const counted = (group: PlacedGroup) => (only.scope === 'school-groups' ? group.unitKind === 'school' && group.started
    : group.id === location.chosenGroupId);
  return (location.groups ?? []).filter(counted).map((group) => ({
    ...location, municipalityId: group.municipalityId, unitIds: [group.unitId], groupIds: [group.id], groups: [group],
  }));
}

function ruleHolds(rule: Rule, actor: Actor, at: Location | null): boolean {
  if (rule === 'signed-in') return true;
  if (rule === 'any-admin') return actor.adminOf.size > 0;
  if (rule === 'any-staff') return actor.staffUnits.size > 0 || actor.headOf.size > 0;
  if (!at) return false;
  switch (rule) {
    case 'guardian-of-child':
      return at.childIds.some((id) => actor.guardianOf.has(id));
    case 'student-self':
      return actor.isStudent && at.childIds.includes(actor.personId);
    case 'staff-of-group':
      return at.groupIds.some((id) => actor.staffGroups.has(id));
    case 'staff-of-unit':
      return at.unitIds.some((id) => actor.staffUnits.has(id));
    case 'head-of-unit':
      return at.unitIds.some((id) => actor.headOf.has(id));
    case 'admin-of-municipality':
      return actor.adminOf.has(at.municipalityId);
    case 'self':
      return at.person?.id === actor.personId;
    case 'same-household-guardian':
      return sameHousehold(actor, at);
    case 'participant':
      return at.accountIds?.includes(actor.accountId) ?? false;
  }
}

/** A guardian in the child's registered household, looking at that household's details (never another's). */
function sameHousehold(actor: Actor, at: Location): boolean {
  if (!at.person || at.childIds.length !== 1) return false;
  const own = actor.guardianOf.get(at.childIds[0]);
  return own !== undefined && !own.otherHousehold && !at.person.otherHousehold;
}
