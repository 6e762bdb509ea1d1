// Today on paper, for a wall or a clipboard: each child with the day's times and the guardians' phone numbers, and
// empty columns to sign arrival and departure by hand.
import type { Db } from '../kernel/db.ts';
import type { Actor } from '../kernel/policy.ts';
import type { Located } from '../kernel/http.ts';
import { guardiansOfChildren } from '../people/queries.ts';
import { visibleDetails } from '../people/visibility.ts';
import { todayPage, type AbsenceReads, type TodayPage } from './today.ts';

export interface PrintedGuardian { name: string; phone: string | null }

export interface PrintPage extends TodayPage { guardians: Record<number, PrintedGuardian[]> }

/**
 * The group's day with each child's guardians. A phone number is printed where the viewer may see it on screen
 * (people/visibility.ts), and never that of a person with protected identity: paper lies on a desk where anyone
 * passing reads it, so on paper their details are shown to nobody.
 */
export async function printPage(db: Db, absences: AbsenceReads, actor: Actor, group: Located, day: string, today: string, now: Date): Promise<PrintPage | undefined> {
  // The pickup list and bans as for the screen: the group's staff (bans also the unit's head); a protected identity's
  // list thus reaches paper only when the group's own staff print it.
  const page = await todayPage(db, absences, group.id, day, today, now, { actor, group });
  if (!page) return undefined;
  const guardians = await guardiansOfChildren(db, page.children.map((c) => c.id));
  const printed: Record<number, PrintedGuardian[]> = {};
  for (const child of page.children) {
    const at = { ...group, childIds: [child.id] };
    printed[child.id] = (guardians.get(child.id) ?? []).map((g) => {
      const seen = visibleDetails(actor, at, g, g.otherHousehold);
      return { name: seen.name, phone: g.protectedIdentity ? null : seen.phone };
    });
  }
  return { ...page, guardians: printed };
}
