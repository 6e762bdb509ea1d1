// Care times: each child's registered days, standard weekly schedules, and what the staff can expect on a day.
// Every change is kept in the child's care history (server/history/, what: 'times' or 'standard').
import type { Kysely } from 'kysely';
import type { Database, UnitKind } from '../../db/schema.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { jsonValues, lockedRows } from '../../db/sql.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { recordHistory } from '../history/queries.ts';
import { accountIsStaff, accountName } from '../accounts/queries.ts';
import { childPlacements, placementsOn, type PlacementDetails } from '../people/queries.ts';
import { closedDays, groupCutoff, openingHours, unitRules, unitsOpenOn, type UnitRules } from '../settings/queries.ts';
import { registers, sameTimes, type DayValue, type WeekPattern } from './rules.ts';
import { raiseConflict } from './homes.ts';
import { isoWeekday } from '../kernel/dates.ts';
import type { Calendar } from '../settings/calendar.ts';

type Trx = Kysely<Database>;

/** Units whose placements have care times: preschool and fritids (a school class has none). */
export const CARE_KINDS: readonly UnitKind[] = ['preschool', 'fritids'];

export type CarePlacement = PlacementDetails;

/** The child's current or coming placement with care times (preschool or fritids), the earliest first. */
export async function carePlacement(db: Db, childId: number, today: string): Promise<CarePlacement | undefined> {
  const [first] = await childPlacements(db, childId, today, CARE_KINDS);
  return first;
}

export interface Person { name: string; staff: boolean }

export interface RegisteredDay extends DayValue {
  date: string;
  /** 0 until times, "Ledig" or a comment were saved; bumped by each such change. */
  version: number;
  registeredBy: Person | null;
  updatedAt: string;
  staffComment: string | null;
  staffCommentBy: string | null;
}

/** The child's registered days from `from` to `to`, with who registered each and who wrote the staff's comment. */
const registeredBetween = prepared((db: Db, childId: number, from: string, to: string) => db.selectFrom('care_times')
  .select((eb) => ['care_times.date', 'care_times.starts', 'care_times.ends', 'care_times.day_off', 'care_times.comment',
    'care_times.version', 'care_times.updated_at', 'care_times.staff_comment',
    accountName(eb, 'care_times.registered_by').as('registered_by'), accountIsStaff(eb, 'care_times.registered_by').as('registered_by_staff'),
    accountName(eb, 'care_times.staff_comment_by').as('staff_comment_by')])
  .where('care_times.child_id', '=', childId).where('care_times.date', '>=', from).where('care_times.date', '<=', to));

export async function careTimesOf(db: Db, childId: number, from: string, to: string): Promise<Map<string, RegisteredDay>> {
  const rows = await registeredBetween(db, childId, from, to);
  return new Map(rows.map((r) => [r.date, {
    date: r.date, starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, comment: r.comment, version: r.version, updatedAt: r.updated_at,
    registeredBy: r.registered_by === null ? null : { name: r.registered_by, staff: Boolean(r.registered_by_staff) },
    staffComment: r.staff_comment, staffCommentBy: r.staff_comment_by,
  }]));
}

// ---------------------------------------------------------------------------------------------------------------------
// Standard schedules

export interface StandardSchedule { id: number; validFrom: string; days: WeekPattern; createdBy: string; createdAt: string }

/**
 * The child's standard schedules that apply on some day from `from` to `to` (the one in force on `from`, and every
 * later one), each row one of its days (none for a schedule without days).
 */
const schedulesBetween = prepared((db: Db, childId: number, from: string, to: string) => db.selectFrom('standard_schedules')
  .leftJoin('standard_care_times', 'standard_care_times.schedule_id', 'standard_schedules.id')
  .select((eb) => ['standard_schedules.id', 'standard_schedules.valid_from', 'standard_schedules.created_at',
    accountName(eb, 'standard_schedules.created_by').as('created_by'),
    'standard_care_times.weekday', 'standard_care_times.starts', 'standard_care_times.ends', 'standard_care_times.day_off'])
  .where('standard_schedules.child_id', '=', childId).where('standard_schedules.valid_from', '<=', to)
  .where('standard_schedules.valid_from', '>=', (eb) => eb.fn.coalesce(
    eb.selectFrom('standard_schedules as in_force').select((inner) => inner.fn.max('in_force.valid_from').as('valid_from'))
      .where('in_force.child_id', '=', childId).where('in_force.valid_from', '<=', from),
    eb.val('')))
  .orderBy('standard_schedules.valid_from'));

