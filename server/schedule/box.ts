// The Tidsregistrering box: this week's care times in short, for a child with care times (preschool, fritids).
import { defineBox, type BoxContext } from '../kernel/boxes.ts';
import { today } from '../kernel/clock.ts';
import { addDays, isoWeek, isoWeekday, mondayOf, weekDays } from '../kernel/dates.ts';
import type { ChildSummary } from '../people/queries.ts';
import { isOpen } from '../settings/calendar.ts';
import { carePlacement, loadChildCare } from './queries.ts';
import { effectiveOn, registers } from './rules.ts';

export const scheduleBox = defineBox<ChildSummary, 'schedule'>({ key: 'schedule', view: '/schedule/box', load: loadScheduleBox });

export interface BoxDay { date: string; weekday: number; starts: string | null; ends: string | null; dayOff: boolean; closed: boolean; source: 'registered' | 'standard' | 'none' }

/** This week in short ("mån 07:30–16:00", "tis Ledig"); null (no box) for a child without care times. */
async function loadScheduleBox({ db, clock, child }: BoxContext<ChildSummary>): Promise<Record<string, unknown> | null> {
  const day = today(clock);
  const placement = await carePlacement(db, child.id, day);
  if (!placement) return null;
  const monday = mondayOf(day);
  const care = await loadChildCare(db, placement, monday, addDays(monday, 6));
  const days: BoxDay[] = [];
  for (const date of weekDays(monday)) {
    const registered = care.registered.get(date);
    const value = effectiveOn(care, date);
    const open = isOpen(date, care.calendar);
    if (!open && !(registered && registers(registered))) {
      if (isoWeekday(date) <= 5 && care.calendar.closed.has(date)) days.push({ date, weekday: isoWeekday(date), starts: null, ends: null, dayOff: false, closed: true, source: 'none' });
      continue;
    }
    days.push({
      date, weekday: isoWeekday(date), starts: value?.dayOff ? null : value?.starts ?? null, ends: value?.dayOff ? null : value?.ends ?? null,
      dayOff: value?.dayOff ?? false, closed: false, source: registered && registers(registered) ? 'registered' : value ? 'standard' : 'none',
    });
  }
  return { childId: child.id, week: isoWeek(day).week, days };
}
