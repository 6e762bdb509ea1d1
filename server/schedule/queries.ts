// Care times: each child's registered days, standard weekly schedules, and what the staff can expect on a day.
// Every change is kept in the child's care history (server/absence/queries.ts, what: 'times' or 'standard').
import type { Kysely } from 'kysely';
import type { Database, HourLimit, UnitKind } from '../../db/schema.ts';
import { prepared, type Db } from '../kernel/db.ts';
import { jsonValues } from '../../db/sql.ts';
import { recordHistory } from '../absence/queries.ts';
import { currentPlacements } from '../people/relations.ts';
import { closedDays, groupCutoffs, openingHours, unitRules, type UnitRules } from '../settings/queries.ts';
import { registers, type DayValue, type WeekPattern } from './rules.ts';
import { isoWeekday } from '../kernel/dates.ts';
import type { Calendar } from '../settings/calendar.ts';

type Trx = Kysely<Database>;

/** Units whose placements have care times: preschool and fritids (a school class has none). */
export const CARE_KINDS: readonly UnitKind[] = ['preschool', 'fritids'];

export interface CarePlacement {
  childId: number; firstName: string; lastName: string;
  groupId: number; groupName: string; unitId: number; unitName: string; unitKind: UnitKind;
  startDate: string; endDate: string | null; hourLimit: HourLimit;
}

/** The child's current or coming placement with care times (preschool or fritids), the earliest first. */
const carePlacements = prepared((db: Db, childId: number, today: string) => currentPlacements(db, today)
  .innerJoin('persons', 'persons.id', 'placements.child_id')
  .select(['persons.first_name', 'persons.last_name', 'groups.id as group_id', 'groups.name as group_name', 'units.id as unit_id',
    'units.name as unit_name', 'units.kind', 'placements.start_date', 'placements.end_date', 'placements.hour_limit'])
  .where('placements.child_id', '=', childId).where('units.kind', 'in', CARE_KINDS)
  .orderBy('placements.start_date').orderBy('placements.id'));

