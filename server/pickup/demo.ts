// The demo's pickup lists: Elsa's grandmother and her father's partner may pick her up, her grandfather is the emergency
// contact (written by Emma and Johan, the two homes); Oskar has his grandmother on the list and may walk home alone from
// fritids; and Solrosen's head recorded that a named person may not pick Elsa up (a court decision).
import type { Db } from '../kernel/db.ts';
import { addPickupBan, addPickupPerson, setWalkHome } from './queries.ts';

export interface PickupDemo {
  elsa: number; oskar: number;
  /** Elsa's guardians (person ids): Emma (both children) and Johan (Elsa, another household). */
  emma: number; johan: number;
  /** Solrosen, Elsa's preschool, and its head (person id) who records the ban. */
  solrosen: number; head: number;
  now: Date;
}

export async function seedDemoPickup(db: Db, demo: PickupDemo): Promise<void> {
  const person = (childId: number, kind: 'pickup' | 'emergency', name: string, relation: string, phone: string, by: number) =>
    addPickupPerson(db, { childId, kind, name, relation, phone }, by, demo.now);
  await person(demo.elsa, 'pickup', 'Birgitta Andersson', 'mormor', '+46701740012', demo.emma);
  await person(demo.elsa, 'pickup', 'Sofia Lind', 'pappas sambo', '+46736401188', demo.johan);
  await person(demo.elsa, 'emergency', 'Lars Andersson', 'morfar', '+46313900699', demo.emma);
  await person(demo.oskar, 'pickup', 'Birgitta Andersson', 'mormor', '+46701740012', demo.emma);
  await person(demo.oskar, 'emergency', 'Lars Andersson', 'morfar', '+46313900699', demo.emma);
  await setWalkHome(db, demo.oskar, true, demo.emma, demo.now);
  await addPickupBan(db, { childId: demo.elsa, unitId: demo.solrosen, name: 'Mikael Svensson', reason: 'Tingsrättens beslut om kontaktförbud, 2026-10-12' }, demo.head, demo.now);
}