export async function standardSchedules(db: Db, childId: number, from: string, to: string): Promise<StandardSchedule[]> {
  const rows = await schedulesBetween(db, childId, from, to);
  const schedules: StandardSchedule[] = [];
  for (const r of rows) {
    let schedule = schedules[schedules.length - 1];
    if (schedule?.id !== r.id) {
      schedule = { id: r.id, validFrom: r.valid_from, createdAt: r.created_at, createdBy: r.created_by ?? '', days: new Map() };
      schedules.push(schedule);
    }
    if (r.weekday !== null) schedule.days.set(r.weekday, { starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, comment: null });
  }
  return schedules;
}

// ---------------------------------------------------------------------------------------------------------------------
// Everything about one child's care over a stretch of days

export interface ChildCare {
  placement: CarePlacement;
  rules: UnitRules;
  cutoff: string | null;
  calendar: Calendar;
  /** Why the unit is closed on a closed day ("Planeringsdag"). */
  closedReasons: Map<string, string>;
  registered: Map<string, RegisteredDay>;
  schedules: StandardSchedule[];
}

export async function loadChildCare(db: Db, placement: CarePlacement, from: string, to: string): Promise<ChildCare> {
  const [rules, cutoff, hours, closed, registered, schedules] = await Promise.all([
    unitRules(db, placement.unitId), groupCutoff(db, placement.groupId), openingHours(db, placement.unitId),
    closedDays(db, placement.unitId, from, to), careTimesOf(db, placement.childId, from, to), standardSchedules(db, placement.childId, from, to),
  ]);
  const calendar: Calendar = { hours, closed: new Set(closed.map((d) => d.date)) };
  return { placement, rules, cutoff, calendar, closedReasons: new Map(closed.map((d) => [d.date, d.reason])), registered, schedules };
}

// ---------------------------------------------------------------------------------------------------------------------
// What the staff can expect (the Today page)

export interface ExpectedCare {
  starts: string | null; ends: string | null; dayOff: boolean; source: 'registered' | 'standard';
  comment: string | null; staffComment: string | null; registeredBy: string | null;
}

/** The children's registered day for the Today page: its values and who registered it (the page shows no more). */
const registeredOn = prepared((db: Db, childIds: string, date: string) => db.selectFrom('care_times')
  .select((eb) => ['care_times.child_id', 'care_times.starts', 'care_times.ends', 'care_times.day_off', 'care_times.comment',
    'care_times.staff_comment', accountName(eb, 'care_times.registered_by').as('registered_by')])
  .where('care_times.child_id', 'in', jsonValues(db, childIds)).where('care_times.date', '=', date));
const schedulesInForce = prepared((db: Db, childIds: string, date: string) => db.selectFrom('standard_schedules')
  .select(['id', 'child_id', 'valid_from']).where('child_id', 'in', jsonValues(db, childIds)).where('valid_from', '<=', date).orderBy('valid_from'));
const standardWeekday = prepared((db: Db, scheduleIds: string, weekday: number) => db.selectFrom('standard_care_times')
  .select(['schedule_id', 'starts', 'ends', 'day_off']).where('schedule_id', 'in', jsonValues(db, scheduleIds)).where('weekday', '=', weekday));

/**
 * Each child's expected care on `date`: registered times (or "Ledig"), else the standard schedule's day when the
 * child's care unit is open and the placement covers the day. A child with neither is left out ("not registered").
 */
