// The menu (matsedel): the pure rules. Which weeks a menu may be written or read for, and the week's form read into
// typed days or field messages.
import { createHash } from 'node:crypto';
import { addDays, addMonths, mondayOf, mondayOfWeek, weekDays, weekKey } from '../kernel/dates.ts';
import type { FieldErrors, Parsed } from '../kernel/forms.ts';

/** The meals of a day, in the order the menu shows them (mellanmål is the afternoon snack). */
export const MEALS = ['breakfast', 'lunch', 'snack'] as const;
export type Meal = (typeof MEALS)[number];

/** The longest text of one meal: a line on a phone, not a recipe. */
export const MAX_MEAL_LENGTH = 200;
/** How far from today a menu may be written or read: a year back and a year ahead. */
export const WEEKS_REACH_MONTHS = 12;

export type DayMeals = Record<Meal, string | null>;
/**
 * A day as a form sends it: its meals, the version it was made from and whether this user changed it (what is posted
 * differs from what the form showed). A day not edited is never written: another save of it since stands. Unknown
 * (a form without the originals) counts as edited.
 */
export interface MenuDayInput extends DayMeals { date: string; version: number; edited?: boolean }

/** The five weekdays (Monday to Friday) of the week starting `monday`. */
export function schoolDays(monday: string): string[] {
  return weekDays(monday).slice(0, 5);
}

export type WeekChoice = { ok: true; monday: string; key: string } | { ok: false; error: 'week' | 'range' };

/**
 * The week a page is about: `?week=2026-W49`, or without one the week of `today` (on a Saturday or Sunday the coming
 * week, which is the one a family looks for). Refused: a key that names no week, a week further than a year away.
 */
export function chooseWeek(raw: unknown, today: string): WeekChoice {
  let monday: string | undefined;
  if (raw === undefined || raw === '') {
    monday = mondayOf(addDays(today, 2));
  } else {
    monday = typeof raw === 'string' ? mondayOfWeek(raw.trim()) : undefined;
    if (!monday) return { ok: false, error: 'week' };
  }
  if (addDays(monday, 4) < addMonths(today, -WEEKS_REACH_MONTHS) || monday > addMonths(today, WEEKS_REACH_MONTHS)) return { ok: false, error: 'range' };
  return { ok: true, monday, key: weekKey(monday) };
}

/** The form field of a meal on a day ("lunch-2026-12-07") and of the version the form was made from. */
export const mealField = (meal: Meal, date: string): string => `${meal}-${date}`;
export const versionField = (date: string): string => `version-${date}`;
/** The form field holding a fingerprint of the day's meals as the form showed them (see mealsHash). */
export const originalField = (date: string): string => `original-${date}`;

/** A short fingerprint of a day's meals (empty and none alike), to tell whether the user changed the day. */
export function mealsHash(day: Partial<DayMeals>): string {
  const meals = MEALS.map((meal) => (day[meal] ?? '').replace(/\s+/g, ' ').trim());
  return createHash('sha256').update(JSON.stringify(meals)).digest('base64url').slice(0, 16);
}

/** The week's form: each day's meals (empty is none) and the version of the day it was made from. */
export function parseWeek(form: (name: string) => string, monday: string): Parsed<MenuDayInput[]> {
  const errors: FieldErrors = {};
  const days: MenuDayInput[] = [];
  for (const date of schoolDays(monday)) {
    const meals = {} as DayMeals;
    for (const meal of MEALS) {
      const text = form(mealField(meal, date)).replace(/\s+/g, ' ').trim();
      if (text.length > MAX_MEAL_LENGTH) errors[mealField(meal, date)] = { key: 'menu.errors.tooLong', params: { max: MAX_MEAL_LENGTH } };
      meals[meal] = text || null;
    }
    const version = /^\d{1,9}$/.test(form(versionField(date))) ? Number(form(versionField(date))) : 0;
    const original = form(originalField(date));
    days.push({ date, version, ...meals, edited: original ? mealsHash(meals) !== original : true });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: days };
}

/** Whether two days have the same meals. */
export function sameMeals(a: DayMeals, b: DayMeals): boolean {
  return MEALS.every((meal) => (a[meal] ?? null) === (b[meal] ?? null));
}

/** Whether a day has any meal written. */
export function hasMeals(day: DayMeals): boolean {
  return MEALS.some((meal) => day[meal] !== null && day[meal] !== '');
}
