// Plain words (issue 26): every rule that decides which days a user may change, said in one sentence where it applies
// ("Du kan ändra tiderna från och med måndag 7 december", "Ändringar för i morgon måste vara gjorda i dag kl 12:00",
// "Du kan planera till och med 31 mars", "Tiderna vecka 50 registrerar Erik"). The rules are rules.ts's and
// homes-rules.ts's; this only reads them.
import type { TFunction } from 'i18next';
import { addDays, isoWeek } from '../kernel/dates.ts';
import { formatDate, LONG_DATE, type Language } from '../kernel/i18n.ts';
import { beforeCutoff, dayState, lastBookableDay, type ChangeRules } from './rules.ts';
import { ownerOn, twoHomesOn, type HomePattern } from './homes-rules.ts';

/**
 * The first day after today that the user may change (undefined: none before the last bookable day). Today itself is
 * left out: a lock window keeps today's times open, and the sentence is about planning ahead.
 */
export function firstOpenDay(rules: ChangeRules): string | undefined {
  const last = lastBookableDay(rules);
  for (let day = addDays(rules.today, 1), i = 0; day <= last && i < 400; day = addDays(day, 1), i++) {
    if (dayState(day, rules) === 'open') return day;
  }
  return undefined;
}

const capitalised = (text: string, locale: string) => text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);

/** The rules of changing care times, for the week page: for a guardian all of them, for staff how far ahead. */
export function ruleSentences(rules: ChangeRules, language: Language, t: TFunction): string[] {
  const sentences: string[] = [];
  if (rules.asGuardian) {
    const first = firstOpenDay(rules);
    // today open inside a lock window (its times still change): said, or the sentence would seem to close it
    const todayOpen = first !== undefined && first !== addDays(rules.today, 1) && dayState(rules.today, rules) === 'open';
    if (first) sentences.push(t(todayOpen ? 'schedule.plain.todayAndFirstOpen' : 'schedule.plain.firstOpen', { date: formatDate(first, language) }));
    if (rules.lockDays > 0) sentences.push(t('schedule.plain.lockDays', { count: rules.lockDays }));
    if (rules.cutoff !== null) {
      const tomorrow = addDays(rules.today, 1);
      sentences.push(beforeCutoff(tomorrow, rules.today, rules.now, rules.cutoff) && rules.lockDays === 0
        ? t('schedule.plain.cutoffToday', { time: rules.cutoff })
        : t('schedule.plain.cutoff', { time: rules.cutoff }));
    }
  }
  sentences.push(t('schedule.plain.planAhead', { date: formatDate(lastBookableDay(rules), language, LONG_DATE) }));
  return sentences.map((s) => capitalised(s, language.locale));
}

/**
 * Two homes, for the week from `monday`: who registers which days ("Tiderna vecka 50 registrerar Erik Berg.", "Anna
 * Lind registrerar tiderna måndag 7 december och tisdag 8 december.") and that days in nobody's pattern are both's.
 */
export function homesSentences(patterns: readonly HomePattern[], days: readonly string[], language: Language, t: TFunction,
  list: (items: string[]) => string): string[] {
  if (!days.some((d) => twoHomesOn(patterns, d))) return [];
  const byOwner = new Map<string, string[]>();
  let free = false;
  for (const date of days) {
    const owner = ownerOn(patterns, date);
    if (!owner) {
      free = true;
      continue;
    }
    byOwner.set(owner.guardianName, [...(byOwner.get(owner.guardianName) ?? []), date]);
  }
  const week = isoWeek(addDays(days[0], 3)).week;
  const sentences = [...byOwner].map(([name, dates]) => (dates.length === days.length
    ? t('homes.plain.week', { week, name })
    : t('homes.plain.days', { name, days: list(dates.map((d) => formatDate(d, language))) })));
  if (free) sentences.push(t('homes.plain.free'));
  return sentences;
}
