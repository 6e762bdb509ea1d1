// The demo's two homes (server/demo/seed.ts calls this): Elsa's mother Emma and father Johan live apart (Johan in the
// other household) and take every other week, Emma from this week, Johan from the next; so 'vardnadshavare' and
// 'vardnadshavare2' each register their own weeks and see the other's read-only, and the staff see who registered.
import { addDays, mondayOf } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { insertDemoPattern } from './homes.ts';

export interface DemoHomes {
  childId: number;
  /** The guardian in the child's household, and the one in the other (persons). */
  mother: number; father: number;
  now: Date; today: string;
}

export async function seedDemoHomes(trx: Db, d: DemoHomes): Promise<void> {
  const monday = mondayOf(d.today);
  await insertDemoPattern(trx, { childId: d.childId, guardianId: d.mother, kind: 'alternate-weeks', weekdays: [], validFrom: monday, now: d.now });
  await insertDemoPattern(trx, { childId: d.childId, guardianId: d.father, kind: 'alternate-weeks', weekdays: [], validFrom: addDays(monday, 7), now: d.now });
}
