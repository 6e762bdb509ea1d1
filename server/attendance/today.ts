// The staff's picture of a day for one group: who is expected when, who is away, who has come and gone, and how
// many children are there each half hour (for staffing). Today, and any day ahead.
import type { Db } from '../kernel/db.ts';
import { addDays, isoWeekday, minutesOf, timeOf } from '../kernel/dates.ts';
import { childrenInGroup, groupWithUnit, type GroupWithUnit } from '../people/queries.ts';
import { expectedCare } from '../schedule/queries.ts';
import { openingHours } from '../settings/queries.ts';
import { picturesOf } from '../child-page/queries.ts';
import { attendancesOn, type Attendance } from './queries.ts';
import { undoableEvent } from './rules.ts';

/**
 * An absence as Today shows it. Absence owns its table and asks attendance whether a child has come (a report is
 * taken back only until then), so Today gets absence's reads from app.ts instead of importing them.
 */
export interface TodayAbsence {
  id: number; childId: number; starts: string | null; ends: string | null; comment: string | null; kind: 'reported' | 'unreported';
  reportedBy: string; answer: { text: string; by: string; at: string } | null; sms: 'sent' | 'waiting' | null;
}
export interface AbsenceReads {
  absencesOf(db: Db, childIds: number[], from: string, to?: string): Promise<TodayAbsence[]>;
  /** The reports of the day taken back on the day, with the time. */
  withdrawnOn(db: Db, childIds: number[], date: string): Promise<Map<number, { at: string }>>;
}

export type DayStatus = 'left' | 'present' | 'absent' | 'partlyAbsent' | 'dayOff' | 'expected' | 'notRegistered';

const STATUSES: readonly DayStatus[] = ['left', 'present', 'absent', 'partlyAbsent', 'dayOff', 'expected', 'notRegistered'];

export interface ChildDay {
  id: number; name: string; status: DayStatus;
  expected: { starts: string | null; ends: string | null; comment: string | null; staffComment: string | null; source: string } | undefined;
  absence: TodayAbsence | undefined; attendance: Attendance | undefined;
  /** The last tap, while it can still be taken back ("Ångra"). */
  undo: 'arrive' | 'leave' | undefined;
  /** What the row says of the child: the status, or in school an absence staff marked as unreported (ogiltig). */
  state: DayStatus | 'unreported';
  /** A report of the day that a guardian took back on the day, with the time ("Frånvaro återtagen 07:15"). */
  withdrawn: { at: string } | undefined;
  /** The version of the child's picture (its own page's, for /children/:childId/picture?v=), if it has one. */
  picture: string | undefined;
}

export interface Slot { time: string; children: number }

export interface GroupDay { children: ChildDay[]; slots: Slot[]; counts: Record<DayStatus, number> }

/** The Today page: the group, the day shown and its neighbours, and the group's day. */
export interface TodayPage extends GroupDay {
  group: GroupWithUnit; day: string; isToday: boolean; isPast: boolean; previous: string; next: string;
  /** A school class speaks of the school day (present, absent, not yet marked), not of care times. */
  school: boolean;
  /** The summary line's numbers, in the words of the group's kind. */
  summary: { total: number; expected: number; present: number; absent: number; unmarked: number };
}

/** Where the child is in the day: what happened (left, arrived, reported absent) before what was planned. */
export function statusOf(attendance: Attendance | undefined, absence: TodayAbsence | undefined, dayOff: boolean, expected: boolean): DayStatus {
  if (attendance?.leftAt) return 'left';
  if (attendance?.arrivedAt) return 'present';
  if (absence && absence.starts === null) return 'absent';
  if (absence) return 'partlyAbsent';
  if (dayOff) return 'dayOff';
  if (expected) return 'expected';
  return 'notRegistered';
}

export async function todayPage(db: Db, absences: AbsenceReads, groupId: number, day: string, today: string, now: Date): Promise<TodayPage | undefined> {
  const group = await groupWithUnit(db, groupId);
  if (!group) return undefined;
  const data = await groupDay(db, absences, group, day, today, now);
  const c = data.counts;
  const summary = {
    total: data.children.length, expected: c.expected + c.present + c.partlyAbsent, present: c.present + c.left,
    absent: c.absent + c.partlyAbsent, unmarked: c.expected + c.notRegistered + c.dayOff,
  };
  return {
    group, day, isToday: day === today, isPast: day < today, previous: addDays(day, -1), next: addDays(day, 1),
    school: group.unitKind === 'school', summary, ...data,
  };
}

/** The group's children on `date` (for a past day, those placed today), each with what is known of their day. */
export async function groupDay(db: Db, reads: AbsenceReads, group: { id: number; unitId: number }, date: string, today: string, now: Date): Promise<GroupDay> {
  const children = await childrenInGroup(db, group.id, date < today ? today : date);
  const ids = children.map((c) => c.id);
  const [care, absences, attendance, hours, withdrawn, pictures] = await Promise.all([
    expectedCare(db, ids, date), reads.absencesOf(db, ids, date, date), attendancesOn(db, ids, date, group.id), openingHours(db, group.unitId),
    reads.withdrawnOn(db, ids, date), picturesOf(db, ids),
  ]);
  const absenceOf = new Map(absences.map((a) => [a.childId, a]));
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DayStatus, number>;
  const days = children.map((c): ChildDay => {
    const registered = care.get(c.id);
    const dayOff = registered?.dayOff ?? false;
    const expected = registered && !dayOff ? registered : undefined;
    const absence = absenceOf.get(c.id);
    const arrival = attendance.get(c.id);
    const status = statusOf(arrival, absence, dayOff, expected !== undefined);
    counts[status]++;
    const undo = date === today ? undoableEvent(arrival, now) : undefined;
    const away = status === 'absent' || status === 'partlyAbsent';
    const state = away && absence?.kind === 'unreported' ? 'unreported' : status;
    return {
      id: c.id, name: `${c.firstName} ${c.lastName}`, status, state, expected, absence, attendance: arrival, undo, withdrawn: withdrawn.get(c.id),
      picture: pictures.get(c.id),
    };
  });
  return { children: days, slots: halfHours(days, hours[isoWeekday(date)]), counts };
}

/** Children expected in each half hour from opening to closing: registered times, less reported absence. */
export function halfHours(days: readonly ChildDay[], hours: { opens: string; closes: string } | null): Slot[] {
  if (!hours) return [];
  // Each expected child's time there in minutes; a part-day absence is a gap in it, a whole-day absence leaves none.
  const spans: { from: number; to: number; awayFrom: number; awayTo: number }[] = [];
  for (const { expected, absence } of days) {
    if (!expected?.starts || !expected.ends) continue;
    if (absence && (absence.starts === null || absence.ends === null)) continue;
    spans.push({
      from: minutesOf(expected.starts), to: minutesOf(expected.ends),
      awayFrom: absence?.starts ? minutesOf(absence.starts) : -1, awayTo: absence?.ends ? minutesOf(absence.ends) : -1,
    });
  }
  const slots: Slot[] = [];
  const closes = minutesOf(hours.closes);
  for (let minute = minutesOf(hours.opens); minute < closes; minute += 30) {
    let children = 0;
    for (const s of spans) if (s.from <= minute && minute < s.to && !(s.awayFrom <= minute && minute < s.awayTo)) children++;
    slots.push({ time: timeOf(minute), children });
  }
  return slots;
}
