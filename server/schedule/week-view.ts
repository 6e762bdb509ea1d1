// The week page as a guardian or the staff see it (views/schedule/page.eta and day.eta): each day with its fields or
// what it books, who registered it, why it cannot be changed; the lock sentences, hours used, and the forms' values.
// Everything a day shows is worked out here once, in the reader's language, so the template only places it.
import type { TFunction } from 'i18next';
import { addDays, isoWeek, isoWeekday, weekKey } from '../kernel/dates.ts';
import type { FieldError, FieldErrors } from '../kernel/forms.ts';
import { field, fields } from '../kernel/http.ts';
import { formatDate, formatDateTime, translator, type Language } from '../kernel/i18n.ts';
import {
  dayState, effectiveOn, hoursText, limitPeriod, parseWas, rawOf, registers, standardOn, usage, wasText,
  type DayState, type RawDay, type WeekPlan, type WholeWeek,
} from './rules.ts';
import type { WeekPage } from './load.ts';
import type { RegisteredDay } from './queries.ts';
import type { CareConflict } from './homes.ts';
import { theirPattern } from './homes-rules.ts';
import { homesSentences, ruleSentences } from './plain-words.ts';

export interface DayView {
  date: string;
  /** "onsdag 25 november": the day's heading, its choice in the comment form, its conflict question. */
  title: string;
  isToday: boolean;
  state: DayState;
  /** Shown with fields: the user may change it now. */
  editable: boolean;
  /** "Stängt: Planeringsdag" on a closed day, else the day's opening hours ("Öppet 06:30–18:00"), if any. */
  note: string | null;
  /** The fields as the form shows them, and the hidden `was_<date>` (what the form was opened with). */
  input: RawDay;
  was: string;
  /** A day someone else saved after the form was opened: the question, both versions, and the choice made. */
  conflict: { legend: string; mine: string; theirs: string; keep: string } | null;
  /** A day shown without fields: what it books ("07:30–16:00", "Ledig"), the guardian's comment, why it is locked. */
  value: string;
  comment: string | null;
  hint: string | null;
  /** Who registered the day, "Standardtid" or "Inga tider registrerade"; null on a closed day nobody registered. */
  source: string | null;
  staffComment: string | null;
  /** The absence of the day: "Frånvaro anmäld", with its times for part of the day, or "Ogiltig frånvaro". */
  absence: string | null;
  /** The text of the link to the staff's comment form for the day (staff only). */
  commentLink: string | null;
  /** Two homes: "Den här dagen registrerar Erik Berg." on a day of the other household's pattern. */
  homesNote: string | null;
  /** Two homes: "Krock: Anna Lind 07:30–16:00, Erik Berg 08:00–17:00" while a conflict waits. */
  clash: string | null;
}

/** An unsettled conflict of the week: its sentence, and the settling form's two choices for a guardian. */
export interface ClashView { date: string; title: string; text: string; mine: string; theirs: string; canSettle: boolean }

export interface WeekViewOptions {
  /** The week form as posted, when it comes back refused or in conflict: what the user typed is shown again. */
  posted?: { form: Record<string, unknown>; plan: WeekPlan };
  errors?: FieldErrors;
  /** Days saved by someone else since the form was opened. */
  conflicts?: Set<string>;
  /** The day the staff's comment form is open for, and the text typed in it. */
  commentDate?: string;
  commentText?: string;
}

const STATE_HINTS: Record<Exclude<DayState, 'open' | 'closed' | 'cutoff'>, string> = {
  past: 'schedule.state.past', 'no-placement': 'schedule.state.noPlacement', 'too-far': 'schedule.state.tooFar', locked: 'schedule.state.locked',
};

/** Why a day the user could otherwise change cannot be changed ("Dagen har varit."). */
function stateHint(t: TFunction, state: DayState, cutoff: string | null): string | null {
  if (state === 'open' || state === 'closed') return null;
  return state === 'cutoff' ? t('schedule.state.cutoff', { time: cutoff ?? '' }) : t(STATE_HINTS[state]);
}

/** "07:30–16:00", "Ledig", or "Inga tider". */
export function valueText(t: TFunction, v: { starts: string | null; ends: string | null; dayOff: boolean } | undefined | null): string {
  if (!v || (!v.dayOff && (v.starts === null || v.ends === null))) return t('schedule.value.none');
  if (v.dayOff) return t('schedule.value.dayOff');
  return t('schedule.value.times', { starts: v.starts, ends: v.ends });
}

function rawText(t: TFunction, r: RawDay): string {
  return valueText(t, { starts: r.starts || null, ends: r.ends || null, dayOff: r.dayOff });
}