export async function carePlacement(db: Db, childId: number, today: string): Promise<CarePlacement | undefined> {
  const [r] = await carePlacements(db, childId, today);
  return r && {
    childId, firstName: r.first_name, lastName: r.last_name, groupId: r.group_id, groupName: r.group_name, unitId: r.unit_id,
    unitName: r.unit_name, unitKind: r.kind, startDate: r.start_date, endDate: r.end_date, hourLimit: r.hour_limit,
  };
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

function registeredDays(db: Db) {
  return db.selectFrom('care_times')
    .leftJoin('accounts as reg', 'reg.id', 'care_times.registered_by')
    .leftJoin('persons as reg_person', 'reg_person.id', 'reg.person_id')
    .leftJoin('accounts as staff', 'staff.id', 'care_times.staff_comment_by')
    .leftJoin('persons as staff_person', 'staff_person.id', 'staff.person_id')
    .select((eb) => ['care_times.child_id', 'care_times.date', 'care_times.starts', 'care_times.ends', 'care_times.day_off',
      'care_times.comment', 'care_times.version', 'care_times.updated_at', 'care_times.staff_comment',
      'reg.display_name as reg_display', 'reg_person.first_name as reg_first', 'reg_person.last_name as reg_last',
      'staff.display_name as staff_display', 'staff_person.first_name as staff_first', 'staff_person.last_name as staff_last',
      eb.exists(eb.selectFrom('staff_assignments').select('staff_assignments.id').whereRef('staff_assignments.person_id', '=', 'reg_person.id'))
        .as('reg_is_staff')]);
}

type RegisteredRow = Awaited<ReturnType<ReturnType<typeof registeredDays>['execute']>>[number];

function nameOf(display: string | null, first: string | null, last: string | null): string | null {
  return display ?? (first === null ? null : `${first} ${last ?? ''}`.trim());
}

function toRegistered(r: RegisteredRow): RegisteredDay {
  const name = nameOf(r.reg_display, r.reg_first, r.reg_last);
  return {
    date: r.date, starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, comment: r.comment, version: r.version, updatedAt: r.updated_at,
    registeredBy: name === null ? null : { name, staff: Boolean(r.reg_is_staff) },
    staffComment: r.staff_comment, staffCommentBy: nameOf(r.staff_display, r.staff_first, r.staff_last),
  };
}

/** The child's registered days from `from` to `to`, by date. */
const registeredBetween = prepared((db: Db, childId: number, from: string, to: string) => registeredDays(db)
  .where('care_times.child_id', '=', childId).where('care_times.date', '>=', from).where('care_times.date', '<=', to));

export async function careTimesOf(db: Db, childId: number, from: string, to: string): Promise<Map<string, RegisteredDay>> {
  const rows = await registeredBetween(db, childId, from, to);
  return new Map(rows.map((r) => [r.date, toRegistered(r)]));
}

// ---------------------------------------------------------------------------------------------------------------------
// Standard schedules

export interface StandardSchedule { id: number; validFrom: string; days: WeekPattern; createdBy: string; createdAt: string }

/** The child's standard schedules that apply on some day up to `to`: the one in force before `from`, and every later one. */
const schedulesUpTo = prepared((db: Db, childId: number, to: string) => db.selectFrom('standard_schedules')
  .innerJoin('accounts', 'accounts.id', 'standard_schedules.created_by').innerJoin('persons', 'persons.id', 'accounts.person_id')
  .select(['standard_schedules.id', 'standard_schedules.valid_from', 'standard_schedules.created_at', 'accounts.display_name',
    'persons.first_name', 'persons.last_name'])
  .where('standard_schedules.child_id', '=', childId).where('standard_schedules.valid_from', '<=', to)
  .orderBy('standard_schedules.valid_from'));

export async function standardSchedules(db: Db, childId: number, from: string, to: string): Promise<StandardSchedule[]> {
  const all = await schedulesUpTo(db, childId, to);
  let firstInForce = 0;
  all.forEach((s, n) => { if (s.valid_from <= from) firstInForce = n; });
  const wanted = all.slice(firstInForce);
  if (wanted.length === 0) return [];
  const days = await db.selectFrom('standard_care_times').selectAll().where('schedule_id', 'in', wanted.map((s) => s.id)).execute();
  return wanted.map((s) => ({
    id: s.id, validFrom: s.valid_from, createdAt: s.created_at, createdBy: nameOf(s.display_name, s.first_name, s.last_name) ?? '',
    days: new Map(days.filter((d) => d.schedule_id === s.id)
      .map((d) => [d.weekday, { starts: d.starts, ends: d.ends, dayOff: d.day_off === 1, comment: null }])),
  }));
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
  const [rules, cutoffs, hours, closed, registered, schedules] = await Promise.all([
    unitRules(db, placement.unitId), groupCutoffs(db, placement.unitId), openingHours(db, placement.unitId),
    closedDays(db, placement.unitId, from, to), careTimesOf(db, placement.childId, from, to), standardSchedules(db, placement.childId, from, to),
  ]);
  const cutoff = cutoffs.find((g) => g.groupId === placement.groupId)?.cutoff ?? null;
  const calendar: Calendar = { hours, closed: new Set(closed.map((d) => d.date)) };
  return { placement, rules, cutoff, calendar, closedReasons: new Map(closed.map((d) => [d.date, d.reason])), registered, schedules };
}

// ---------------------------------------------------------------------------------------------------------------------
// What the staff can expect (the Today page)

export interface ExpectedCare {
  starts: string | null; ends: string | null; dayOff: boolean; source: 'registered' | 'standard';
  comment: string | null; staffComment: string | null; registeredBy: string | null;
}

/**
 * Each child's expected care on `date`: registered times (or "Ledig"), else the standard schedule's day when the
 * child's care unit is open and the placement covers the day. A child with neither is left out ("not registered").
 */
/** The children's registered day for the Today page: its values and who registered it (the page shows no more). */
const registeredOn = prepared((db: Db, childIds: string, date: string) => db.selectFrom('care_times')
  .leftJoin('accounts as reg', 'reg.id', 'care_times.registered_by')
  .leftJoin('persons as reg_person', 'reg_person.id', 'reg.person_id')
  .select(['care_times.child_id', 'care_times.starts', 'care_times.ends', 'care_times.day_off', 'care_times.comment',
    'care_times.staff_comment', 'reg.display_name as reg_display', 'reg_person.first_name as reg_first', 'reg_person.last_name as reg_last'])
  .where('care_times.child_id', 'in', jsonValues<number>(childIds)).where('care_times.date', '=', date));
const schedulesInForce = prepared((db: Db, childIds: string, date: string) => db.selectFrom('standard_schedules')
  .select(['id', 'child_id', 'valid_from']).where('child_id', 'in', jsonValues<number>(childIds)).where('valid_from', '<=', date).orderBy('valid_from'));
const standardWeekday = prepared((db: Db, scheduleIds: string, weekday: number) => db.selectFrom('standard_care_times')
  .select(['schedule_id', 'starts', 'ends', 'day_off']).where('schedule_id', 'in', jsonValues<number>(scheduleIds)).where('weekday', '=', weekday));
const carePlacementsOn = prepared((db: Db, childIds: string, date: string) => currentPlacements(db, date)
  .select(['placements.child_id', 'groups.unit_id', 'placements.start_date', 'placements.end_date'])
  .where('placements.child_id', 'in', jsonValues<number>(childIds)).where('units.kind', 'in', CARE_KINDS).where('placements.start_date', '<=', date));
const unitsOpenOn = prepared((db: Db, unitIds: string, weekday: number) => db.selectFrom('unit_opening_hours').select('unit_id')
  .where('unit_id', 'in', jsonValues<number>(unitIds)).where('weekday', '=', weekday));
const unitsClosedOn = prepared((db: Db, unitIds: string, date: string) => db.selectFrom('unit_closed_days').select('unit_id')
  .where('unit_id', 'in', jsonValues<number>(unitIds)).where('date', '=', date));

export async function expectedCare(db: Db, childIds: number[], date: string): Promise<Map<number, ExpectedCare>> {
  const result = new Map<number, ExpectedCare>();
  if (childIds.length === 0) return result;
  const rows = await registeredOn(db, JSON.stringify(childIds), date);
  const byChild = new Map(rows.map((r) => [r.child_id, {
    starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, comment: r.comment, staffComment: r.staff_comment,
    registeredBy: nameOf(r.reg_display, r.reg_first, r.reg_last),
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
    carePlacementsOn(db, JSON.stringify([...inForce.keys()]), date),
  ]);
  const units = [...new Set(placements.map((p) => p.unit_id))];
  if (units.length === 0) return result;
  const [open, closed] = await Promise.all([unitsOpenOn(db, JSON.stringify(units), weekday), unitsClosedOn(db, JSON.stringify(units), date)]);
  const openUnits = new Set(open.map((o) => o.unit_id));
  for (const c of closed) openUnits.delete(c.unit_id);
  const cared = new Set(placements.filter((p) => openUnits.has(p.unit_id)).map((p) => p.child_id));
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
}

export type SaveResult = { ok: true; written: number } | { ok: false; conflicts: { childId: number; date: string }[] };

function historyValue(v: DayValue) {
  return { starts: v.starts, ends: v.ends, dayOff: v.dayOff, comment: v.comment };
}

/**
 * Writes the days in one transaction. When any day's version is no longer the one its form was opened with, nothing
 * is written and the conflicting days are returned. A day whose value does not change is not written.
 */
export async function saveDays(db: Db, writes: DayWrite[], by: number, now: Date): Promise<SaveResult> {
  return db.transaction().execute(async (trx) => {
    const current = new Map<string, { version: number; value: DayValue }>();
    for (const w of writes) {
      const row = await trx.selectFrom('care_times').select(['starts', 'ends', 'day_off', 'comment', 'version'])
        .where('child_id', '=', w.childId).where('date', '=', w.date).executeTakeFirst();
      if (row) current.set(`${w.childId}/${w.date}`, { version: row.version, value: { starts: row.starts, ends: row.ends, dayOff: row.day_off === 1, comment: row.comment } });
    }
    const conflicts = writes.filter((w) => w.expectedVersion !== null && (current.get(`${w.childId}/${w.date}`)?.version ?? 0) !== w.expectedVersion);
    if (conflicts.length) return { ok: false, conflicts: conflicts.map((c) => ({ childId: c.childId, date: c.date })) } as const;
    let written = 0;
    for (const w of writes) {
      const before = current.get(`${w.childId}/${w.date}`);
      const value = w.timesOnly ? { ...w.value, comment: before?.value.comment ?? null } : w.value;
      const old = before?.value ?? null;
      if (old && old.starts === value.starts && old.ends === value.ends && old.dayOff === value.dayOff && old.comment === value.comment) continue;
      if (!old && !registers(value) && value.comment === null) continue;
      const row = { starts: value.starts, ends: value.ends, day_off: value.dayOff ? 1 : 0, comment: value.comment, registered_by: by, updated_at: now.toISOString() };
      if (before) {
        await trx.updateTable('care_times').set({ ...row, version: before.version + 1 })
          .where('child_id', '=', w.childId).where('date', '=', w.date).execute();
      } else {
        await trx.insertInto('care_times').values({ child_id: w.childId, date: w.date, ...row, version: 1 }).execute();
      }
      await recordHistory(trx, { childId: w.childId, date: w.date, what: 'times', old: old && historyValue(old), new: historyValue(value), by, at: now });
      written++;
    }
    return { ok: true, written } as const;
  });
}

/** The staff's comment on a day (empty removes it). It does not change the day's version: it is not the guardians' to conflict with. */
export async function saveStaffComment(db: Db, c: { childId: number; date: string; text: string | null; by: number; now: Date }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('care_times').select(['staff_comment']).where('child_id', '=', c.childId).where('date', '=', c.date).executeTakeFirst();
    const old = row?.staff_comment ?? null;
    if (old === c.text) return;
    const comment = { staff_comment: c.text, staff_comment_by: c.by, staff_comment_at: c.now.toISOString() };
    if (row) {
      await trx.updateTable('care_times').set(comment).where('child_id', '=', c.childId).where('date', '=', c.date).execute();
    } else {
      await trx.insertInto('care_times').values({
        child_id: c.childId, date: c.date, starts: null, ends: null, day_off: 0, comment: null, registered_by: null,
        updated_at: c.now.toISOString(), version: 0, ...comment,
      }).execute();
    }
    await recordHistory(trx, { childId: c.childId, date: c.date, what: 'times', old: old === null ? null : { staffComment: old },
      new: c.text === null ? null : { staffComment: c.text }, by: c.by, at: c.now });
  });
}

/**
 * A new standard schedule from `validFrom` on. Schedules that would start on or after it are replaced: the newest
 * decision wins. Days before `validFrom` keep the schedule they had.
 */
export async function saveStandard(db: Db, s: { childId: number; validFrom: string; days: WeekPattern; by: number; now: Date }): Promise<void> {
  await db.transaction().execute(async (trx) => {
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
  });
}

async function patternOf(trx: Trx, scheduleId: number): Promise<Record<string, unknown>> {
  const rows = await trx.selectFrom('standard_care_times').selectAll().where('schedule_id', '=', scheduleId).execute();
  return patternJson(new Map(rows.map((r) => [r.weekday, { starts: r.starts, ends: r.ends, dayOff: r.day_off === 1, comment: null }])));
}

function patternJson(days: WeekPattern): Record<string, unknown> {
  return Object.fromEntries([...days].sort(([a], [b]) => a - b).map(([weekday, v]) => [weekday, { starts: v.starts, ends: v.ends, dayOff: v.dayOff }]));
}
