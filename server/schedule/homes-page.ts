// Two homes: the patterns page (GET/POST /children/:childId/schedule/homes, .../homes/end) and settling a conflict
// (POST /children/:childId/schedule/conflicts). The use cases: load, check with homes-rules.ts, write with homes.ts.
import type { TFunction } from 'i18next';
import { today } from '../kernel/clock.ts';
import { isoWeek } from '../kernel/dates.ts';
import type { FieldErrors } from '../kernel/forms.ts';
import { field, fields } from '../kernel/http.ts';
import { formatDate, translator, WEEKDAY_NAME, type Language } from '../kernel/i18n.ts';
import { openAccountOfPerson } from '../accounts/queries.ts';
import { childSummary, type ChildSummary } from '../people/queries.ts';
import { conflictsOf, endPattern, savePattern, settleConflict } from './homes.ts';
import { parseEnd, parsePattern, type HomePattern } from './homes-rules.ts';
import { loadHomes, loadWeek, type ChildContext, type Homes, type ScheduleDeps, type WeekPage } from './load.ts';
import { dayState } from './rules.ts';

export interface HomesPage { child: ChildSummary; homes: Homes; today: string; asGuardian: boolean }

export async function loadHomesPage({ db, clock }: ScheduleDeps, { actor, target }: Pick<ChildContext, 'actor' | 'target'>): Promise<HomesPage | undefined> {
  const day = today(clock);
  const child = await childSummary(db, target.id, day);
  if (!child) return undefined;
  const homes = await loadHomes(db, actor, target.id, day, day);
  return { child, homes, today: day, asGuardian: homes.me !== null };
}

export type HomesResult = { ok: true; childId: number } | { ok: false; kind: 'not-found' } | { ok: false; kind: 'invalid'; page: HomesPage; errors: FieldErrors };

/** POST .../homes: the guardian's new pattern (refused when it shares a day with the other household's). */
export async function saveHomes(deps: ScheduleDeps, context: ChildContext, form: Record<string, unknown>): Promise<HomesResult> {
  const page = await loadHomesPage(deps, context);
  if (!page) return { ok: false, kind: 'not-found' };
  const { homes } = page;
  if (homes.me === null || !homes.twoHomes) return { ok: false, kind: 'invalid', page, errors: { form: { key: 'homes.errors.notTwoHomes' } } };
  const raw = { kind: field(form, 'kind'), weekdays: fields(form, 'weekdays'), from: field(form, 'from') };
  const otherIds = homes.others.map((g) => g.id);
  const theirs = (patterns: readonly HomePattern[]) => patterns.filter((p) => otherIds.includes(p.guardianId));
  const parsed = parsePattern(raw, page.today, theirs(homes.patterns));
  if (!parsed.pattern) return { ok: false, kind: 'invalid', page, errors: parsed.errors };
  const saved = await savePattern(deps.db, {
    childId: page.child.id, guardianId: homes.me, accountId: context.account.id, now: deps.clock.now(), pattern: parsed.pattern, others: otherIds,
  }, (fresh) => parsePattern(raw, page.today, fresh).errors);
  if (!saved.ok) return { ok: false, kind: 'invalid', page: (await loadHomesPage(deps, context)) ?? page, errors: saved.errors };
  return { ok: true, childId: page.child.id };
}

/** POST .../homes/end: the guardian's pattern ends the day before `from`. */
export async function endHomes(deps: ScheduleDeps, context: ChildContext, form: Record<string, unknown>): Promise<HomesResult> {
  const page = await loadHomesPage(deps, context);
  if (!page) return { ok: false, kind: 'not-found' };
  const me = page.homes.me;
  if (me === null) return { ok: false, kind: 'invalid', page, errors: { form: { key: 'homes.errors.notTwoHomes' } } };
  const parsed = parseEnd(field(form, 'end_from'), page.today, page.homes.patterns.filter((p) => p.guardianId === me));
  if (!parsed.from) return { ok: false, kind: 'invalid', page, errors: parsed.errors };
  await endPattern(deps.db, { childId: page.child.id, guardianId: me, accountId: context.account.id, now: deps.clock.now(), from: parsed.from });
  return { ok: true, childId: page.child.id };
}