/** The data of views/schedule/page.eta. */
export function weekView(page: WeekPage, language: Language, options: WeekViewOptions = {}) {
  const t = translator(language);
  const { care, rules, days, placement } = page;
  const posted = options.posted;
  const form = posted?.form ?? {};
  const errors = options.errors ?? {};
  const hoursNotes = new Map<string, string>();
  const views = days.map((date): DayView => {
    const registered = care.registered.get(date);
    const shown = effectiveOn(care, date);
    const source = registered && registers(registered) ? 'registered' : standardOn(care, date) ? 'standard' : 'none';
    const state = dayState(date, rules);
    const title = formatDate(date, language);
    const stored = rawOf(shown, registered?.comment ?? null);
    const version = registered?.version ?? 0;
    const postedWas = posted ? field(form, `was_${date}`) : '';
    const freshConflict = options.conflicts?.has(date) ?? false;
    const pendingConflict = !freshConflict && postedWas !== '' && parseWas(postedWas).conflict && posted?.plan.inputs.has(date);
    const input = posted?.plan.inputs.get(date) ?? stored;
    const hours = care.calendar.hours[isoWeekday(date)] ?? null;
    let note: string | null = null;
    if (state === 'closed') {
      const reason = care.calendar.closed.has(date) ? care.closedReasons.get(date) : undefined;
      // Times registered before the unit closed the day do not apply: say so rather than who registered them.
      note = reason && registered && registers(registered) ? t('schedule.closedRegistered', { reason })
        : reason ? t('schedule.closedReason', { reason }) : t('schedule.closed');
    } else if (hours) {
      const key = `${hours.opens}–${hours.closes}`;
      note = hoursNotes.get(key) ?? t('schedule.openingHours', { opens: hours.opens, closes: hours.closes });
      hoursNotes.set(key, note);
    }
    const by = source === 'registered' ? registered?.registeredBy ?? null : null;
    const theirs = theirPattern(page.homes, date);
    const editable = page.canUpdate && state === 'open' && !theirs;
    const waiting = page.homes.conflicts.get(date);
    const shownAsText = !editable && state !== 'closed';
    return {
      date, title, isToday: date === rules.today, state, editable, note,
      input, was: freshConflict ? wasText(stored, version, true) : postedWas || wasText(stored, version),
      conflict: freshConflict || pendingConflict ? {
        legend: t('schedule.conflict.legend', { date: title }),
        mine: t('schedule.conflict.mine', { value: rawText(t, input) }),
        theirs: registered?.registeredBy?.name && registered.updatedAt
          ? t('schedule.conflict.theirs', { name: registered.registeredBy.name, time: formatDateTime(new Date(registered.updatedAt), language), value: valueText(t, shown) })
          : t('schedule.conflict.theirsUnknown', { value: valueText(t, shown) }),
        keep: posted ? field(form, `keep_${date}`) : '',
      } : null,
      value: shownAsText ? valueText(t, shown) : '',
      comment: shownAsText && registered?.comment ? t('schedule.guardianComment', { text: registered.comment }) : null,
      hint: shownAsText && page.canUpdate && !theirs ? stateHint(t, state, care.cutoff) : null,
      homesNote: theirs && state !== 'closed' ? t('homes.day.theirs', { name: theirs.guardianName }) : null,
      clash: waiting ? clashText(t, registered, waiting) : null,
      source: state === 'closed' ? null
        : by ? t(by.staff ? 'schedule.source.registeredStaff' : 'schedule.source.registered', { name: by.name })
        : t(source === 'standard' ? 'schedule.source.standard' : 'schedule.source.none'),
      staffComment: registered?.staffComment ? t('schedule.staffComment', { name: registered.staffCommentBy || '', text: registered.staffComment }) : null,
      commentLink: page.canComment ? t('schedule.staffCommentForm.edit', { date: title }) : null,
      absence: absenceText(t, page.absences.get(date)),
    };
  });
  const thursday = addDays(page.monday, 3);
  const period = limitPeriod(placement.hourLimit, thursday);
  const week = isoWeek(thursday).week;
  const values: Record<string, string> = {};
  if (posted) for (const name of ['week_starts', 'week_ends', 'repeat_weeks']) values[name] = field(form, name);
  let hoursUsed: string | null = null;
  if (period) {
    const used = hoursText(usage(care, period, rules.today).minutes, language.locale);
    hoursUsed = period.limit === '15h_week'
      ? t('schedule.hours.week', { limit: period.hours, week, used })
      : t('schedule.hours.year', { limit: period.hours, year: period.from.slice(0, 4), used });
  }
  return {
    child: placement, days: views, errors, conflicts: views.some((v) => v.conflict !== null),
    week, weekKey: weekKey(page.monday),
    previousWeek: { key: weekKey(addDays(page.monday, -7)), week: isoWeek(addDays(page.monday, -4)).week },
    nextWeek: { key: weekKey(addDays(page.monday, 7)), week: isoWeek(addDays(page.monday, 10)).week },
    thisWeek: weekKey(rules.today),
    hoursUsed,
    lockSentences: lockSentences(page, views, language, t),
    ruleSentences: page.canUpdate ? ruleSentences(rules, language, t) : [],
    homesSentences: homesSentences(page.homes.patterns, days, language, t, (items) => listOf(items, language)),
    clashes: clashViews(page, language, t),
    homesLink: page.homes.twoHomes,
    staffNote: page.canUpdate && !page.asGuardian && (care.rules.lockDays > 0 || care.cutoff !== null),
    canUpdate: page.canUpdate, canComment: page.canComment, canHistory: page.canHistory,
    siblings: page.siblings.map((s) => ({ id: s.id, firstName: s.firstName })),
    anyEditable: views.some((v) => v.editable),
    values, repeatChecked: posted !== undefined && field(form, 'repeat') === 'yes',
    chosenSiblings: posted ? fields(form, 'siblings') : [],
    commentDate: options.commentDate ?? days.find((d) => d >= rules.today) ?? days[0],
    commentText: options.commentText ?? (options.commentDate ? care.registered.get(options.commentDate)?.staffComment ?? '' : ''),
  };
}

