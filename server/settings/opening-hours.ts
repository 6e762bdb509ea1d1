// Changing a unit's opening hours. When the new hours cut into care times guardians have registered, or into
// children's standard weeks, the unit head first sees which children (and which days and times) before anything is
// saved; once confirmed, the hours are saved and those children's guardians told, in one transaction. A change
// that affects nobody is saved at once.
import type { Db } from '../kernel/db.ts';
import { addMonths, isoWeekday, weekKey } from '../kernel/dates.ts';
import { retryRaces } from '../kernel/races.ts';
import { openAccountsOf } from '../accounts/queries.ts';
import { defineNotificationKind } from '../notifications/kinds.ts';
import { notify } from '../notifications/queries.ts';
import { childrenInGroup, groupsOfUnit, guardiansOfChild } from '../people/queries.ts';
import { closedDays, openingHours, writeOpeningHours, type Change } from './queries.ts';
import { cutWeekdays, outsideHours, type Hours } from './rules.ts';

export const openingHoursNotification = defineNotificationKind({ key: 'openingHours', topic: 'information' });

interface Times { starts: string | null; ends: string | null; dayOff: boolean }

/**
 * Schedule's queries of one child's registered days and standard weeks, handed in by app.ts (schedule reads settings'
 * calendar, so settings may not import schedule).
 */
export interface ScheduleReads {
  careTimesOf: (db: Db, childId: number, from: string, to: string) => Promise<ReadonlyMap<string, Times>>;
  standardSchedules: (db: Db, childId: number, from: string, to: string) => Promise<readonly { validFrom: string; days: ReadonlyMap<number, Times> }[]>;
}

/** A child with care outside the new hours: registered days from today on, and days of standard weeks in force now or later. */
export interface AffectedChild {
  id: number;
  name: string;
  firstName: string;
  days: { date: string; starts: string; ends: string | null }[];
  standard: { weekday: number; starts: string; ends: string | null; validFrom: string }[];
}

/** How far ahead registered days are looked at: the longest a unit lets guardians plan (settings' plan-ahead limit). */
const MONTHS_AHEAD = 24;

/** The children placed in the unit today whose care, from `today` on, lies outside `after` on a weekday it cuts. */
export async function hoursImpact(
  db: Db, reads: ScheduleReads, unitId: number, before: Record<number, Hours>, after: Record<number, Hours>, today: string,
): Promise<AffectedChild[]> {
  const cut = cutWeekdays(before, after);
  if (cut.size === 0) return [];
  const last = addMonths(today, MONTHS_AHEAD);
  const groups = await groupsOfUnit(db, unitId);
  const children = (await Promise.all(groups.map((g) => childrenInGroup(db, g.id, today)))).flat();
  const closed = new Set((await closedDays(db, unitId, today, last)).map((d) => d.date));
  const affected: AffectedChild[] = [];
  for (const child of children) {
    const [registered, schedules] = await Promise.all([reads.careTimesOf(db, child.id, today, last), reads.standardSchedules(db, child.id, today, last)]);
    const days: AffectedChild['days'] = [];
    for (const [date, day] of [...registered].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const weekday = isoWeekday(date);
      if (day.starts === null || day.dayOff || !cut.has(weekday) || closed.has(date)) continue;
      const times = { starts: day.starts, ends: day.ends };
      if (outsideHours(times, after[weekday])) days.push({ date, ...times });
    }
    const standard: AffectedChild['standard'] = [];
    for (const schedule of schedules) {
      for (const [weekday, v] of [...schedule.days].sort(([a], [b]) => a - b)) {
        if (v.starts === null || v.dayOff || !cut.has(weekday)) continue;
        const times = { starts: v.starts, ends: v.ends };
        if (outsideHours(times, after[weekday])) standard.push({ weekday, ...times, validFrom: schedule.validFrom });
      }
    }
    if (days.length || standard.length) affected.push({ id: child.id, name: `${child.firstName} ${child.lastName}`, firstName: child.firstName, days, standard });
  }
  return affected.sort((a, b) => a.name.localeCompare(b.name, 'sv'));
}

export type ChangeHours = { ok: true; told: AffectedChild[] } | { ok: false; affected: AffectedChild[] };

/**
 * Saves the new opening hours, unless they cut into some child's care and the unit head has not confirmed exactly
 * those children (`confirmed`, the ids the preview showed; null before the preview): then nothing is saved and the
 * children are returned for the preview. Saved, the guardians of each affected child are told.
 */
export async function changeOpeningHours(
  db: Db, reads: ScheduleReads, unit: { id: number; name: string }, hours: Record<number, Hours>, change: Change, today: string,
  confirmed: readonly number[] | null,
): Promise<ChangeHours> {
  // Two saves at once: the second's rows meet the first's (their unique key), and it runs again over them.
  return retryRaces(() => db.transaction().execute(async (trx): Promise<ChangeHours> => {
    const before = await openingHours(trx, unit.id);
    const affected = await hoursImpact(trx, reads, unit.id, before, hours, today);
    if (affected.length && !sameChildren(affected, confirmed)) return { ok: false, affected };
    await writeOpeningHours(trx, unit.id, hours, before, change);
    for (const child of affected) {
      const accounts = await openAccountsOf(trx, (await guardiansOfChild(trx, child.id)).map((g) => g.id));
      const first = child.days[0]?.date;
      await notify(trx, {
        accountIds: accounts.map((a) => a.id), kind: openingHoursNotification, childId: child.id, at: change.at,
        url: first ? `/children/${child.id}/schedule?week=${weekKey(first)}` : `/children/${child.id}/schedule/standard`,
        params: { unit: unit.name, child: child.firstName, date: today },
      });
    }
    return { ok: true, told: affected };
  }), ['unit_opening_hours.weekday']);
}

function sameChildren(affected: readonly AffectedChild[], confirmed: readonly number[] | null): boolean {
  if (confirmed === null) return false;
  const ids = affected.map((c) => c.id).sort((a, b) => a - b);
  const seen = [...confirmed].sort((a, b) => a - b);
  return ids.length === seen.length && ids.every((id, i) => id === seen[i]);
}