export type SettleResult =
  | { ok: true; childId: number; date: string; settled: boolean }
  | { ok: false; kind: 'not-found' }
  | { ok: false; kind: 'invalid'; page: WeekPage; errors: FieldErrors };

/**
 * POST .../conflicts: settles the day's conflict. `mine` and `theirs` are as the user sees them: for the guardian whose
 * registration waits, "mine" is the waiting one; for anyone else, the day as it stands.
 */
export async function settle(deps: ScheduleDeps, context: ChildContext, monday: (date: string) => string, form: Record<string, unknown>): Promise<SettleResult> {
  const date = field(form, 'date');
  const choice = field(form, 'choice');
  const day = today(deps.clock);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return { ok: false, kind: 'not-found' };
  const page = await loadWeek(deps, context.actor, context.target, monday(date));
  if (!page) return { ok: false, kind: 'not-found' };
  const waiting = (await conflictsOf(deps.db, page.placement.childId, date, date)).get(date);
  if (!waiting) return { ok: true, childId: page.placement.childId, date, settled: false };
  if (choice !== 'mine' && choice !== 'theirs') {
    return { ok: false, kind: 'invalid', page, errors: { [`choice_${date}`]: { key: 'homes.errors.choice', dates: { date } } } };
  }
  const iWait = page.homes.me === waiting.registeredBy;
  const keep = (choice === 'mine') === iWait ? 'waiting' : 'current';
  if (keep === 'waiting' && date < day) {
    return { ok: false, kind: 'invalid', page, errors: { [`choice_${date}`]: { key: 'schedule.errors.past' } } };
  }
  if (keep === 'waiting' && dayState(date, page.rules) === 'closed') {
    return { ok: false, kind: 'invalid', page, errors: { [`choice_${date}`]: { key: 'schedule.errors.closed' } } };
  }
  const settled = await settleConflict(deps.db, {
    childId: page.placement.childId, date, keep, person: context.actor.personId, accountId: context.account.id,
    registrarAccount: await openAccountOfPerson(deps.db, waiting.registeredBy), now: deps.clock.now(),
  });
  return { ok: true, childId: page.placement.childId, date, settled };
}

/** The data of views/schedule/homes.eta. */
export function homesView(page: HomesPage, language: Language, options: { form?: Record<string, unknown>; errors?: FieldErrors } = {}) {
  const t = translator(language);
  const { homes } = page;
  const errors = options.errors ?? {};
  const form = Object.keys(errors).length ? options.form ?? {} : {};
  const shown = homes.patterns.filter((p) => p.validTo === null || p.validTo >= page.today);
  const mine = homes.me === null ? [] : shown.filter((p) => p.guardianId === homes.me);
  const weekdays = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, name: formatDate(`2024-01-0${d}`, language, WEEKDAY_NAME) }));
  return {
    child: page.child, errors, twoHomes: homes.twoHomes, canSet: homes.me !== null && homes.twoHomes,
    patterns: shown.map((p) => ({ mine: p.guardianId === homes.me, text: patternText(t, p, language) })),
    hasMine: mine.length > 0,
    weekdays, values: { kind: field(form, 'kind') || 'alternate-weeks', weekdays: fields(form, 'weekdays'), from: field(form, 'from') || page.today,
      end_from: field(form, 'end_from') || page.today },
  };
}

/** "Anna Lind: varannan vecka, från och med vecka 50 (måndag 7 december)", "Erik Berg: måndag och tisdag varje vecka, …". */
export function patternText(t: TFunction, p: HomePattern, language: Language): string {
  const from = formatDate(p.validFrom, language);
  const base = p.kind === 'alternate-weeks'
    ? t('homes.pattern.alternate', { name: p.guardianName, week: isoWeek(p.validFrom).week, from })
    : t('homes.pattern.weekdays', { name: p.guardianName, days: new Intl.ListFormat(language.locale, { type: 'conjunction' })
      .format(p.weekdays.map((d) => formatDate(`2024-01-0${d}`, language, WEEKDAY_NAME))), from });
  return p.validTo ? `${base} ${t('homes.pattern.until', { date: formatDate(p.validTo, language) })}` : base;
}
