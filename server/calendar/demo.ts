// The demo's calendar: for Blåbär a weekly gym day with "gymnastikkläder" this month and next, an outing with packed
// lunch next week and a harvest walk in rain clothes; for the whole of Solrosen a parents' meeting and a drop-in coffee
// next month. Dates from the demo's day, so the demo is always current. Solrosen's planning day is the settings' (not
// stored here again). No notifications: the demo's families have nothing new to be told.
import type { Db } from '../kernel/db.ts';
import { addDays, isoWeekday } from '../kernel/dates.ts';
import { addEvent } from './queries.ts';

export interface DemoCalendar { municipalityId: number; unitId: number; groupId: number; createdBy: number; today: string; now: Date }

/** The first day on or after `day` that is the ISO weekday `weekday` (1 Monday … 7 Sunday). */
const onOrAfter = (day: string, weekday: number) => addDays(day, (weekday - isoWeekday(day) + 7) % 7);

export async function seedDemoCalendar(trx: Db, o: DemoCalendar): Promise<void> {
  const first = `${o.today.slice(0, 8)}01`;
  const nextMonth = addDays(first, 32).slice(0, 8);
  const lastOfNextMonth = addDays(`${addDays(`${nextMonth}01`, 32).slice(0, 8)}01`, -1);
  const nextWeek = addDays(onOrAfter(o.today, 1), 7);
  const base = { municipalityId: o.municipalityId, unitId: o.unitId, by: o.createdBy, at: o.now, allDay: false };
  const group = { ...base, groupId: o.groupId };
  const unit = { ...base, groupId: null };
  await addEvent(trx, {
    ...group, title: 'Gympa i gymnastiksalen', note: 'Vi byter om tillsammans. Märk gärna kläderna med namn.', bring: ['gymClothes'],
    date: onOrAfter(first, 2), startTime: '09:30', endTime: '10:30', repeatUntil: lastOfNextMonth,
  });
  await addEvent(trx, {
    ...group, title: 'Utflykt till Slottsskogen', note: 'Vi åker buss 9.15 och är tillbaka till vilan.', bring: ['packedLunch', 'outing'],
    date: addDays(nextWeek, 3), startTime: '09:00', endTime: '13:30', repeatUntil: null,
  });
  await addEvent(trx, {
    ...group, title: 'Skogspromenad', note: 'Vi letar löv och kottar till höstens pyssel.', bring: ['rainClothes'],
    date: addDays(onOrAfter(o.today, 1), 1), startTime: null, endTime: null, repeatUntil: null, allDay: true,
  });
  await addEvent(trx, {
    ...unit, title: 'Föräldramöte', note: 'Vi berättar om terminens arbete. Barnpassning finns i Lingon.', bring: [],
    date: onOrAfter(`${nextMonth}10`, 2), startTime: '18:00', endTime: '19:30', repeatUntil: null,
  });
  await addEvent(trx, {
    ...unit, title: 'Drop in-fika', note: 'Välkomna på fika när ni hämtar!', bring: [],
    date: onOrAfter(`${nextMonth}20`, 4), startTime: '15:00', endTime: '16:30', repeatUntil: null,
  });
}
