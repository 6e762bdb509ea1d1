// Saving the week form: the days the user changed ("Hela veckan" on each day whose times were not typed by hand), the
// week repeated over the following weeks, and copies to the siblings the user ticked, each child under its own rules
// and hour limit. Everything is written together or not at all: a day someone else changed after the form was opened
// comes back as a conflict, with both versions.
import { mondayOf } from '../kernel/dates.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, fields } from '../kernel/http.ts';
import type { Actor } from '../kernel/policy.ts';
import { loadChildCare, saveDays, type DayWrite } from './queries.ts';
import { changeRules, copyToSibling, dayState, hoursText, overLimit, overLimitError, parseRepeat, planWeek, repeatPattern, type DayValue, type WeekPlan, type WholeWeek } from './rules.ts';
import { theirPattern, twoHomesOn } from './homes-rules.ts';
import { dataRange, loadWeek, moment, type ChildContext, type ScheduleDeps, type WeekPage } from './load.ts';

export type SaveWeekResult =
  /** Saved; `whole` says which days "Hela veckan" was laid on and which kept the times typed for them. */
  | { ok: true; childId: number; monday: string; written: number; whole: WholeWeek | undefined; raised: string[] }
  | { ok: false; kind: 'not-found' }
  /** Refused: the errors at their fields, and the week to show again with what the user typed. */
  | { ok: false; kind: 'invalid'; page: WeekPage; plan: WeekPlan; errors: FieldErrors }
  /** Days changed by someone else since the form was opened: the week as it is now, and those days. */
  | { ok: false; kind: 'conflict'; page: WeekPage; plan: WeekPlan; conflicts: Set<string> };

/** Saves the week form posted for the week from `monday`. `locale` writes the hours in a refusal ("15,5 timmar"). */
export async function saveWeek(
  deps: ScheduleDeps, { actor, account, target }: ChildContext, monday: string, form: Record<string, unknown>, locale: string,
): Promise<SaveWeekResult> {
  const errors: FieldErrors = {};
  const repeat = parseRepeat(field(form, 'repeat'), field(form, 'repeat_weeks'));
  if (repeat.error) errors.repeat_weeks = repeat.error;
  const page = await loadWeek(deps, actor, target, monday, repeat.weeks);
  if (!page) return { ok: false, kind: 'not-found' };
  const plan = planWeek((name) => field(form, name), (name) => form[name] !== undefined, page.days, page.care, page.rules);
  Object.assign(errors, plan.errors);
  // Two homes: the other household's days are theirs to register.
  for (const date of plan.changes.keys()) {
    const theirs = theirPattern(page.homes, date);
    if (theirs) errors[`day_${date}`] = { key: 'homes.errors.theirDay', params: { name: theirs.guardianName } };
  }
  const own = new Map([...plan.changes].map(([date, c]) => [date, c.value]));

  let repeated = new Map<string, DayValue>();
  if (repeat.weeks > 0 && !Object.keys(errors).length) {
    const laid = repeatPattern(plan.pattern, repeat.weeks, page.rules);
    if (laid.error) errors.repeat_weeks = laid.error;
    repeated = laid.writes;
    const theirs = [...repeated.keys()].map((date) => ({ date, pattern: theirPattern(page.homes, date) })).find((d) => d.pattern);
    if (theirs?.pattern && !errors.repeat_weeks) {
      errors.repeat_weeks = { key: 'homes.errors.repeatTheirs', params: { name: theirs.pattern.guardianName }, dates: { date: theirs.date } };
    }
  }
  const over = overLimit(page.care, new Map([...own, ...repeated]), page.rules.today);
  if (over && !Object.keys(errors).length) errors.hours = overLimitError(over, monday, locale);

  const copies = await siblingCopies(deps, actor, page, plan, repeated, fields(form, 'siblings'), errors, locale);
  if (copies === undefined) return { ok: false, kind: 'not-found' };
  if (Object.keys(errors).length) return { ok: false, kind: 'invalid', page, plan, errors };

  const childId = page.placement.childId;
  const { homes } = page;
  const guard = (date: string) => (homes.me !== null && homes.otherAccounts.size && twoHomesOn(homes.patterns, date)
    ? { guard: { person: homes.me, otherAccounts: homes.otherAccounts } } : {});
  const writes: DayWrite[] = [
    ...[...plan.changes].map(([date, c]) => ({ childId, date, value: c.value, expectedVersion: c.version, ...guard(date) })),
    ...[...repeated].map(([date, value]) => ({ childId, date, value, expectedVersion: null, timesOnly: true, ...guard(date) })),
    ...copies,
  ];
  const saved = await saveDays(deps.db, writes, account.id, deps.clock.now());
  if (saved.ok) {
    const raised = saved.raised.filter((r) => r.childId === childId).map((r) => r.date);
    return { ok: true, childId, monday, written: saved.written, whole: plan.whole, raised };
  }
  const fresh = await loadWeek(deps, actor, target, monday, repeat.weeks);
  if (!fresh) return { ok: false, kind: 'not-found' };
  const conflicts = new Set(saved.conflicts.filter((c) => c.childId === childId).map((c) => c.date));
  return { ok: false, kind: 'conflict', page: fresh, plan, conflicts };
}

/**
 * The writes that copy the week (and its repeats) to the chosen siblings, each under its own rules; a refusal goes to
 * `errors.siblings`. Undefined when a chosen sibling is not one the user may register for.
 */
async function siblingCopies(
  deps: ScheduleDeps, actor: Actor, page: WeekPage, plan: WeekPlan, repeated: Map<string, DayValue>, chosen: string[], errors: FieldErrors,
  locale: string,
): Promise<DayWrite[] | undefined> {
  if (chosen.length === 0) return [];
  const copies: DayWrite[] = [];
  // Only the days this user could set now are copied: past and locked days of this child stay its own.
  const source = new Map([...plan.pattern].filter(([date]) => dayState(date, page.rules) === 'open'));
  for (const [date, value] of repeated) source.set(date, value);
  if (source.size === 0) return [];
  const dates = [...source.keys()].sort();
  for (const raw of new Set(chosen)) {
    const sibling = page.siblings.find((s) => String(s.id) === raw);
    if (!sibling) return undefined;
    const range = dataRange(sibling.placement, mondayOf(dates[0]), mondayOf(dates[dates.length - 1]));
    const care = await loadChildCare(deps.db, sibling.placement, range.from, range.to);
    const rules = changeRules(care, moment(deps.clock), actor.guardianOf.has(sibling.id));
    const copy = copyToSibling(source, sibling.firstName, care, rules);
    if (copy.error) {
      errors.siblings ??= copy.error;
      continue;
    }
    const over = overLimit(care, copy.writes, rules.today);
    if (over) {
      errors.siblings ??= { key: 'schedule.errors.siblingOver', params: { name: sibling.firstName,
        used: hoursText(over.after.minutes, locale), limit: over.after.period.hours } };
      continue;
    }
    for (const [date, value] of copy.writes) copies.push({ childId: sibling.id, date, value, expectedVersion: null, timesOnly: true });
  }
  return copies;
}
