// The menu (matsedel): the only SQL on menu_days. A unit's days of a week, the lunch of some units on one day (the
// tomorrow card), and saving a week so that two staff saving at once never silently lose each other's day: only the
// days the user changed are written, each only from the version it was read at (a conditional update; a new day's key
// is the unit and date); a changed day someone else saved meanwhile is handed back as a conflict with nothing of the
// week written, and a day the user left alone that someone else saved meanwhile keeps their save.
import type { Db } from '../kernel/db.ts';
import type { Locators } from '../kernel/http.ts';
import type { Location } from '../kernel/policy.ts';
import { currentPlacements, locateUnit } from '../people/relations.ts';
import { RaceLost, retryRaces } from '../kernel/races.ts';
import { MEALS, sameMeals, type DayMeals, type MenuDayInput } from './rules.ts';

export interface MenuDay extends DayMeals { date: string; version: number }

function toDay(r: { date: string; breakfast: string | null; lunch: string | null; snack: string | null; version: number }): MenuDay {
  return { date: r.date, breakfast: r.breakfast, lunch: r.lunch, snack: r.snack, version: r.version };
}

/** The unit's written days from `from` to `to`, by date. */
export async function menuDays(db: Db, unitId: number, from: string, to: string): Promise<Map<string, MenuDay>> {
  const rows = await db.selectFrom('menu_days').select(['date', 'breakfast', 'lunch', 'snack', 'version'])
    .where('unit_id', '=', unitId).where('date', '>=', from).where('date', '<=', to).orderBy('date').execute();
  return new Map(rows.map((r) => [r.date, toDay(r)]));
}

/** The lunch of each of the units on `date` (those with one written), for the tomorrow card: one query for all. */
export async function lunchesOn(db: Db, unitIds: readonly number[], date: string): Promise<Map<number, string>> {
  if (unitIds.length === 0) return new Map();
  const rows = await db.selectFrom('menu_days').select(['unit_id', 'lunch'])
    .where('unit_id', 'in', [...new Set(unitIds)]).where('date', '=', date).where('lunch', 'is not', null).execute();
  return new Map(rows.flatMap((r) => (r.lunch ? [[r.unit_id, r.lunch] as const] : [])));
}

/** Saved, or refused: the days someone else saved since the form was made (what they hold now), and the week as stored. */
export type SaveWeek = { ok: true; written: number } | { ok: false; conflicts: MenuDay[]; stored: Map<string, MenuDay> };

/**
 * Saves the week's days that this user changed. A day not edited is skipped, also when another save changed it since
 * the form was made (that save stands). An edited day whose stored version is not the one the form was made from, and
 * whose stored meals differ from the ones sent, is a conflict: nothing is written and the conflicts come back with the
 * week as stored. On PostgreSQL a day changed or first written by another save between the read and the write makes
 * the transaction run again (and then it finds the conflict).
 */
export async function saveWeek(db: Db, unitId: number, days: readonly MenuDayInput[], by: number, at: Date): Promise<SaveWeek> {
  return retryRaces(() => db.transaction().execute((trx) => writeWeek(trx, unitId, days, by, at)), ['menu_days.date']);
}

/** saveWeek's work in the caller's transaction (the demo's seed); a RaceLost or unique violation rolls it back. */
export async function writeWeek(trx: Db, unitId: number, days: readonly MenuDayInput[], by: number, at: Date): Promise<SaveWeek> {
  if (days.length === 0) return { ok: true, written: 0 };
  const dates = days.map((d) => d.date).sort();
  const stored = await menuDays(trx, unitId, dates[0], dates[dates.length - 1]);
  const conflicts: MenuDay[] = [];
  const writes: MenuDayInput[] = [];
  for (const day of days) {
    if (day.edited === false) continue;
    const now = stored.get(day.date);
    if (now && sameMeals(now, day)) continue;
    if (!now && MEALS.every((meal) => day[meal] === null)) continue;
    if ((now?.version ?? 0) !== day.version) conflicts.push(now ?? { date: day.date, breakfast: null, lunch: null, snack: null, version: 0 });
    else writes.push(day);
  }
  if (conflicts.length) return { ok: false, conflicts, stored };
  const stamp = { updated_by_account_id: by, updated_at: at.toISOString() };
  for (const day of writes) {
    const meals = { breakfast: day.breakfast, lunch: day.lunch, snack: day.snack };
    if (day.version === 0) {
      // A day another save wrote first fails on the key: the transaction runs again and finds the conflict.
      await trx.insertInto('menu_days').values({ unit_id: unitId, date: day.date, ...meals, version: 1, ...stamp }).execute();
      continue;
    }
    const result = await trx.updateTable('menu_days').set({ ...meals, version: day.version + 1, ...stamp })
      .where('unit_id', '=', unitId).where('date', '=', day.date).where('version', '=', day.version).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new RaceLost(`menu day ${day.date} changed`);
  }
  return { ok: true, written: writes.length };
}

/** A unit's menu sits in the unit, for its staff and head, its municipality, and the children placed in it now or later. */
async function locateUnitMenu(db: Db, unitId: number, today: string): Promise<Location | null> {
  const unit = await locateUnit(db, unitId);
  if (!unit) return null;
  const children = await currentPlacements(db, today).select('placements.child_id').distinct().where('groups.unit_id', '=', unitId).execute();
  return { ...unit, childIds: children.map((c) => c.child_id) };
}

/** The records of this module that routes name by id. */
export const menuLocators = { unitMenu: locateUnitMenu } satisfies Partial<Locators>;
