// The demo's development talks (server/demo/seed.ts calls this): free times in Blåbär next week, held by its teacher,
// one of them booked by Elsa's mother — so 'vardnadshavare' sees her booked talk and 'vardnadshavare3' times to book.
import { addDays, mondayOf, timeOf } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { insertDemoBooking, insertDemoSlots } from './queries.ts';

export interface DemoTalks {
  groupId: number;
  /** The teacher's person (who holds the talks) and account (who published them). */
  staffPersonId: number; teacher: number;
  /** Elsa and her mother's account, who booked the first time. */
  childId: number; mother: number;
  now: Date; today: string;
}

export async function seedDemoTalks(trx: Db, d: DemoTalks): Promise<void> {
  // Thursday and Friday of next week, five half-hour talks each morning (08:30–11:00).
  const monday = mondayOf(addDays(d.today, 7));
  const slots = [addDays(monday, 3), addDays(monday, 4)].flatMap((date) => [0, 1, 2, 3, 4].map((i) => ({
    date, start: timeOf(8 * 60 + 30 + i * 30), end: timeOf(9 * 60 + i * 30), place: 'Blåbärs rum', videoUrl: null, staffPersonId: d.staffPersonId,
  })));
  const ids = await insertDemoSlots(trx, d.groupId, slots, d.teacher, d.now);
  const first = ids[0];
  if (first !== undefined) await insertDemoBooking(trx, { slotId: first, childId: d.childId, household: 0, by: d.mother, at: d.now });
}
