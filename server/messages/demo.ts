// The demo's messages (server/demo/seed.ts calls this): a question from Elsa's mother to Blåbär with the teacher's
// answer, a letter from the teacher to every family of Blåbär, and a word to Elsa's father alone — so that each
// demo login's envelope has something in it, and the other household sees only its own.
import type { Db } from '../kernel/db.ts';
import { addMessage, addParticipants, addRecipients, createThread, markThreadRead } from './queries.ts';
import { bulletinAudience } from './recipients.ts';

export interface DemoMessages {
  municipalityId: number; unitId: number; groupId: number; childId: number;
  /** The accounts of Blåbär's teacher (pedagog), Elsa's mother (vardnadshavare) and father (vardnadshavare2). */
  teacher: number; mother: number; father: number;
  now: Date; today: string;
}

const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000);

export async function seedDemoMessages(trx: Db, d: DemoMessages): Promise<void> {
  const place = { municipalityId: d.municipalityId, unitId: d.unitId, groupId: d.groupId, urgent: false, sensitive: false };

  // Elsa's mother asks the group's staff; the teacher answers (the mother has not read the answer yet)
  const asked = hoursBefore(d.now, 26);
  const question = await createThread(trx, { ...place, subject: 'Hämtning på fredag', kind: 'direct', childId: d.childId, by: d.mother, at: asked });
  await addParticipants(trx, question, [{ accountId: d.mother, role: 'guardian' }, { accountId: d.teacher, role: 'staff' }]);
  const first = await addMessage(trx, { threadId: question, senderAccountId: d.mother, body: 'Hej!\nMormor hämtar Elsa på fredag kl. 15. Hon heter Karin.', at: asked });
  await addRecipients(trx, first, [d.teacher]);
  await markThreadRead(trx, question, d.teacher, hoursBefore(d.now, 25));
  const answer = await addMessage(trx, { threadId: question, senderAccountId: d.teacher, body: 'Tack för att du säger till! Vi hälsar Karin välkommen.', at: hoursBefore(d.now, 24) });
  await addRecipients(trx, answer, [d.mother]);

  // A letter to every family of Blåbär
  const sent = hoursBefore(d.now, 5);
  const letter = await createThread(trx, { ...place, subject: 'Utflykt till skogen på torsdag', kind: 'bulletin', by: d.teacher, at: sent });
  const audience = (await bulletinAudience(trx, { groupId: d.groupId }, d.today)).filter((p) => p.accountId !== d.teacher);
  await addParticipants(trx, letter, [{ accountId: d.teacher, role: 'staff' }, ...audience]);
  const body = await addMessage(trx, { threadId: letter, senderAccountId: d.teacher, at: sent,
    body: 'Hej alla!\nPå torsdag går vi till skogen. Ta med matsäck, vattenflaska och kläder efter väder. Vi är tillbaka till lunch.' });
  await addRecipients(trx, body, audience.map((p) => p.accountId));

  // A word to Elsa's father alone (her mother never sees it)
  const word = hoursBefore(d.now, 2);
  const mittens = await createThread(trx, { ...place, subject: 'Vantar', kind: 'direct', childId: d.childId, by: d.teacher, at: word });
  await addParticipants(trx, mittens, [{ accountId: d.teacher, role: 'staff' }, { accountId: d.father, role: 'guardian' }]);
  await addRecipients(trx, await addMessage(trx, { threadId: mittens, senderAccountId: d.teacher, at: word,
    body: 'Hej! Elsa har bara en vante kvar här. Kan ni ta med ett par till på måndag?' }), [d.father]);
}