export async function expectedCare(db: Db, childIds: number[], date: string): Promise<Map<number, ExpectedCare>> {
  const result = new Map<number, ExpectedCare>();
  if (childIds.length === 0) return result;
  const rows = await registeredOn(db, JSON.stringify(childIds), date);
  const byChild = new Map(rows.map((r) => [r.child_id, {
    starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, comment: r.comment, staffComment: r.staff_comment, registeredBy: r.registered_by,
  }]));
  for (const [childId, day] of byChild) {
    if (!registers(day)) continue;
    result.set(childId, {
      starts: day.starts, ends: day.ends, dayOff: day.dayOff, source: 'registered', comment: day.comment,
      staffComment: day.staffComment, registeredBy: day.registeredBy,
    });
  }
  const rest = childIds.filter((id) => !result.has(id));
  if (rest.length === 0) return result;

  const weekday = isoWeekday(date);
  const schedules = await schedulesInForce(db, JSON.stringify(rest), date);
  const inForce = new Map<number, number>(); // child -> schedule id (the latest valid_from wins)
  for (const s of schedules) inForce.set(s.child_id, s.id);
  if (inForce.size === 0) return result;
  const [standardDays, placements] = await Promise.all([
    standardWeekday(db, JSON.stringify([...inForce.values()]), weekday),
    placementsOn(db, [...inForce.keys()], date, CARE_KINDS),
  ]);
  const units = [...new Set(placements.map((p) => p.unitId))];
  if (units.length === 0) return result;
  const openUnits = await unitsOpenOn(db, units, date);
  const cared = new Set(placements.filter((p) => openUnits.has(p.unitId)).map((p) => p.childId));
  const daysBySchedule = new Map(standardDays.map((d) => [d.schedule_id, d]));
  for (const [childId, scheduleId] of inForce) {
    const day = daysBySchedule.get(scheduleId);
    if (!day || !cared.has(childId)) continue;
    const own = byChild.get(childId);
    result.set(childId, {
      starts: day.day_off === 1 ? null : day.starts, ends: day.day_off === 1 ? null : day.ends, dayOff: day.day_off === 1, source: 'standard',
      comment: own?.comment ?? null, staffComment: own?.staffComment ?? null, registeredBy: null,
    });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// Writing

export interface DayWrite {
  childId: number;
  date: string;
  value: DayValue;
  /** The version the form was opened with: a day changed since then is a conflict. Null: write whatever is there. */
  expectedVersion: number | null;
  /** Only the times and "Ledig" (a repeated week or a copy to a sibling keeps the day's own comment). */
  timesOnly?: boolean;
  /**
   * Two homes: the saving guardian (a person) and the accounts of the guardians in the other household. A day one of
   * them registered with other times is not overwritten: this registration waits beside it (care_time_conflicts).
   */
  guard?: { person: number; otherAccounts: ReadonlySet<number> };
}

/** `raised`: the days whose registration waits beside another household's (two homes). */
export type SaveResult = { ok: true; written: number; raised: { childId: number; date: string }[] } | { ok: false; conflicts: { childId: number; date: string }[] };

function historyValue(v: DayValue) {
  return { starts: v.starts, ends: v.ends, dayOff: v.dayOff, comment: v.comment };
}

/**
 * Writes the days in one transaction. When any day's version is no longer the one its form was opened with, nothing
 * is written and the conflicting days are returned. A day whose value does not change is not written. Each write is
 * conditional on the version it read: a save that overlaps another's (PostgreSQL runs them side by side) finds its
 * row changed, starts again, and then sees the other's version like any later save would.
 */
export async function saveDays(db: Db, writes: DayWrite[], by: number, now: Date): Promise<SaveResult> {
  // Every save writes its days in the same order, so two saves sharing days wait for each other and never deadlock.
  const ordered = [...writes].sort((a, b) => a.childId - b.childId || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return retryRaces(() => db.transaction().execute((trx) => writeDays(trx, ordered, by, now)));
}

async function writeDays(trx: Trx, writes: DayWrite[], by: number, now: Date): Promise<SaveResult> {
  const current = new Map<string, { version: number; value: DayValue; registeredBy: number | null }>();
  for (const w of writes) {
    const row = await trx.selectFrom('care_times').select(['starts', 'ends', 'day_off', 'comment', 'version', 'registered_by'])
      .where('child_id', '=', w.childId).where('date', '=', w.date).executeTakeFirst();
    if (row) {
      current.set(`${w.childId}/${w.date}`, {
        version: row.version, value: { starts: row.starts, ends: row.ends, dayOff: row.day_off === 1, comment: row.comment }, registeredBy: row.registered_by,
      });
    }
  }
  // Two homes: a day the other household registered with other times keeps them; this registration waits beside it.
  const diverted = new Set(writes.filter((w) => {
    const before = current.get(`${w.childId}/${w.date}`);
    return w.guard && before && registers(before.value) && before.registeredBy !== null && w.guard.otherAccounts.has(before.registeredBy)
      && !sameTimes(before.value, w.value);
  }));
  const conflicts = writes.filter((w) => !diverted.has(w) && w.expectedVersion !== null && (current.get(`${w.childId}/${w.date}`)?.version ?? 0) !== w.expectedVersion);
  if (conflicts.length) return { ok: false, conflicts: conflicts.map((c) => ({ childId: c.childId, date: c.date })) };
  const raised: { childId: number; date: string }[] = [];
  for (const w of diverted) {
    await raiseConflict(trx, { childId: w.childId, date: w.date, value: w.value, person: w.guard?.person ?? 0, accountId: by, now });
    raised.push({ childId: w.childId, date: w.date });
  }
  let written = 0;
  for (const w of writes) {
    if (diverted.has(w)) continue;
    const before = current.get(`${w.childId}/${w.date}`);
    const value = w.timesOnly ? { ...w.value, comment: before?.value.comment ?? null } : w.value;
    const old = before?.value ?? null;
    if (old && old.starts === value.starts && old.ends === value.ends && old.dayOff === value.dayOff && old.comment === value.comment) continue;
    if (!old && !registers(value) && value.comment === null) continue;
    const row = { starts: value.starts, ends: value.ends, day_off: value.dayOff ? 1 : 0, comment: value.comment, registered_by: by, updated_at: now.toISOString() };
    if (before) {
      const updated = await trx.updateTable('care_times').set({ ...row, version: before.version + 1 })
        .where('child_id', '=', w.childId).where('date', '=', w.date).where('version', '=', before.version).executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new RaceLost(`care_times ${w.childId}/${w.date}: changed since read`);
    } else {
      const inserted = await trx.insertInto('care_times').values({ child_id: w.childId, date: w.date, ...row, version: 1 })
        .onConflict((oc) => oc.columns(['child_id', 'date']).doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) !== 1) throw new RaceLost(`care_times ${w.childId}/${w.date}: registered since read`);
    }
    await recordHistory(trx, { childId: w.childId, date: w.date, what: 'times', old: old && historyValue(old), new: historyValue(value), by, at: now });
    written++;
  }
  return { ok: true, written, raised };
}

/** The staff's comment on a day (empty removes it). It does not change the day's version: it is not the guardians' to conflict with. */
export async function saveStaffComment(db: Db, c: { childId: number; date: string; text: string | null; by: number; now: Date }): Promise<void> {
  await retryRaces(() => db.transaction().execute(async (trx) => {
    const row = await lockedRows(trx, trx.selectFrom('care_times').select(['staff_comment']).where('child_id', '=', c.childId).where('date', '=', c.date))
      .executeTakeFirst();
    const old = row?.staff_comment ?? null;
    if (old === c.text) return;
    const comment = { staff_comment: c.text, staff_comment_by: c.by, staff_comment_at: c.now.toISOString() };
    if (row) {
      await trx.updateTable('care_times').set(comment).where('child_id', '=', c.childId).where('date', '=', c.date).execute();
    } else {
      const inserted = await trx.insertInto('care_times').values({
        child_id: c.childId, date: c.date, starts: null, ends: null, day_off: 0, comment: null, registered_by: null,
        updated_at: c.now.toISOString(), version: 0, ...comment,
      }).onConflict((oc) => oc.columns(['child_id', 'date']).doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows) !== 1) throw new RaceLost(`care_times ${c.childId}/${c.date}: registered since read`);
    }
    await recordHistory(trx, { childId: c.childId, date: c.date, what: 'times', old: old === null ? null : { staffComment: old },
      new: c.text === null ? null : { staffComment: c.text }, by: c.by, at: c.now });
  }));
}

/**
 * A new standard schedule from `validFrom` on. Schedules that would start on or after it are replaced: the newest
 * decision wins. Days before `validFrom` keep the schedule they had.
 */
export async function saveStandard(db: Db, s: { childId: number; validFrom: string; days: WeekPattern; by: number; now: Date }): Promise<void> {
  // Two saves from the same day at once: the second finds the first's schedule there, and replaces it on its next try.
  await retryRaces(() => db.transaction().execute(async (trx) => {
    const earlier = await trx.selectFrom('standard_schedules').select('id').where('child_id', '=', s.childId)
      .where('valid_from', '<=', s.validFrom).orderBy('valid_from', 'desc').executeTakeFirst();
    const old = earlier ? await patternOf(trx, earlier.id) : null;
    const replaced = await trx.selectFrom('standard_schedules').select(['id', 'valid_from']).where('child_id', '=', s.childId)
      .where('valid_from', '>=', s.validFrom).execute();
    for (const later of replaced.filter((r) => r.valid_from > s.validFrom)) {
      await recordHistory(trx, { childId: s.childId, date: later.valid_from, what: 'standard', old: await patternOf(trx, later.id), new: null, by: s.by, at: s.now });
    }
    if (replaced.length) {
      const ids = replaced.map((r) => r.id);
      await trx.deleteFrom('standard_care_times').where('schedule_id', 'in', ids).execute();
      await trx.deleteFrom('standard_schedules').where('id', 'in', ids).execute();
    }
    const { id } = await trx.insertInto('standard_schedules')
      .values({ child_id: s.childId, valid_from: s.validFrom, created_by: s.by, created_at: s.now.toISOString() })
      .returning('id').executeTakeFirstOrThrow();
    const rows = [...s.days].map(([weekday, v]) => ({ schedule_id: id, weekday, starts: v.starts, ends: v.ends, day_off: v.dayOff ? 1 : 0 }));
    if (rows.length) await trx.insertInto('standard_care_times').values(rows).execute();
    await recordHistory(trx, { childId: s.childId, date: s.validFrom, what: 'standard', old, new: patternJson(s.days), by: s.by, at: s.now });
  }), ['standard_schedules.valid_from']);
}

async function patternOf(trx: Trx, scheduleId: number): Promise<Record<string, unknown>> {
  const rows = await trx.selectFrom('standard_care_times').selectAll().where('schedule_id', '=', scheduleId).execute();
  return patternJson(new Map(rows.map((r) => [r.weekday, { starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, comment: null }])));
}

function patternJson(days: WeekPattern): Record<string, unknown> {
  return Object.fromEntries([...days].sort(([a], [b]) => a - b).map(([weekday, v]) => [weekday, { starts: v.starts, ends: v.ends, dayOff: v.dayOff }]));
}

/**
 * A child's first standard schedule, written as it is, without a line in the child's history (nothing was changed by
 * anyone): for the demo municipality, and later for care times brought over from another system.
 */
export async function insertFirstStandard(trx: Db, s: { childId: number; validFrom: string; days: WeekPattern; by: number; now: Date }): Promise<void> {
  const { id } = await trx.insertInto('standard_schedules')
    .values({ child_id: s.childId, valid_from: s.validFrom, created_by: s.by, created_at: s.now.toISOString() })
    .returning('id').executeTakeFirstOrThrow();
  const rows = [...s.days].map(([weekday, v]) => ({ schedule_id: id, weekday, starts: v.starts, ends: v.ends, day_off: v.dayOff ? 1 : 0 }));
  if (rows.length) await trx.insertInto('standard_care_times').values(rows).execute();
}

const timesOfChildrenBetween = prepared((db: Db, childIds: string, from: string, to: string, today: string) => db.selectFrom('care_times')
  .select('child_id').distinct().where('child_id', 'in', jsonValues(db, childIds)).where('date', '>=', from).where('date', '>=', today)
  .where('date', '<=', to).where('starts', 'is not', null));

/** Of the children, those with care times registered on some day from `from` to `to` not before `today` (a unit closing those days). */
export async function childrenWithTimesBetween(db: Db, childIds: readonly number[], from: string, to: string, today: string): Promise<Set<number>> {
  if (childIds.length === 0) return new Set();
  return new Set((await timesOfChildrenBetween(db, JSON.stringify(childIds), from, to, today)).map((r) => r.child_id));
}
