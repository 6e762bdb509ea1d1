// The demo's photo consent: a few children whose every guardian answered yes on paper (entered by the group's teacher a
// month ago), so that the group's photos of them reach every family of the group; the others have no answer yet.
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { guardiansOfChildren } from '../people/queries.ts';
import { recordAnswer } from './queries.ts';

export async function seedDemoConsents(trx: Db, demo: { childIds: readonly number[]; recordedBy: number; today: string; at: Date }): Promise<void> {
  const answeredOn = addDays(demo.today, -30);
  for (const [childId, guardians] of await guardiansOfChildren(trx, demo.childIds)) {
    for (const guardian of guardians) {
      await recordAnswer(trx, { childId, guardianId: guardian.id, answer: 'yes', source: 'paper', answeredOn, recordedBy: demo.recordedBy, at: demo.at });
    }
  }
}
