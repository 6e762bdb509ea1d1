// What the staff's Today list (server/attendance/) shows of the pickup domain: who may pick each child up, whom to call,
// whether a fritids child may walk home alone, and who may not pick the child up — with the audit row a ban's read
// leaves. The caller decides who sees what: bans only for a viewer the policy allows 'child.pickupBans.read' for the
// child (the group's staff, the unit's head), and each ban shown recorded with `recordBanReads`.
import type { Db } from '../kernel/db.ts';
import type { AuditTrail } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { formatPhone } from '../kernel/phones.ts';
import {
  childrenAllowedToWalkHome, currentBansOfChildren, pickupPersonsOf, pickupPersonsOfChildren, walkHomePermission, type PickupPerson,
} from './queries.ts';

export type { PickupPerson } from './queries.ts';

/** A current ban as Today shows it (`unitId`: the unit whose head recorded it). */
export interface TodayBan { id: number; name: string; reason: string; unitId: number }

export interface PickupToday { pickup: PickupPerson[]; emergency: PickupPerson[]; bans: TodayBan[]; mayWalkHome: boolean }

/** The child's live pickup list and emergency contacts (both kinds, in the order added). */
export async function pickupListOf(db: Db, childId: number): Promise<PickupPerson[]> {
  return pickupPersonsOf(db, childId);
}

/** Whether a guardian allowed the child to walk home alone from fritids. */
export async function mayWalkHome(db: Db, childId: number): Promise<boolean> {
  return (await walkHomePermission(db, childId)) !== undefined;
}

/**
 * For each of the children (every id has an entry): its pickup persons, emergency contacts (their phone as people read
 * it, "070-174 00 12"), current bans, walk-home yes.
 */
export async function pickupForToday(db: Db, childIds: readonly number[]): Promise<Map<number, PickupToday>> {
  const ids = [...new Set(childIds)];
  const [persons, bans, walkers] = await Promise.all([
    pickupPersonsOfChildren(db, ids), currentBansOfChildren(db, ids), childrenAllowedToWalkHome(db, ids),
  ]);
  const result = new Map<number, PickupToday>(ids.map((id) => [id, { pickup: [], emergency: [], bans: [], mayWalkHome: walkers.has(id) }]));
  for (const p of persons) result.get(p.childId)?.[p.kind === 'pickup' ? 'pickup' : 'emergency'].push({ ...p, phone: formatPhone(p.phone) });
  for (const b of bans) result.get(b.childId)?.bans.push({ id: b.id, name: b.name, reason: b.reason, unitId: b.unitId });
  return result;
}

/**
 * One audit row ('child.pickupBans.read', outcome 'read') per child whose bans the actor was shown outside the bans'
 * own page (Today, its print, the child's card): call it with the ids of the children whose bans were on the page.
 */
export async function recordBanReads(trail: AuditTrail, actor: Pick<Actor, 'accountId' | 'personId'>, childIds: readonly number[]): Promise<void> {
  for (const childId of new Set(childIds)) {
    await trail.record({ accountId: actor.accountId, personId: actor.personId, action: 'child.pickupBans.read', childId, recordId: null, method: 'GET' }, 'read');
  }
}
