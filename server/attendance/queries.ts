// Arrivals and departures: staff check a child in and out of one of its groups on the Today page. A child in a class
// and in fritids has an arrival in each. Every change is kept in the child's care history.
import { prepared, type Db } from '../kernel/db.ts';
import { jsonValues, lockedRows } from '../../db/sql.ts';
import { recordHistory } from '../history/queries.ts';
import { notifyAttendance } from './notices.ts';

export interface Attendance {
  childId: number; arrivedAt: string | null; leftAt: string | null;
  /** When a tap marked the arrival / the departure (ISO instants); null for a time set by hand. */
  arrivalMarkedAt: string | null; departureMarkedAt: string | null;
}

const attendancesInGroup = prepared((db: Db, childIds: string, groupId: number, date: string) => db.selectFrom('attendances')
  .select(['child_id', 'arrived_at', 'left_at', 'arrival_marked_at', 'departure_marked_at'])
  .where('child_id', 'in', jsonValues(db, childIds)).where('group_id', '=', groupId).where('date', '=', date));

/** Arrivals and departures of the children in one group on a day, by child. */
export async function attendancesOn(db: Db, childIds: number[], date: string, groupId: number): Promise<Map<number, Attendance>> {
  if (childIds.length === 0) return new Map();
  const rows = await attendancesInGroup(db, JSON.stringify(childIds), groupId, date);
  return new Map(rows.map((r) => [r.child_id, {
    childId: r.child_id, arrivedAt: r.arrived_at, leftAt: r.left_at, arrivalMarkedAt: r.arrival_marked_at, departureMarkedAt: r.departure_marked_at,
  }]));
}

/** The day's row of the child in the group, locked until the transaction ends (see lockedRows). */
const attendanceOf = prepared((db: Db, childId: number, groupId: number, date: string) => lockedRows(db, db.selectFrom('attendances')
  .select(['arrived_at', 'left_at', 'arrival_marked_at', 'departure_marked_at'])
  .where('child_id', '=', childId).where('group_id', '=', groupId).where('date', '=', date)));

/** The child's day in one group, as it stands. */
export interface AttendanceKey { childId: number; groupId: number; date: string }

export interface AttendanceEvent extends AttendanceKey { event: 'arrive' | 'leave'; time: string; by: number; now: Date }

/** Why a tap changed nothing: the list the button stood on was older than the row. */
export type MarkRefusal = 'already-arrived' | 'not-arrived' | 'already-left';
export type MarkOutcome = { ok: true } | { ok: false; error: MarkRefusal; attendance: { arrivedAt: string | null; leftAt: string | null } };

/**
 * Checks a child in or out of a group at `time` (HH:MM) today. Each tap says what it expects: an arrival a child not yet
 * come, a departure a child come and not gone. The write is conditional on that, so a second tap (a double tap that
 * raced the page, or two staff at once) changes nothing and is told why, on SQLite and under PostgreSQL's concurrency.
 */
export async function markAttendance(db: Db, a: AttendanceEvent): Promise<MarkOutcome> {
  return db.transaction().execute(async (trx) => {
    const [before] = await attendanceOf(trx, a.childId, a.groupId, a.date);
    const marked = a.now.toISOString();
    const written = a.event === 'arrive'
      ? await trx.insertInto('attendances').values({
        child_id: a.childId, group_id: a.groupId, date: a.date, arrived_at: a.time, left_at: null, arrival_marked_at: marked, updated_by: a.by,
      }).onConflict((oc) => oc.columns(['child_id', 'group_id', 'date'])
        .doUpdateSet({ arrived_at: a.time, left_at: null, arrival_marked_at: marked, departure_marked_at: null, updated_by: a.by })
        .where('attendances.arrived_at', 'is', null)).returning('id').execute()
      : await trx.updateTable('attendances').set({ left_at: a.time, departure_marked_at: marked, updated_by: a.by })
        .where('child_id', '=', a.childId).where('group_id', '=', a.groupId).where('date', '=', a.date)
        .where('arrived_at', 'is not', null).where('left_at', 'is', null).returning('id').execute();
    if (written.length === 0) {
      const [now] = await attendanceOf(trx, a.childId, a.groupId, a.date);
      const attendance = { arrivedAt: now?.arrived_at ?? null, leftAt: now?.left_at ?? null };
      const error = a.event === 'arrive' ? 'already-arrived' : attendance.arrivedAt === null ? 'not-arrived' : 'already-left';
      return { ok: false, error, attendance };
    }
    const old = before ? { arrived_at: before.arrived_at, left_at: before.left_at } : null;
    const after = a.event === 'arrive' ? { arrived_at: a.time, left_at: null } : { arrived_at: before?.arrived_at ?? null, left_at: a.time };
    await recordHistory(trx, { childId: a.childId, date: a.date, what: 'attendance', old, new: after, by: a.by, at: a.now });
    // The guardians who chose to hear of it (server/attendance/notices.ts), in the same transaction.
    await notifyAttendance(trx, { childId: a.childId, event: a.event, time: a.time, at: a.now });
    return { ok: true };
  });
}

