// The demo's extra adaptations: two current ones for Oskar (2B) — pictures with the schedule and extra time in a quiet
// room — and one that ended, decided by his teachers with the special needs teacher; written by Tove (larare2b).
import { addDays } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import type { SchoolDemo } from '../people/school-demo.ts';
import { addAdaptation, endAdaptation } from './queries.ts';

export async function seedDemoAdaptations(db: Db, demo: SchoolDemo): Promise<void> {
  const write = (what: string, decidedBy: string, decidedOn: number, reviewBy: number) => addAdaptation(db, {
    childId: demo.oskar, groupId: demo.class2b, what, decidedBy,
    decidedOn: addDays(demo.today, decidedOn), reviewBy: addDays(demo.today, reviewBy),
  }, demo.teacher, demo.now);
  await write('Dagens schema med bilder på bänken, som vi går igenom varje morgon.', 'Klassläraren och specialpedagogen', -60, 60);
  await write('Extra tid vid prov och diagnoser, i ett lugnare rum bredvid klassrummet.\nOskar får läsa uppgifterna högt för en vuxen.',
    'Klassläraren och specialpedagogen', -30, 90);
  const ended = await write('Hörselkåpor under eget arbete.', 'Klassläraren', -150, -60);
  await endAdaptation(db, ended, 1, { day: addDays(demo.today, -60), by: demo.teacher, at: demo.now });
}