export type WeekView = ReturnType<typeof weekView>;

/** "Krock: Anna Lind 07:30–16:00, Erik Berg 08:00–17:00": the day as it stands, then the registration that waits. */
function clashText(t: TFunction, registered: RegisteredDay | undefined, waiting: CareConflict): string {
  return t('homes.conflict.text', {
    current: registered?.registeredBy?.name ?? '', currentValue: valueText(t, registered),
    waiting: waiting.registeredByName, waitingValue: valueText(t, waiting),
  });
}

/** The week's conflicts; a guardian gets a form with "mine" and "theirs" as the guardian sees them. */
function clashViews(page: WeekPage, language: Language, t: TFunction): ClashView[] {
  return [...page.homes.conflicts.values()].filter((c) => page.days.includes(c.date)).map((c) => {
    const registered = page.care.registered.get(c.date);
    const current = { name: registered?.registeredBy?.name ?? '', value: valueText(t, registered) };
    const waiting = { name: c.registeredByName, value: valueText(t, c) };
    const iWait = page.homes.me === c.registeredBy;
    const [mine, theirs] = iWait ? [waiting, current] : [current, waiting];
    return {
      date: c.date, title: formatDate(c.date, language), text: clashText(t, registered, c),
      mine: t('homes.conflict.mine', { value: mine.value }), theirs: t('homes.conflict.theirs', { name: theirs.name, value: theirs.value }),
      canSettle: page.canUpdate && page.asGuardian,
    };
  });
}

/** "Frånvaro anmäld", "Frånvaro anmäld 09:00–11:00", "Ogiltig frånvaro 08:00–10:00". */
function absenceText(t: TFunction, absence: { kind: string; starts: string | null; ends: string | null } | undefined): string | null {
  if (!absence) return null;
  const kind = absence.kind === 'unreported' ? 'unreported' : 'reported';
  return absence.starts ? t(`absence.week.${kind}Part`, { from: absence.starts, to: absence.ends }) : t(`absence.week.${kind}`);
}

const listFormats = new Map<string, Intl.ListFormat>();

/** "onsdag 25 november och torsdag 26 november": one kept formatter per locale (making one takes far longer than using it). */
function listOf(titles: string[], language: Language): string {
  let format = listFormats.get(language.locale);
  if (!format) {
    format = new Intl.ListFormat(language.locale, { type: 'conjunction' });
    listFormats.set(language.locale, format);
  }
  return format.format(titles);
}

/**
 * The message after the week was saved: with "Hela veckan", its times and the days it was laid on, and the days that
 * kept the times the user typed for them ("Tiderna är sparade. Hela veckans tider, 07:30–15:00, lades på …").
 */
export function savedMessage(written: number, whole: WholeWeek | undefined, language: Language): FieldError {
  if (written === 0) return { key: 'schedule.nothingChanged' };
  if (!whole || (!whole.applied.length && !whole.kept.length)) return { key: 'schedule.saved' };
  const t = translator(language);
  const days = (dates: string[]) => listOf(dates.map((date) => formatDate(date, language)), language);
  const params = { times: t('schedule.value.times', { starts: whole.starts, ends: whole.ends }), days: days(whole.applied), kept: days(whole.kept) };
  const key = !whole.kept.length ? 'schedule.wholeWeek.savedApplied' : whole.applied.length ? 'schedule.wholeWeek.savedBoth' : 'schedule.wholeWeek.savedKept';
  return { key, params };
}

/** For a guardian: which days of the week are locked, by the unit's lock window and by the group's cut-off, and why. */
function lockSentences(page: WeekPage, days: DayView[], language: Language, t: TFunction): string[] {
  if (!page.asGuardian || !page.canUpdate) return [];
  const { care, placement } = page;
  const window = days.filter((d) => d.state === 'locked').map((d) => d.title);
  const cutoff = days.filter((d) => d.state === 'cutoff').map((d) => d.title);
  const sentences: string[] = [];
  if (window.length) sentences.push(t('schedule.lock.window', { days: listOf(window, language), unit: placement.unitName, count: care.rules.lockDays }));
  if (cutoff.length) sentences.push(t('schedule.lock.cutoff', { days: listOf(cutoff, language), group: placement.groupName, time: care.cutoff ?? '' }));
  return sentences.map((sentence) => sentence.charAt(0).toLocaleUpperCase(language.locale) + sentence.slice(1));
}