export interface UndoRequest extends AttendanceKey { event: 'arrive' | 'leave'; by: number; now: Date; since: Date }
export type UndoOutcome = { ok: true } | { ok: false; error: 'not-last' | 'too-late' };

/**
 * Takes back the last tap, when it is `event` and was marked at `since` or later: a departure goes, the child is
 * back in; an arrival goes, the child has not come. Conditional on the row as the tap left it.
 */
export async function undoAttendance(db: Db, u: UndoRequest): Promise<UndoOutcome> {
  return db.transaction().execute(async (trx) => {
    const [before] = await attendanceOf(trx, u.childId, u.groupId, u.date);
    const last = before?.left_at ? 'leave' : before?.arrived_at ? 'arrive' : undefined;
    if (!before || last !== u.event) return { ok: false, error: 'not-last' };
    const since = u.since.toISOString();
    const taken = u.event === 'leave'
      ? await trx.updateTable('attendances').set({ left_at: null, departure_marked_at: null, updated_by: u.by })
        .where('child_id', '=', u.childId).where('group_id', '=', u.groupId).where('date', '=', u.date)
        .where('left_at', 'is not', null).where('departure_marked_at', '>=', since).returning('id').execute()
      : await trx.deleteFrom('attendances').where('child_id', '=', u.childId).where('group_id', '=', u.groupId).where('date', '=', u.date)
        .where('left_at', 'is', null).where('arrival_marked_at', '>=', since).returning('id').execute();
    if (taken.length === 0) return { ok: false, error: 'too-late' };
    const after = u.event === 'leave' ? { arrived_at: before.arrived_at, left_at: null } : null;
    await recordHistory(trx, { childId: u.childId, date: u.date, what: 'attendance', old: { arrived_at: before.arrived_at, left_at: before.left_at }, new: after, by: u.by, at: u.now });
    return { ok: true };
  });
}

export interface AttendanceTimes extends AttendanceKey { arrivedAt: string | null; leftAt: string | null; by: number; now: Date }

/**
 * Sets the day's arrival and departure by hand (a correction): both times as given, no time at all removes the row.
 * Who changed it is kept (updated_by, and the care history).
 */
export async function setAttendanceTimes(db: Db, s: AttendanceTimes): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const [before] = await attendanceOf(trx, s.childId, s.groupId, s.date);
    const old = before ? { arrived_at: before.arrived_at, left_at: before.left_at } : null;
    if (old && old.arrived_at === s.arrivedAt && old.left_at === s.leftAt) return;
    if (!old && s.arrivedAt === null && s.leftAt === null) return;
    if (s.arrivedAt === null && s.leftAt === null) {
      await trx.deleteFrom('attendances').where('child_id', '=', s.childId).where('group_id', '=', s.groupId).where('date', '=', s.date).execute();
    } else {
      const times = { arrived_at: s.arrivedAt, left_at: s.leftAt, arrival_marked_at: null, departure_marked_at: null, updated_by: s.by };
      await trx.insertInto('attendances').values({ child_id: s.childId, group_id: s.groupId, date: s.date, ...times })
        .onConflict((oc) => oc.columns(['child_id', 'group_id', 'date']).doUpdateSet(times)).execute();
    }
    const after = s.arrivedAt === null && s.leftAt === null ? null : { arrived_at: s.arrivedAt, left_at: s.leftAt };
    await recordHistory(trx, { childId: s.childId, date: s.date, what: 'attendance', old, new: after, by: s.by, at: s.now });
  });
}

/** The arrival and departure of one child in one group on a day (for the correction form). */
export async function attendanceTimes(db: Db, k: AttendanceKey): Promise<{ arrivedAt: string | null; leftAt: string | null }> {
  const [row] = await db.selectFrom('attendances').select(['arrived_at', 'left_at'])
    .where('child_id', '=', k.childId).where('group_id', '=', k.groupId).where('date', '=', k.date).execute();
  return { arrivedAt: row?.arrived_at ?? null, leftAt: row?.left_at ?? null };
}

/** Whether the child has been checked in on the day, in any of its groups (a guardian's absence can no longer be withdrawn). */
export async function hasArrivedOn(db: Db, childId: number, date: string): Promise<boolean> {
  const row = await db.selectFrom('attendances').select('id').where('child_id', '=', childId).where('date', '=', date)
    .where('arrived_at', 'is not', null).executeTakeFirst();
  return row !== undefined;
}
