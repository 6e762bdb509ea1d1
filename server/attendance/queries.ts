// Arrivals and departures: staff check a child in and out of one of its groups on the Today page. A child in a class
// and in fritids has an arrival in each. Every change is kept in the child's care history.
import { prepared, type Db } from '../kernel/db.ts';
import { jsonValues, lockedRows } from '../../db/sql.ts';
import { recordHistory } from '../history/queries.ts';

export interface Attendance { childId: number; arrivedAt: string | null; leftAt: string | null }

const attendancesInGroup = prepared((db: Db, childIds: string, groupId: number, date: string) => db.selectFrom('attendances')
  .select(['child_id', 'arrived_at', 'left_at'])
  .where('child_id', 'in', jsonValues(db, childIds)).where('group_id', '=', groupId).where('date', '=', date));

/** Arrivals and departures of the children in one group on a day, by child. */
export async function attendancesOn(db: Db, childIds: number[], date: string, groupId: number): Promise<Map<number, Attendance>> {
  if (childIds.length === 0) return new Map();
  const rows = await attendancesInGroup(db, JSON.stringify(childIds), groupId, date);
  return new Map(rows.map((r) => [r.child_id, { childId: r.child_id, arrivedAt: r.arrived_at, leftAt: r.left_at }]));
}

/** The day's row of the child in the group, locked until the transaction ends (see lockedRows). */
const attendanceOf = prepared((db: Db, childId: number, groupId: number, date: string) => lockedRows(db, db.selectFrom('attendances')
  .select(['arrived_at', 'left_at']).where('child_id', '=', childId).where('group_id', '=', groupId).where('date', '=', date)));

export interface AttendanceEvent { childId: number; groupId: number; date: string; event: 'arrive' | 'leave'; time: string; by: number; now: Date }

/**
 * Checks a child in or out of a group at `time` (HH:MM) today; arriving again clears a departure. The day's row is
 * locked while it is read, and a departure never writes the arrival: two staff tapping at once lose neither.
 */
export async function markAttendance(db: Db, a: AttendanceEvent): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const [before] = await attendanceOf(trx, a.childId, a.groupId, a.date);
    const after = a.event === 'arrive'
      ? { arrived_at: a.time, left_at: null }
      : { arrived_at: before?.arrived_at ?? null, left_at: a.time };
    const changed = a.event === 'arrive' ? after : { left_at: a.time };
    await trx.insertInto('attendances').values({ child_id: a.childId, group_id: a.groupId, date: a.date, ...after, updated_by: a.by })
      .onConflict((oc) => oc.columns(['child_id', 'group_id', 'date']).doUpdateSet({ ...changed, updated_by: a.by })).execute();
    await recordHistory(trx, { childId: a.childId, date: a.date, what: 'attendance', old: before ?? null, new: after, by: a.by, at: a.now });
  });
}
