// The demo's notes: a few short notes about Elsa from her group's teacher, so that `vardnadshavare` finds some on the
// notes page at first start (Förskolan Solrosen uses notes in the demo).
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { findSignedInAccount } from '../accounts/queries.ts';
import { addNote } from './queries.ts';

const NOTES = [
  { daysAgo: 6, text: 'Elsa har börjat leka mycket med lera och bygger gärna djur. Hon berättade länge om en igelkott hon sett hemma.' },
  { daysAgo: 2, text: 'Elsa behöver ett par extra strumpor i facket, de är slut.\nTack!' },
];

export async function seedDemoNotes(trx: Db, demo: { childId: number; unitId: number; authorAccount: number; today: string }): Promise<void> {
  const author = await findSignedInAccount(trx, demo.authorAccount);
  if (!author) throw new Error('the demo notes have no author');
  for (const note of NOTES) {
    const at = new Date(`${addDays(demo.today, -note.daysAgo)}T13:${String(10 + note.daysAgo).padStart(2, '0')}:00Z`);
    await addNote(trx, { childId: demo.childId, unitId: demo.unitId, body: note.text, by: author.personId, at });
  }
}
