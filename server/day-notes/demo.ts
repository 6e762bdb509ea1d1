// The demo's same-day notes: two of Blåbär's families told the preschool something this morning, so Today shows the
// marks at first start ("Sen ca 15 min", "Hämtas av Mormor Eva"). Each note is written by the child's first guardian.
import type { Db } from '../kernel/db.ts';
import { guardiansOfChild } from '../people/queries.ts';
import { addDayNotes } from './queries.ts';
import type { NewDayNote } from './rules.ts';

const NOTES: NewDayNote[] = [
  { kind: 'late', minutes: 15, atTime: null, pickupName: null, pickupPersonId: null },
  { kind: 'other-pickup', minutes: null, atTime: null, pickupName: 'Mormor Eva', pickupPersonId: null },
];

/** `childIds`: children placed in a group today (the first two get a note each) (written at 06:45 and 06:50 that day). */
export async function seedDemoDayNotes(trx: Db, demo: { childIds: readonly number[]; today: string }): Promise<void> {
  for (const [i, note] of NOTES.entries()) {
    const childId = demo.childIds[i];
    if (childId === undefined) return;
    const [guardian] = await guardiansOfChild(trx, childId);
    if (!guardian) continue;
    await addDayNotes(trx, [childId], { ...note, date: demo.today, by: guardian.id, at: new Date(`${demo.today}T05:${String(45 + i * 5)}:00Z`) });
  }
}
