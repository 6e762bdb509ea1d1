// The demo's development plans: Oskar (2B) has this term's plan written by Tove (larare2b) at his development talk,
// not yet signed off, with a comment from Emma (vardnadshavare); last term's plan, signed; and the talk held two weeks
// ago with Tove's note (server/talks/notes.ts). The 4A pupil (elev) has this term's plan, signed.
import { openAccountOfPerson } from '../accounts/queries.ts';
import { previousTerm, termOf } from '../kernel/terms.ts';
import type { SchoolDemo } from '../people/school-demo.ts';
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { guardiansOfChild } from '../people/queries.ts';
import { insertDemoHeldTalk } from '../talks/notes.ts';
import { addPlanComment, planOf, savePlan, signPlan } from './queries.ts';

export async function seedDemoDevelopmentPlans(db: Db, demo: SchoolDemo): Promise<void> {
  const term = termOf(demo.today);
  const write = async (childId: number, groupId: number, t: string, text: { goals: string; schoolDoes: string; pupilDoes: string; guardiansDo: string }) => {
    const saved = await savePlan(db, { childId, term: t, groupId, version: undefined, by: demo.teacher, at: demo.now, ...text });
    if (!saved.ok) throw new Error(`the demo's development plan of ${t} was written twice`);
    return saved.id;
  };
  const sign = async (childId: number, t: string) => {
    const plan = await planOf(db, childId, t);
    if (!plan || !(await signPlan(db, plan.id, plan.version, demo.teacher, demo.now)).ok) throw new Error(`the demo's development plan of ${t} could not be signed`);
  };

  await write(demo.oskar, demo.class2b, previousTerm(term), {
    goals: 'Läsa kapitelböcker på egen hand.\nSkriva meningar med stor bokstav och punkt.',
    schoolDoes: 'Lästräning i liten grupp två gånger i veckan.', pupilDoes: 'Läser tjugo minuter varje dag.',
    guardiansDo: 'Läser tillsammans med Oskar på kvällarna.',
  });
  await sign(demo.oskar, previousTerm(term));
  const planId = await write(demo.oskar, demo.class2b, term, {
    goals: 'Läsa med flyt och berätta vad texten handlar om.\nLösa textuppgifter i matematik med en bild.',
    schoolDoes: 'Ger Oskar bildstöd och extra tid vid prov.', pupilDoes: 'Ritar en bild till varje textuppgift.',
    guardiansDo: 'Frågar Oskar om vad han läst och räknat i skolan.',
  });
  const [emma] = await guardiansOfChild(db, demo.oskar);
  if (emma) await addPlanComment(db, { planId, by: emma.id, body: 'Tack för ett bra samtal! Vi läser varje kväll.', at: demo.now });
  const teacherAccount = await openAccountOfPerson(db, demo.teacher);
  if (teacherAccount !== undefined) {
    await insertDemoHeldTalk(db, {
      groupId: demo.class2b, staffPersonId: demo.teacher, date: addDays(demo.today, -14), start: '14:00', end: '14:30', place: 'Klassrummet 2B',
      childId: demo.oskar, byAccount: teacherAccount, noteBy: demo.teacher, at: demo.now,
      body: 'Oskar berättade att han tycker om att läsa om djur. Vi kom överens om målen i utvecklingsplanen.',
    });
  }

  await write(demo.pupil, demo.class4a, term, {
    goals: 'Skriva längre texter med inledning, handling och avslutning.', schoolDoes: 'Ger respons på texterna varje vecka.',
    pupilDoes: 'Skriver i sin loggbok varje fredag.', guardiansDo: 'Läser texterna och ger beröm.',
  });
  await sign(demo.pupil, term);
}
