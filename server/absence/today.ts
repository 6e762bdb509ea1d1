// The staff's picture of a day for one group: who is expected when, who is away, who has come and gone, and how
// many children are there each half hour (for staffing). Today, and any day ahead.
import type { Db } from '../kernel/db.ts';
import { childrenInGroup } from '../people/queries.ts';
import { expectedCare } from '../schedule/queries.ts';
import { openingHours } from '../settings/queries.ts';
import { absencesOf, attendancesOn, type AbsenceItem, type Attendance } from './queries.ts';
import { isoWeekday } from '../kernel/dates.ts';

export type DayStatus = 'left' | 'present' | 'absent' | 'partlyAbsent' | 'dayOff' | 'expected' | 'notRegistered';

export interface ChildDay {
  id: number; name: string; status: DayStatus;
  expected: { starts: string | null; ends: string | null; comment: string | null; staffComment: string | null; source: string } | undefined;
  absence: AbsenceItem | undefined; attendance: Attendance | undefined;
}

export interface GroupDay { children: ChildDay[]; slots: { time: string; children: number }[]; counts: Record<DayStatus, number> }

export function statusOf(day: Omit<ChildDay, 'status' | 'id' | 'name'> & { dayOff: boolean }): DayStatus {
  if (day.attendance?.leftAt) return 'left';
  if (day.attendance?.arrivedAt) return 'present';
  if (day.absence && day.absence.starts === null) return 'absent';
  if (day.absence) return 'partlyAbsent';
  if (day.dayOff) return 'dayOff';
  if (day.expected) return 'expected';
  return 'notRegistered';
}

export async function groupDay(db: Db, group: { id: number; unitId: number }, date: string, today: string): Promise<GroupDay> {
  const children = await childrenInGroup(db, group.id, date < today ? today : date);
  const ids = children.map((c) => c.id);
  const [care, absences, attendance, hours] = await Promise.all([
    expectedCare(db, ids, date), absencesOf(db, ids, date, date), attendancesOn(db, ids, date, group.id), openingHours(db, group.unitId),
  ]);
  const absenceOf = new Map(absences.map((a) => [a.childId, a]));
  const days: ChildDay[] = children.map((c) => {
    const expected = care.get(c.id);
    const day = {
      expected: expected && !expected.dayOff ? expected : undefined, absence: absenceOf.get(c.id), attendance: attendance.get(c.id),
    };
    return { id: c.id, name: `${c.firstName} ${c.lastName}`, ...day, status: statusOf({ ...day, dayOff: expected?.dayOff ?? false }) };
  });
  const counts = Object.fromEntries(['left', 'present', 'absent', 'partlyAbsent', 'dayOff', 'expected', 'notRegistered']
    .map((s) => [s, days.filter((d) => d.status === s).length])) as Record<DayStatus, number>;
  return { children: days, slots: halfHours(days, hours[isoWeekday(date)]), counts };
}

/** Children expected in each half hour from opening to closing: registered times, less reported absence. */
export function halfHours(days: ChildDay[], hours: { opens: string; closes: string } | null): { time: string; children: number }[] {
  if (!hours) return [];
  const slots: { time: string; children: number }[] = [];
  for (let minute = toMinutes(hours.opens); minute < toMinutes(hours.closes); minute += 30) {
    const time = fromMinutes(minute);
    const children = days.filter((d) => {
      if (!d.expected?.starts || !d.expected.ends) return false;
      if (!(d.expected.starts <= time && time < d.expected.ends)) return false;
      if (!d.absence) return true;
      if (d.absence.starts === null || d.absence.ends === null) return false;
      return !(d.absence.starts <= time && time < d.absence.ends);
    }).length;
    slots.push({ time, children });
  }
  return slots;
}

function toMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function fromMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
