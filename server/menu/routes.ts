// The menu (matsedel). Everyone of a unit reads its week at `/units/:unitMenuId/menu?week=2026-W49` (a guardian from
// the child's start page); the unit's staff, its head and the admin write it on the week's form (`/units/:unitId/menu/edit`,
// its empty meals filled from last week with `&copy=1`) and save it with a plain POST and a 303. The form carries each
// day's version and a fingerprint of the meals it showed: only days the user changed are saved, so another staff
// member's save of a day this user left alone stands; a day both changed is not overwritten: the form comes back
// with a message at that day saying what the other wrote.
import type { Request, Response } from 'express';
import { today, type Clock } from '../kernel/clock.ts';
import { addDays, weekKey } from '../kernel/dates.ts';
import type { Db } from '../kernel/db.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, flash, notFound, type RouteTable } from '../kernel/http.ts';
import { allows } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { findUnit } from '../people/queries.ts';
import { menuDays, saveWeek, type MenuDay } from './queries.ts';
import { chooseWeek, hasMeals, MAX_MEAL_LENGTH, mealField, MEALS, mealsHash, originalField, parseWeek, schoolDays, versionField, type WeekChoice } from './rules.ts';

interface Deps { db: Db; clock: Clock }

/** The week's key when the week (before or after) may still be shown, else undefined (no link). */
function neighbour(monday: string, days: number, day: string): string | undefined {
  const key = weekKey(addDays(monday, days));
  return chooseWeek(key, day).ok ? key : undefined;
}

const WEEK_ERRORS: Record<Extract<WeekChoice, { ok: false }>['error'], string> = { week: 'menu.errors.week', range: 'menu.errors.range' };

export function menuRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/units/:unitMenuId/menu', 'unitMenu.read', async (req, res, { actor, target }) => {
    const unit = await findUnit(db, target.id);
    if (!unit) throw notFound();
    const day = today(clock);
    const week = chooseWeek(req.query.week, day);
    const canWrite = allows(actor, 'unit.menu.write', target);
    if (!week.ok) {
      return render(req, res, 'menu/week', { unit, canWrite, week: undefined, errors: { week: { key: WEEK_ERRORS[week.error] } }, values: { week: String(req.query.week ?? '') } }, 400);
    }
    const stored = await menuDays(db, unit.id, week.monday, addDays(week.monday, 4));
    const days = schoolDays(week.monday).map((date) => ({ date, meals: stored.get(date), today: date === day }));
    render(req, res, 'menu/week', {
      unit, canWrite, week: { ...week, previous: neighbour(week.monday, -7, day), next: neighbour(week.monday, 7, day) },
      days, written: days.some((d) => d.meals && hasMeals(d.meals)), values: { week: week.key },
    });
  });

  routes.get('/units/:unitId/menu/edit', 'unit.menu.write', async (req, res, { target }) => {
    const week = chooseWeek(req.query.week, today(clock));
    if (!week.ok) return renderForm(req, res, deps, target.id, undefined, {}, { week: { key: WEEK_ERRORS[week.error] } }, 400);
    const stored = await menuDays(db, target.id, week.monday, addDays(week.monday, 4));
    const copied = req.query.copy === '1' ? await menuDays(db, target.id, addDays(week.monday, -7), addDays(week.monday, -3)) : undefined;
    const values: Record<string, string> = {};
    for (const date of schoolDays(week.monday)) {
      // Copying last week fills only what this week leaves empty: a meal already written this week stays.
      const from = copied?.get(addDays(date, -7));
      storedDay(values, date, stored.get(date));
      for (const meal of MEALS) values[mealField(meal, date)] ||= from?.[meal] ?? '';
    }
    await renderForm(req, res, deps, target.id, week, values, {}, 200, copied !== undefined);
  });

  routes.post('/units/:unitId/menu', 'unit.menu.write', async (req, res, { account, target }) => {
    // The form always names its week: a post without one is refused, never taken as this week.
    const week: WeekChoice = field(req.body, 'week') ? chooseWeek(field(req.body, 'week'), today(clock)) : { ok: false, error: 'week' };
    const values: Record<string, string> = {};
    if (!week.ok) return renderForm(req, res, deps, target.id, undefined, values, { week: { key: WEEK_ERRORS[week.error] } }, 400);
    for (const date of schoolDays(week.monday)) {
      for (const meal of MEALS) values[mealField(meal, date)] = field(req.body, mealField(meal, date));
      values[versionField(date)] = field(req.body, versionField(date));
      values[originalField(date)] = field(req.body, originalField(date));
    }
    const parsed = parseWeek((name) => values[name] ?? '', week.monday);
    if (!parsed.ok) return renderForm(req, res, deps, target.id, week, values, parsed.errors, 400);
    const saved = await saveWeek(db, target.id, parsed.value, account.id, clock.now());
    if (!saved.ok) {
      // The form is made again from the week as stored: a day this user did not change shows what is stored now; a day
      // they changed keeps their text, and where another save came between, the message says what it holds now and
      // the form is made from that version (saving again replaces it, knowingly).
      const errors: FieldErrors = {};
      for (const day of parsed.value) {
        const now = saved.stored.get(day.date);
        if (!day.edited) storedDay(values, day.date, now);
        else if (saved.conflicts.some((c) => c.date === day.date)) {
          values[versionField(day.date)] = String(now?.version ?? 0);
          values[originalField(day.date)] = mealsHash(now ?? {});
        }
      }
      for (const day of saved.conflicts) {
        errors[`day-${day.date}`] = { key: 'menu.errors.conflict', dates: { day: day.date }, params: { meals: mealsText(req, day) } };
      }
      return renderForm(req, res, deps, target.id, week, values, errors, 409);
    }
    flash(req, 'menu.saved');
    res.redirect(303, `/units/${target.id}/menu?week=${week.key}`);
  });
}

/** "Lunch: Fiskgratäng · Mellanmål: Frukt", or "inget" for an emptied day, for the conflict message. */
function mealsText(req: Request, day: MenuDay): string {
  const written = MEALS.flatMap((meal) => (day[meal] ? [String(req.t('menu.mealLine', { meal: req.t(`menu.meal.${meal}`), text: day[meal] }))] : []));
  return written.length ? written.join(String(req.t('menu.mealSeparator'))) : String(req.t('menu.errors.nothingWritten'));
}

/** A day's fields as stored (empty when nothing is): its meals, its version and the fingerprint of its meals. */
function storedDay(values: Record<string, string>, date: string, day: MenuDay | undefined): void {
  for (const meal of MEALS) values[mealField(meal, date)] = day?.[meal] ?? '';
  values[versionField(date)] = String(day?.version ?? 0);
  values[originalField(date)] = mealsHash(day ?? {});
}

async function renderForm(
  req: Request, res: Response, { db }: Deps, unitId: number, week: Extract<WeekChoice, { ok: true }> | undefined,
  values: Record<string, string>, errors: FieldErrors, status = 200, copied = false,
): Promise<void> {
  const unit = await findUnit(db, unitId);
  if (!unit) throw notFound();
  const days = week ? schoolDays(week.monday) : [];
  render(req, res, 'menu/form', { unit, week, days, values: { week: week?.key ?? String(req.query.week ?? req.body?.week ?? ''), ...values }, errors, copied, maxLength: MAX_MEAL_LENGTH }, status);
}
