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
import { allows, type Actor } from '../kernel/policy.ts';
import type { Located } from '../kernel/http.ts';
import { dayNotesOn } from '../day-notes/queries.ts';
import { badgeOf, type Badge } from '../day-notes/rules.ts';
import { careRegistrarsOn } from '../schedule/homes.ts';
import { pickupForToday, type PickupPerson, type TodayBan } from '../pickup/today.ts';

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
  /** The guardians' same-day notes of the day ("Sen ca 20 min", "Hämtas av Mormor Eva"), each with its words and writer. */
  notes: { id: number; badge: Badge; writer: string }[];
  /** Who registered the day's care time (null: nobody, or the standard week) and whether two guardians' times conflict. */
  registrar: { registeredBy: string | null; conflict: boolean };
  /**
   * The pickup list, emergency contacts and who may not pick the child up — only where the viewer may see them (see
   * `FamilyViewer`); undefined when not asked for or not allowed.
   */
  family: { pickup: PickupPerson[]; emergency: PickupPerson[]; bans: TodayBan[] | undefined } | undefined;
}

/**
 * Who looks at Today, for the family details: the pickup list and emergency contacts where the policy lets the viewer
 * read them for the child ('child.pickup.read': the group's staff), the bans where 'child.pickupBans.read' allows (the
 * group's staff and the unit's head). `group`: the group as the guard located it.
 */
export interface FamilyViewer { actor: Actor; group: Located }

export interface Slot { time: string; children: number }

export interface GroupDay { children: ChildDay[]; slots: Slot[]; counts: Record<DayStatus, number> }

/** The Today page: the group, the day shown and its neighbours, and the group's day. */
export interface TodayPage extends GroupDay {
  group: GroupWithUnit; day: string; isToday: boolean; isPast: boolean; previous: string; next: string;
  /** A school class speaks of the school day (present, absent, not yet marked), not of care times. */
  school: boolean;
  /** The viewer may put a same-day note away (the group's staff, the unit's head). */
  putsNotesAway: boolean;
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

export async function todayPage(db: Db, absences: AbsenceReads, groupId: number, day: string, today: string, now: Date, viewer?: FamilyViewer): Promise<TodayPage | undefined> {
  const group = await groupWithUnit(db, groupId);
  if (!group) return undefined;
  const data = await groupDay(db, absences, group, day, today, now, viewer);
  const c = data.counts;
  const summary = {
    total: data.children.length, expected: c.expected + c.present + c.partlyAbsent, present: c.present + c.left,
    absent: c.absent + c.partlyAbsent, unmarked: c.expected + c.notRegistered + c.dayOff,
  };
  return {
    group, day, isToday: day === today, isPast: day < today, previous: addDays(day, -1), next: addDays(day, 1),
    school: group.unitKind === 'school', summary, ...data,
    putsNotesAway: viewer !== undefined && day === today && allows(viewer.actor, 'dayNote.cancel', viewer.group),
  };
}

/** The group's children on `date` (for a past day, those placed today), each with what is known of their day. */
export async function groupDay(db: Db, reads: AbsenceReads, group: { id: number; unitId: number }, date: string, today: string, now: Date, viewer?: FamilyViewer): Promise<GroupDay> {
  const children = await childrenInGroup(db, group.id, date < today ? today : date);
  const ids = children.map((c) => c.id);
  // One query per kind for the whole group, never one per child.
  const [care, absences, attendance, hours, withdrawn, pictures, notes, registrars, family] = await Promise.all([
    expectedCare(db, ids, date), reads.absencesOf(db, ids, date, date), attendancesOn(db, ids, date, group.id), openingHours(db, group.unitId),
    reads.withdrawnOn(db, ids, date), picturesOf(db, ids), dayNotesOn(db, ids, date), careRegistrarsOn(db, ids, date),
    viewer ? pickupForToday(db, ids) : Promise.resolve(undefined),
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
      notes: (notes.get(c.id) ?? []).map((n) => ({ id: n.id, badge: badgeOf(n), writer: n.writer })),
      registrar: registrars.get(c.id) ?? { registeredBy: null, conflict: false },
      family: viewer && family ? familyFor(viewer, c.id, family.get(c.id)) : undefined,
    };
  });
  return { children: days, slots: halfHours(days, hours[isoWeekday(date)]), counts };
}

/** What of the child's pickup list, emergency contacts and bans the viewer may see (see FamilyViewer). */
function familyFor(viewer: FamilyViewer, childId: number, today: { pickup: PickupPerson[]; emergency: PickupPerson[]; bans: TodayBan[] } | undefined): ChildDay['family'] {
  if (!today) return undefined;
  const at = { ...viewer.group, childIds: [childId] };
  const list = allows(viewer.actor, 'child.pickup.read', at);
  const bans = allows(viewer.actor, 'child.pickupBans.read', at) ? today.bans : undefined;
  if (!list && !bans) return undefined;
  return { pickup: list ? today.pickup : [], emergency: list ? today.emergency : [], bans };
}

/** The children whose bans the page shows (each leaves a row in the audit trail: 'child.pickupBans.read'). */
export function childrenWithBansShown(children: readonly ChildDay[]): number[] {
  return children.filter((c) => c.family?.bans && c.family.bans.length > 0).map((c) => c.id);
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
