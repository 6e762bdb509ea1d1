// The demo's menu: Solrosen's breakfast, lunch and snack for this week and next, as its teacher wrote them, dated from
// the demo's today so the demo is always current.
import { addDays, mondayOf } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import { writeWeek } from './queries.ts';
import { schoolDays } from './rules.ts';

const BREAKFASTS = ['Havregrynsgröt med äpple', 'Fil med müsli', 'Smörgås med ost och gurka', 'Gröt med kanel', 'Yoghurt och knäckebröd'];
const LUNCHES = [
  'Fiskgratäng med potatis', 'Köttbullar, makaroner och gurka', 'Linssoppa med bröd', 'Kycklinggryta med ris', 'Pannkakor med sylt',
  'Pasta med tomatsås och bönor', 'Potatisbullar och rårörda lingon', 'Laxbiffar med dillsås', 'Falafel med bulgur', 'Korv stroganoff med ris',
];
const SNACKS = ['Frukt och knäckebröd', 'Smoothie', 'Smörgås och mjölk', 'Frukt', 'Bulle och mjölk'];

export async function seedDemoMenu(trx: Db, options: { unitId: number; accountId: number; today: string; at: Date }): Promise<void> {
  const monday = mondayOf(options.today);
  for (const [w, start] of [monday, addDays(monday, 7)].entries()) {
    const days = schoolDays(start).map((date, i) => ({
      date, version: 0, breakfast: BREAKFASTS[i] ?? null, lunch: LUNCHES[w * 5 + i] ?? null, snack: SNACKS[(i + w) % SNACKS.length] ?? null,
    }));
    const saved = await writeWeek(trx, options.unitId, days, options.accountId, options.at);
    if (!saved.ok) throw new Error('the demo menu was written twice');
  }
}
