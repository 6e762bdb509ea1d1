// The demo's contact choices (server/demo/seed.ts calls this): in Blåbär, Elsa's mother shows her phone, her father his
// e-mail, two more families one or both, and everybody else keeps the default (nothing) — so the list shows each case.
import type { Db } from '../kernel/db.ts';
import { childrenInGroup, guardiansOfChildren } from '../people/queries.ts';
import { saveChoice } from './queries.ts';

export interface DemoContacts {
  groupId: number;
  /** Elsa's mother and father (persons). */
  mother: number; father: number;
  now: Date; today: string;
}

export async function seedDemoContacts(trx: Db, d: DemoContacts): Promise<void> {
  await saveChoice(trx, d.mother, 'phone', d.now);
  await saveChoice(trx, d.father, 'email', d.now);
  const children = (await childrenInGroup(trx, d.groupId, d.today)).filter((c) => !c.protectedIdentity);
  const guardians = await guardiansOfChildren(trx, children.map((c) => c.id));
  const others = [...new Set([...guardians.values()].flat().map((g) => g.id))].filter((id) => id !== d.mother && id !== d.father);
  for (const [i, shows] of (['both', 'phone', 'email'] as const).entries()) {
    const personId = others[i * 3]; // every third family, the rest show nothing
    if (personId !== undefined) await saveChoice(trx, personId, shows, d.now);
  }
}
