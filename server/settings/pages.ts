// What the unit settings pages show: the overview (each section's current values, with a link to change them), each
// section's own page, and the preview of new opening hours that leave children's care times outside them.
import type { TFunction } from 'i18next';
import type { Db } from '../kernel/db.ts';
import { addMonths, isoWeekday, WEEKDAYS } from '../kernel/dates.ts';
import { notFound } from '../kernel/http.ts';
import { formatDay, type Language } from '../kernel/i18n.ts';
import { findUnit } from '../people/queries.ts';
import { closedEntries, documentationFeatures, enabledBoxes, groupCutoffs, holidaysOfUnit, openingHours, settingsHistory, unitRules } from './queries.ts';
import { childrenWithTimes, type ChildrenWithTimesBetween } from './close-days.ts';
import type { AffectedChild } from './opening-hours.ts';
import type { Hours } from './rules.ts';
import { readableHistory } from './history.ts';

/** The sections of a unit's settings, each a page of its own under /units/:unitId/settings/. */
export type Section = 'boxes' | 'opening-hours' | 'care-times' | 'closed-days' | 'holidays' | 'documentation' | 'history';
export const SECTIONS: readonly Section[] = ['boxes', 'opening-hours', 'care-times', 'closed-days', 'holidays', 'documentation', 'history'];

interface PageDeps { db: Db; boxes: readonly string[]; timesBetween: ChildrenWithTimesBetween }

/** Weekdays in a row with the same hours: "måndag–fredag 06:30–18:00", "lördag–söndag stängt". */
export interface HoursRun { from: number; to: number; hours: Hours }

export function hoursRuns(hours: Record<number, Hours>): HoursRun[] {
  const runs: HoursRun[] = [];
  for (const day of WEEKDAYS) {
    const h = hours[day] ?? null;
    const last = runs[runs.length - 1];
    if (last && last.to === day - 1 && sameHours(last.hours, h)) last.to = day;
    else runs.push({ from: day, to: day, hours: h });
  }
  return runs;
}

function sameHours(a: Hours, b: Hours): boolean {
  return a === null || b === null ? a === b : a.opens === b.opens && a.closes === b.closes;
}

async function unitOf(db: Db, unitId: number) {
  const unit = await findUnit(db, unitId);
  if (!unit) throw notFound();
  return unit;
}

/** The overview: each section's current values, short. */
export async function overview({ db, boxes: boxKeys }: PageDeps, unitId: number, language: Language, today: string) {
  const [unit, boxes, hours, rules, cutoffs, closed, holidays, [last], documentation] = await Promise.all([
    unitOf(db, unitId), enabledBoxes(db, unitId, boxKeys), openingHours(db, unitId), unitRules(db, unitId), groupCutoffs(db, unitId),
    closedEntries(db, unitId, today, '9999-12-31'), holidaysOfUnit(db, unitId, today, addMonths(today, 12)), settingsHistory(db, { unitId }, 1),
    documentationFeatures(db, unitId),
  ]);
  const year = today.slice(0, 4);
  const next = closed[0];
  return {
    unit,
    boxes: { shown: boxKeys.filter((b) => boxes[b]).length, total: boxKeys.length },
    hours: hoursRuns(hours),
    rules,
    cutoffs: cutoffs.filter((g) => g.cutoff !== null),
    nextClosed: next && {
      days: next.lastDate === next.date ? formatDay(next.date, language, year) : `${formatDay(next.date, language, year)} – ${formatDay(next.lastDate, language, year)}`,
      reason: next.reason,
    },
    openHolidays: holidays.filter((h) => h.open).map((h) => `${formatDay(h.date, language, year)} (${h.name})`),
    lastChange: last,
    documentation,
  };
}

/** One section's page: its current values (`values` fill the form) and what it lists. */
export async function sectionPage(deps: PageDeps, unitId: number, section: Section, t: TFunction, language: Language, today: string) {
  const { db } = deps;
  const unit = await unitOf(db, unitId);
  switch (section) {
    case 'boxes':
      return { unit, boxes: await enabledBoxes(db, unitId, deps.boxes), allBoxes: deps.boxes, values: {} };
    case 'opening-hours': {
      const hours = await openingHours(db, unitId);
      return { unit, weekdays: WEEKDAYS, values: hoursValues(hours) };
    }
    case 'care-times': {
      const [rules, cutoffs] = await Promise.all([unitRules(db, unitId), groupCutoffs(db, unitId)]);
      const values: Record<string, string> = {
        lock_days: String(rules.lockDays), plan_ahead_months: String(rules.planAheadMonths), invite_days_before: String(rules.inviteDaysBefore),
      };
      for (const g of cutoffs) values[`cutoff_${g.groupId}`] = g.cutoff ?? '';
      return { unit, cutoffs, values };
    }
    case 'closed-days': {
      const closed = await closedEntries(db, unitId, today, '9999-12-31');
      const affected = await Promise.all(closed.map((c) => childrenWithTimes(db, deps.timesBetween, unitId, c.date, c.lastDate, today)));
      return { unit, closed: closed.map((c, i) => ({ ...c, affected: affected[i] })), values: {} };
    }
    case 'holidays': {
      const [hours, holidays] = await Promise.all([openingHours(db, unitId), holidaysOfUnit(db, unitId, today, addMonths(today, 12))]);
      return { unit, holidays: holidays.filter((h) => hours[isoWeekday(h.date)]), values: {} };
    }
    case 'documentation': {
      const features = await documentationFeatures(db, unitId);
      return { unit, values: { notes: features.notes ? 'on' : '', guestbook: features.guestbook ? 'on' : '' } };
    }
    case 'history':
      return { unit, history: readableHistory(await settingsHistory(db, { unitId }), t, language), values: {} };
  }
}

function hoursValues(hours: Record<number, Hours>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const day of WEEKDAYS) {
    values[`opens_${day}`] = hours[day]?.opens ?? '';
    values[`closes_${day}`] = hours[day]?.closes ?? '';
  }
  return values;
}

/** How many of a child's registered days the preview lists; the rest are counted. */
const DAYS_LISTED = 5;

/** The preview of new opening hours: the new week, and each child whose care falls outside it, with the days and times. */
export function hoursPreview(unit: { id: number; name: string }, affected: readonly AffectedChild[], hours: Record<number, Hours>, language: Language, today: string) {
  const year = today.slice(0, 4);
  const times = (t: { starts: string; ends: string | null }) => (t.ends ? `${t.starts}–${t.ends}` : t.starts);
  return {
    unit,
    hours: hoursRuns(hours),
    weekdays: WEEKDAYS,
    childIds: affected.map((c) => c.id).join(','),
    children: affected.map((c) => ({
      name: c.name,
      days: c.days.slice(0, DAYS_LISTED).map((d) => ({ day: formatDay(d.date, language, year), times: times(d) })),
      more: Math.max(0, c.days.length - DAYS_LISTED),
      standard: c.standard.map((s) => ({ weekday: s.weekday, times: times(s), from: s.validFrom > today ? formatDay(s.validFrom, language, year) : null })),
    })),
  };
}
