// Care times (Tidsregistrering): the week view and form, standard times, the staff's comment, the child's history.
// Plain forms that post and redirect; the rules are in rules.ts, the tables in queries.ts.
import type { Request, Response } from 'express';
import { stockholmTime, today, type Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { field, fields, flash, HttpError, notFound, type RouteTable } from '../kernel/http.ts';
import { formatDate, formatDateTime } from '../kernel/i18n.ts';
import { allows } from '../kernel/policy.ts';
import { render } from '../kernel/views.ts';
import { careHistory, type HistoryEntry } from '../absence/queries.ts';
import { childSummary, childrenOfGuardian } from '../people/queries.ts';
import { locateChild } from '../people/relations.ts';
import { carePlacement, loadChildCare, saveDays, saveStaffComment, saveStandard, type CarePlacement, type ChildCare, type DayWrite } from './queries.ts';
import { careMinutes, changeRules, copyToSibling, dayState, effectiveOn, firstStandardDay, hoursText, lastBookableDay, limitPeriod, lockedDays, MAX_COMMENT, MAX_REPEAT_WEEKS, overLimit, parseDay, parseWas, planWeek, rawOf, registers, repeatPattern, scheduleOn, STANDARD_WEEK_LIMIT, standardOn, usage, wasText, type ChangeRules, type DayValue, type FieldError, type FieldErrors, type RawDay, type WeekPattern, type WeekPlan } from './rules.ts';
import { isoWeek, addDays, isoWeekday, isDate, WEEKDAYS, mondayOf, mondayOfWeek, weekDays, weekKey } from '../kernel/dates.ts';

interface Deps { db: Db; clock: Clock }

interface Sibling { id: number; firstName: string; placement: CarePlacement }

/** Everything the week page shows, for one child, one week and one user. */
interface WeekPage {
  placement: CarePlacement;
  monday: string;
  days: string[];
  care: ChildCare;
  rules: ChangeRules;
  asGuardian: boolean;
  canUpdate: boolean;
  canComment: boolean;
  canHistory: boolean;
  siblings: Sibling[];
}

export function scheduleRoutes(routes: RouteTable, deps: Deps): void {
  const { db, clock } = deps;

  routes.get('/children/:childId/schedule', 'child.schedule.read', async (req, res) => {
    const wanted = typeof req.query.week === 'string' ? mondayOfWeek(req.query.week) : undefined;
    const page = await loadWeek(req, deps, wanted ?? mondayOf(today(clock)));
    if (!page) return renderNoPlacement(req, res, deps);
    const commentDate = typeof req.query.comment === 'string' && page.days.includes(req.query.comment) ? req.query.comment : undefined;
    renderWeek(req, res, page, { commentDate });
  });

  routes.post('/children/:childId/schedule', 'child.schedule.update', async (req, res) => {
    const monday = mondayOfWeek(field(req.body, 'week'));
    if (!monday) throw new HttpError(400, 'No week');
    const errors: FieldErrors = {};
    const repeatWeeks = readRepeat(req, errors);
    const page = await loadWeek(req, deps, monday, repeatWeeks);
    if (!page) throw notFound();
    const body = (req.body ?? {}) as Record<string, unknown>;
    const plan = planWeek((name) => field(body, name), (name) => body[name] !== undefined, page.days, page.care, page.rules);
    Object.assign(errors, plan.errors);
    const own = new Map([...plan.changes].map(([date, c]) => [date, c.value]));

    let repeated = new Map<string, DayValue>();
    if (repeatWeeks > 0 && !Object.keys(errors).length) {
      const repeat = repeatPattern(plan.pattern, repeatWeeks, page.rules);
      if (repeat.error) errors.repeat_weeks = repeat.error;
      repeated = repeat.writes;
    }
    const over = overLimit(page.care, new Map([...own, ...repeated]), page.rules.today);
    if (over && !Object.keys(errors).length) errors.hours = overError(over, monday, req.language.locale);

    const copies = await siblingCopies(req, deps, page, plan, repeated, errors);
    if (Object.keys(errors).length) return renderWeek(req, res, page, { plan, errors, status: 400 });

    const writes: DayWrite[] = [
      ...[...plan.changes].map(([date, c]) => ({ childId: page.placement.childId, date, value: c.value, expectedVersion: c.version })),
      ...[...repeated].map(([date, value]) => ({ childId: page.placement.childId, date, value, expectedVersion: null, timesOnly: true })),
      ...copies,
    ];
    const saved = await saveDays(db, writes, req.account!.id, clock.now());
    if (!saved.ok) {
      const fresh = await loadWeek(req, deps, monday, repeatWeeks);
      if (!fresh) throw notFound();
      const conflicts = new Set(saved.conflicts.filter((c) => c.childId === page.placement.childId).map((c) => c.date));
      return renderWeek(req, res, fresh, { plan, conflicts, status: 409 });
    }
    flash(req, saved.written > 0 ? 'schedule.saved' : 'schedule.nothingChanged');
    res.redirect(303, weekUrl(page.placement.childId, monday));
  });

  routes.post('/children/:childId/schedule/comment', 'child.schedule.comment', async (req, res) => {
    const placement = await carePlacement(db, req.targetId!, today(clock));
    if (!placement) throw notFound();
    const date = field(req.body, 'date').trim();
    const text = field(req.body, 'staff_comment').trim().replace(/\s+/g, ' ');
    const errors: FieldErrors = {};
    const lastDay = lastBookableDay({ today: today(clock), planAheadMonths: 24 });
    if (!date) errors.comment_date = { key: 'schedule.errors.dateMissing' };
    else if (!isDate(date)) errors.comment_date = { key: 'schedule.errors.dateFormat' };
    else if (date < placement.startDate || (placement.endDate !== null && date > placement.endDate)) errors.comment_date = { key: 'schedule.errors.noPlacement' };
    else if (date > lastDay) errors.comment_date = { key: 'schedule.errors.tooFar', dates: { date: lastDay } };
    if (text.length > MAX_COMMENT) errors.staff_comment = { key: 'schedule.errors.commentTooLong', params: { max: MAX_COMMENT } };
    if (Object.keys(errors).length) {
      const monday = isDate(date) && !errors.comment_date ? mondayOf(date) : mondayOfWeek(field(req.body, 'week')) ?? mondayOf(today(clock));
      const page = await loadWeek(req, deps, monday);
      if (!page) throw notFound();
      return renderWeek(req, res, page, { errors, status: 400, commentDate: date, commentText: text });
    }
    await saveStaffComment(db, { childId: placement.childId, date, text: text || null, by: req.account!.id, now: clock.now() });
    flash(req, 'schedule.staffCommentForm.saved');
    res.redirect(303, `${weekUrl(placement.childId, mondayOf(date))}#day_${date}`);
  });

  routes.get('/children/:childId/schedule/standard', 'child.schedule.read', async (req, res) => {
    const page = await loadStandard(req, deps);
    if (!page) return renderNoPlacement(req, res, deps);
    renderStandard(req, res, page);
  });

  routes.post('/children/:childId/schedule/standard', 'child.schedule.update', async (req, res) => {
    const page = await loadStandard(req, deps);
    if (!page) throw notFound();
    const errors: FieldErrors = {};
    const days: WeekPattern = new Map();
    for (const weekday of page.openWeekdays) {
      const value = parseDay({
        starts: field(req.body, `starts_${weekday}`), ends: field(req.body, `ends_${weekday}`),
        dayOff: field(req.body, `off_${weekday}`) === 'yes', comment: '',
      }, String(weekday), page.care.calendar.hours[weekday] ?? null, errors);
      if (value && registers(value)) days.set(weekday, value);
    }
    const validFrom = field(req.body, 'valid_from').trim() || page.earliest;
    if (!isDate(validFrom)) errors.valid_from = { key: 'schedule.errors.dateFormat' };
    else if (validFrom < page.earliest) errors.valid_from = { key: 'schedule.errors.validFromEarly', dates: { date: page.earliest } };
    else if (validFrom > lastBookableDay(page.rules)) errors.valid_from = { key: 'schedule.errors.tooFar', dates: { date: lastBookableDay(page.rules) } };
    const minutes = [...days.values()].reduce((sum, v) => sum + careMinutes(v), 0);
    if (page.placement.hourLimit !== 'none' && minutes > STANDARD_WEEK_LIMIT * 60) {
      errors.hours = { key: 'schedule.errors.standardOverWeek', params: { used: hoursText(minutes, req.language.locale), limit: STANDARD_WEEK_LIMIT } };
    }
    if (Object.keys(errors).length) return renderStandard(req, res, page, errors, 400);
    await saveStandard(db, { childId: page.placement.childId, validFrom, days, by: req.account!.id, now: clock.now() });
    flash(req, 'schedule.standard.saved');
    res.redirect(303, `/children/${page.placement.childId}/schedule/standard`);
  });

  routes.get('/children/:childId/history', 'child.history.read', async (req, res) => {
    const child = await childSummary(db, req.targetId!, today(clock));
    if (!child) throw notFound();
    const entries = (await careHistory(db, child.id, 300)).map((e) => historyLine(req, e));
    render(req, res, 'schedule/history', { child, entries });
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Loading

function now(clock: Clock): { today: string; now: string } {
  const instant = clock.now();
  return { today: today(clock), now: stockholmTime(instant) };
}

/** The days whose data a page about the weeks from `monday` to `lastMonday` needs: for a yearly limit, whole years. */
function dataRange(placement: CarePlacement, monday: string, lastMonday: string): { from: string; to: string } {
  const first = limitPeriod(placement.hourLimit, monday);
  const last = limitPeriod(placement.hourLimit, addDays(lastMonday, 6));
  return { from: first && first.from < monday ? first.from : monday, to: last && last.to > addDays(lastMonday, 6) ? last.to : addDays(lastMonday, 6) };
}

async function loadWeek(req: Request, { db, clock }: Deps, monday: string, extraWeeks = 0): Promise<WeekPage | undefined> {
  const actor = req.actor!;
  const childId = req.targetId!;
  const placement = await carePlacement(db, childId, today(clock));
  if (!placement) return undefined;
  const range = dataRange(placement, monday, addDays(monday, 7 * extraWeeks));
  const care = await loadChildCare(db, placement, range.from, range.to);
  const asGuardian = actor.guardianOf.has(childId);
  const canUpdate = allows(actor, 'child.schedule.update', req.target ?? null);
  return {
    placement, monday, days: weekDays(monday), care, rules: changeRules(care, now(clock), asGuardian), asGuardian, canUpdate,
    canComment: allows(actor, 'child.schedule.comment', req.target ?? null),
    canHistory: allows(actor, 'child.history.read', req.target ?? null),
    siblings: canUpdate && asGuardian ? await siblingsOf(req, { db, clock }, childId) : [],
  };
}

/** The guardian's other children with care times that the guardian may register. */
async function siblingsOf(req: Request, { db, clock }: Deps, childId: number): Promise<Sibling[]> {
  const actor = req.actor!;
  if (actor.guardianOf.size < 2) return [];
  const day = today(clock);
  const children = (await childrenOfGuardian(db, actor.personId, day)).filter((c) => c.id !== childId);
  const siblings: Sibling[] = [];
  for (const child of children) {
    const [placement, location] = await Promise.all([carePlacement(db, child.id, day), locateChild(db, child.id, day)]);
    if (placement && allows(actor, 'child.schedule.update', location)) siblings.push({ id: child.id, firstName: child.firstName, placement });
  }
  return siblings;
}

function readRepeat(req: Request, errors: FieldErrors): number {
  if (field(req.body, 'repeat') !== 'yes') return 0;
  const raw = field(req.body, 'repeat_weeks').trim();
  const weeks = Number(raw);
  if (!/^\d{1,2}$/.test(raw) || weeks < 1 || weeks > MAX_REPEAT_WEEKS) {
    errors.repeat_weeks = { key: 'schedule.errors.repeatWeeks', params: { max: MAX_REPEAT_WEEKS } };
    return 0;
  }
  return weeks;
}

/** The writes that copy the week (and its repeats) to the chosen siblings, each under its own rules. */
async function siblingCopies(req: Request, deps: Deps, page: WeekPage, plan: WeekPlan, repeated: Map<string, DayValue>, errors: FieldErrors): Promise<DayWrite[]> {
  const chosen = fields(req.body, 'siblings');
  if (chosen.length === 0) return [];
  const copies: DayWrite[] = [];
  // Only the days this user could set now are copied: past and locked days of this child stay its own.
  const source = new Map([...plan.pattern].filter(([date]) => dayState(date, page.rules) === 'open'));
  for (const [date, value] of repeated) source.set(date, value);
  if (source.size === 0) return [];
  const dates = [...source.keys()].sort();
  for (const raw of new Set(chosen)) {
    const sibling = page.siblings.find((s) => String(s.id) === raw);
    if (!sibling) throw notFound();
    const range = dataRange(sibling.placement, mondayOf(dates[0]), mondayOf(dates[dates.length - 1]));
    const care = await loadChildCare(deps.db, sibling.placement, range.from, range.to);
    const rules = changeRules(care, now(deps.clock), req.actor!.guardianOf.has(sibling.id));
    const copy = copyToSibling(source, sibling.firstName, care, rules);
    if (copy.error) {
      errors.siblings ??= copy.error;
      continue;
    }
    const over = overLimit(care, copy.writes, rules.today);
    if (over) {
      errors.siblings ??= { key: 'schedule.errors.siblingOver', params: { name: sibling.firstName,
        used: hoursText(over.after.minutes, req.language.locale), limit: over.after.period.hours } };
      continue;
    }
    for (const [date, value] of copy.writes) copies.push({ childId: sibling.id, date, value, expectedVersion: null, timesOnly: true });
  }
  return copies;
}

function overError(over: NonNullable<ReturnType<typeof overLimit>>, monday: string, locale: string): FieldError {
  const { period, minutes } = over.after;
  const used = hoursText(minutes, locale);
  if (period.limit === '525h_year') return { key: 'schedule.errors.overYear', params: { used, limit: period.hours, year: period.from.slice(0, 4) } };
  if (period.from === monday) return { key: 'schedule.errors.overWeek', params: { used, limit: period.hours } };
  return { key: 'schedule.errors.overWeekRepeat', params: { used, limit: period.hours, week: isoWeek(period.from).week } };
}

function weekUrl(childId: number, monday: string): string {
  return `/children/${childId}/schedule?week=${weekKey(monday)}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// The week page

interface DayView {
  date: string;
  weekday: number;
  isToday: boolean;
  state: ReturnType<typeof dayState>;
  editable: boolean;
  hours: { opens: string; closes: string } | null;
  closedReason: string | null;
  /** What the day books now, and where it comes from. */
  shown: DayValue | undefined;
  source: 'registered' | 'standard' | 'none';
  registeredBy: { name: string; staff: boolean } | null;
  comment: string | null;
  staffComment: string | null;
  staffCommentBy: string | null;
  input: RawDay;
  was: string;
  conflict?: { mine: RawDay; theirs: DayValue | undefined; by: string | null; at: string | null };
}

interface WeekOptions {
  plan?: WeekPlan;
  errors?: FieldErrors;
  conflicts?: Set<string>;
  status?: number;
  commentDate?: string;
  commentText?: string;
}

function renderWeek(req: Request, res: Response, page: WeekPage, options: WeekOptions = {}): void {
  const { care, rules, days } = page;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const posted = req.method === 'POST' && options.plan !== undefined;
  const errors = options.errors ?? {};
  const views: DayView[] = days.map((date) => {
    const registered = care.registered.get(date);
    const standard = standardOn(care, date);
    const shown = effectiveOn(care, date);
    const source = registered && registers(registered) ? 'registered' : standard ? 'standard' : 'none';
    const state = dayState(date, rules);
    const stored = rawOf(shown, registered?.comment ?? null);
    const version = registered?.version ?? 0;
    const postedWas = posted ? field(body, `was_${date}`) : '';
    const freshConflict = options.conflicts?.has(date) ?? false;
    const pendingConflict = !freshConflict && posted && postedWas !== '' && parseWas(postedWas).conflict && options.plan?.inputs.has(date);
    const input = options.plan?.inputs.get(date) ?? stored;
    const view: DayView = {
      date, weekday: isoWeekday(date), isToday: date === rules.today, state, editable: page.canUpdate && state === 'open',
      hours: care.calendar.hours[isoWeekday(date)] ?? null,
      closedReason: care.calendar.closed.has(date) ? (care.closedReasons.get(date) ?? null) : null,
      shown, source, registeredBy: source === 'registered' ? registered?.registeredBy ?? null : null,
      comment: registered?.comment ?? null, staffComment: registered?.staffComment ?? null, staffCommentBy: registered?.staffCommentBy ?? null,
      input,
      was: freshConflict ? wasText(stored, version, true) : postedWas || wasText(stored, version),
    };
    if (freshConflict || pendingConflict) {
      view.conflict = { mine: input, theirs: shown, by: registered?.registeredBy?.name ?? null, at: registered?.updatedAt ?? null };
    }
    return view;
  });
  const message = messageOf(req);
  const thursday = addDays(page.monday, 3);
  const period = limitPeriod(page.placement.hourLimit, thursday);
  const locked = page.asGuardian && page.canUpdate ? lockedDays(days, rules) : { window: [], cutoff: [] };
  const list = (dates: string[]) => listFormat(req.language.locale).format(dates.map((d) => formatDate(d, req.language)));
  const values: Record<string, string> = {};
  if (posted) for (const name of ['week_starts', 'week_ends', 'repeat_weeks']) values[name] = field(body, name);
  const t = quickTranslations(req);
  render(req, res, 'schedule/page', {
    t, page, child: page.placement, days: views, errors, message, conflicts: views.some((v) => v.conflict),
    week: isoWeek(thursday).week, weekKey: weekKey(page.monday),
    previousWeek: { key: weekKey(addDays(page.monday, -7)), week: isoWeek(addDays(page.monday, -4)).week },
    nextWeek: { key: weekKey(addDays(page.monday, 7)), week: isoWeek(addDays(page.monday, 10)).week },
    thisWeek: weekKey(rules.today),
    usage: period ? { period, used: hoursText(usage(care, period, rules.today).minutes, req.language.locale), year: period.from.slice(0, 4) } : null,
    lockSentences: [
      ...(locked.window.length ? [req.t('schedule.lock.window', { days: list(locked.window), unit: page.placement.unitName, count: care.rules.lockDays })] : []),
      ...(locked.cutoff.length ? [req.t('schedule.lock.cutoff', { days: list(locked.cutoff), group: page.placement.groupName, time: care.cutoff })] : []),
    ].map((sentence) => sentence.charAt(0).toLocaleUpperCase(req.language.locale) + sentence.slice(1)),
    staffNote: page.canUpdate && !page.asGuardian && (care.rules.lockDays > 0 || care.cutoff !== null),
    anyEditable: views.some((v) => v.editable),
    values, repeatChecked: posted && field(body, 'repeat') === 'yes',
    chosenSiblings: posted ? fields(body, 'siblings') : [],
    keep: (date: string) => (posted ? field(body, `keep_${date}`) : ''),
    commentDate: options.commentDate ?? days.find((d) => d >= rules.today) ?? days[0],
    commentText: options.commentText ?? (options.commentDate ? care.registered.get(options.commentDate)?.staffComment ?? '' : ''),
    valueText: (v: { starts: string | null; ends: string | null; dayOff: boolean } | undefined) => valueText(req, v, t),
    rawText: (r: RawDay) => valueText(req, { starts: r.starts || null, ends: r.ends || null, dayOff: r.dayOff }, t),
    at: (iso: string) => formatDateTime(new Date(iso), req.language),
  }, options.status ?? 200);
}

function renderNoPlacement(req: Request, res: Response, { db, clock }: Deps): Promise<void> {
  return childSummary(db, req.targetId!, today(clock)).then((child) => {
    if (!child) throw notFound();
    render(req, res, 'schedule/none', { child });
  });
}

/**
 * The page's translations. i18next takes some 20 µs for a text with values (a week writes dozens), so a text whose
 * values are plain strings and numbers (no count, so no plural) is filled in here from the text without values, which
 * the translator keeps; the rest, and a text naming a value not given, go to i18next.
 */
const listFormats = new Map<string, Intl.ListFormat>();

/** "måndag, tisdag och onsdag": one kept formatter per locale (making one takes far longer than using it). */
function listFormat(locale: string): Intl.ListFormat {
  let format = listFormats.get(locale);
  if (!format) listFormats.set(locale, (format = new Intl.ListFormat(locale, { type: 'conjunction' })));
  return format;
}

function quickTranslations(req: Request): Request['t'] {
  const withValues = req.t as unknown as (key: string, options: Record<string, unknown>) => string;
  return ((key: string, options?: Record<string, unknown>) => {
    if (options === undefined) return req.t(key);
    if ('count' in options) return withValues(key, options);
    const template = req.t(key) as string;
    let complete = true;
    const text = template.replace(/\{\{([\w.]+)\}\}/g, (_, name: string) => {
      const value = options[name];
      if (typeof value === 'string' || typeof value === 'number') return String(value);
      complete = false;
      return '';
    });
    return complete ? text : withValues(key, options);
  }) as Request['t'];
}

/** A message in the reader's language, dates written out ("onsdag 2 december"). */
function messageOf(req: Request): (e: FieldError) => string {
  return (e) => req.t(e.key, {
    ...e.params,
    ...Object.fromEntries(Object.entries(e.dates ?? {}).map(([name, date]) => [name, formatDate(date, req.language)])),
  });
}

function valueText(req: Request, v: { starts: string | null; ends: string | null; dayOff: boolean } | undefined | null, t = req.t): string {
  if (!v || (!v.dayOff && (v.starts === null || v.ends === null))) return t('schedule.value.none');
  if (v.dayOff) return t('schedule.value.dayOff');
  return t('schedule.value.times', { starts: v.starts, ends: v.ends });
}

// ---------------------------------------------------------------------------------------------------------------------
// Standard times

interface StandardPage {
  placement: CarePlacement;
  care: ChildCare;
  rules: ChangeRules;
  openWeekdays: number[];
  earliest: string;
  canUpdate: boolean;
}

async function loadStandard(req: Request, { db, clock }: Deps): Promise<StandardPage | undefined> {
  const placement = await carePlacement(db, req.targetId!, today(clock));
  if (!placement) return undefined;
  const day = today(clock);
  const care = await loadChildCare(db, placement, day, addDays(day, 800));
  const rules = changeRules(care, now(clock), req.actor!.guardianOf.has(placement.childId));
  return {
    placement, care, rules, openWeekdays: WEEKDAYS.filter((d) => care.calendar.hours[d] !== null && care.calendar.hours[d] !== undefined),
    earliest: firstStandardDay(rules), canUpdate: allows(req.actor, 'child.schedule.update', req.target ?? null),
  };
}

function renderStandard(req: Request, res: Response, page: StandardPage, errors: FieldErrors = {}, status = 200): void {
  const { care, rules } = page;
  const current = scheduleOn(care.schedules, rules.today);
  const upcoming = care.schedules.filter((s) => s.validFrom > rules.today);
  const latest = upcoming[upcoming.length - 1] ?? current;
  const values: Record<string, string> = {};
  const checked = new Set<number>();
  for (const weekday of page.openWeekdays) {
    const v = latest?.days.get(weekday);
    values[`starts_${weekday}`] = v && !v.dayOff ? v.starts ?? '' : '';
    values[`ends_${weekday}`] = v && !v.dayOff ? v.ends ?? '' : '';
    if (v?.dayOff) checked.add(weekday);
  }
  values.valid_from = page.earliest;
  if (Object.keys(errors).length) {
    checked.clear();
    for (const weekday of page.openWeekdays) {
      values[`starts_${weekday}`] = field(req.body, `starts_${weekday}`);
      values[`ends_${weekday}`] = field(req.body, `ends_${weekday}`);
      if (field(req.body, `off_${weekday}`) === 'yes') checked.add(weekday);
    }
    values.valid_from = field(req.body, 'valid_from');
  }
  const minutes = latest ? [...latest.days.values()].reduce((sum, v) => sum + careMinutes(v), 0) : 0;
  render(req, res, 'schedule/standard', {
    page, child: page.placement, current, upcoming, errors, values, checked: [...checked], message: messageOf(req),
    weekHours: hoursText(minutes, req.language.locale), limit: STANDARD_WEEK_LIMIT,
    hours: (weekday: number) => care.calendar.hours[weekday],
    valueText: (v: DayValue | undefined) => valueText(req, v),
    lastDay: lastBookableDay(rules),
  }, status);
}

// ---------------------------------------------------------------------------------------------------------------------
// History

interface HistoryLine { date: string; what: string; before: string; after: string; by: string; at: string }

function historyLine(req: Request, e: HistoryEntry): HistoryLine {
  const kinds = ['times', 'standard', 'absence', 'attendance'];
  return {
    date: e.date, what: req.t(`schedule.history.kind.${kinds.includes(e.what) ? e.what : 'other'}`),
    before: historyValue(req, e.what, e.old), after: historyValue(req, e.what, e.new), by: e.by, at: e.at,
  };
}

function historyValue(req: Request, what: string, value: unknown): string {
  if (value === null || value === undefined || typeof value !== 'object') return req.t('schedule.history.empty');
  const v = value as Record<string, unknown>;
  const text = (x: unknown) => (typeof x === 'string' ? x : null);
  if (what === 'times') {
    if ('staffComment' in v) return req.t('schedule.history.staffComment', { text: text(v.staffComment) ?? '' });
    const times = valueText(req, { starts: text(v.starts), ends: text(v.ends), dayOff: v.dayOff === true });
    return text(v.comment) ? `${times}. ${req.t('schedule.guardianComment', { text: text(v.comment) })}` : times;
  }
  if (what === 'standard') {
    const days = Object.entries(v).map(([weekday, day]) => {
      const d = (day ?? {}) as Record<string, unknown>;
      return `${req.t(`schedule.weekdayShort.${weekday}`)} ${valueText(req, { starts: text(d.starts), ends: text(d.ends), dayOff: d.dayOff === true })}`;
    });
    return days.length ? days.join(', ') : req.t('schedule.value.none');
  }
  if (what === 'absence') {
    const absence = v.wholeDay === false && text(v.starts)
      ? req.t('schedule.history.absencePart', { starts: text(v.starts), ends: text(v.ends) })
      : req.t('schedule.history.absenceWhole');
    return text(v.comment) ? `${absence}. ${req.t('schedule.guardianComment', { text: text(v.comment) })}` : absence;
  }
  if (what === 'attendance') {
    const parts = [
      ...(text(v.arrived_at) ? [req.t('schedule.history.arrived', { time: text(v.arrived_at) })] : []),
      ...(text(v.left_at) ? [req.t('schedule.history.left', { time: text(v.left_at) })] : []),
    ];
    return parts.length ? parts.join(', ') : req.t('schedule.history.empty');
  }
  return JSON.stringify(value);
}
