// What the child's card (/children/:childId/info, server/people/routes.ts) shows of the pickup domain, each part only
// for a viewer the policy allows: the pickup list, emergency contacts and walking home ('child.pickup.read': the
// guardians and the group's staff — for a child with protected identity too, nobody else) and the current bans
// ('child.pickupBans.read': the group's staff and the unit's head, never a guardian), whose read is in the audit trail.
import { auditTrail } from '../audit/trail.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { allows, type Actor, type Location } from '../kernel/policy.ts';
import { pickupBansOf, pickupPersonsOf, walkHomePermission, type ListedBan, type PickupPerson } from './queries.ts';
import { formatPhone } from '../kernel/phones.ts';
import { placedInFritids } from './rules.ts';
import { recordBanReads } from './today.ts';

export interface PickupCard {
  childId: number;
  /** Null: the viewer may not see the list. */
  list: { pickup: ShownPerson[]; emergency: ShownPerson[]; walkHome: boolean | null } | null;
  /** Null: the viewer may not see bans; else the current ones. */
  bans: ListedBan[] | null;
}

export type ShownPerson = PickupPerson & { phoneText: string };

export const shown = (p: PickupPerson): ShownPerson => ({ ...p, phoneText: formatPhone(p.phone) });

/** The card's pickup part for the viewer, or undefined when they may see none of it. */
export async function pickupCard(db: Db, clock: Clock, actor: Actor, child: Location & { id: number }): Promise<PickupCard | undefined> {
  const seesList = allows(actor, 'child.pickup.read', child);
  const seesBans = allows(actor, 'child.pickupBans.read', child);
  if (!seesList && !seesBans) return undefined;
  const [persons, walk, bans] = await Promise.all([
    seesList ? pickupPersonsOf(db, child.id) : [], seesList ? walkHomePermission(db, child.id) : undefined,
    seesBans ? pickupBansOf(db, child.id) : [],
  ]);
  const current = bans.filter((b) => b.endedAt === null);
  if (current.length > 0) await recordBanReads(auditTrail(db, clock), actor, [child.id]);
  return {
    childId: child.id,
    list: seesList ? {
      pickup: persons.filter((p) => p.kind === 'pickup').map(shown), emergency: persons.filter((p) => p.kind === 'emergency').map(shown),
      walkHome: placedInFritids(child.groups ?? []) ? walk !== undefined : null,
    } : null,
    bans: seesBans ? current : null,
  };
}
