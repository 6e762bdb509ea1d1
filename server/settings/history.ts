// The settings' change history as a person reads it: "Boxen Frånvaro slogs av", "Öppettider onsdag från 06:30–18:00
// till stängt", "Stängd dag lades till: fredag 4 december (Planeringsdag)". The history stores the values as they were
// saved ('on', 'closed', 2026-12-04); they are put into words here, in the reader's language, when they are shown.
import type { TFunction } from 'i18next';
import { stockholmDate } from '../kernel/clock.ts';
import { isDate } from '../kernel/dates.ts';
import { formatDate, formatDay, WEEKDAY_NAME, type Language } from '../kernel/i18n.ts';
import type { SettingsChange } from './queries.ts';

export interface HistoryLine { changedAt: string; changedBy: string; text: string }

const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g;
/** A closed day as stored: its date (or first and last date) and its reason. */
const CLOSED_DAYS = /^(\d{4}-\d{2}-\d{2})(?:\s*[–-]?\s*(\d{4}-\d{2}-\d{2}))?\s+(.+)$/s;

export function readableHistory(changes: readonly SettingsChange[], t: TFunction, language: Language): HistoryLine[] {
  return changes.map((c) => ({ changedAt: c.changedAt, changedBy: c.changedBy, text: changeText(c, t, language) }));
}

function changeText(c: SettingsChange, t: TFunction, language: Language): string {
  const colon = c.setting.indexOf(':');
  const setting = colon < 0 ? c.setting : c.setting.slice(0, colon);
  const detail = colon < 0 ? '' : c.setting.slice(colon + 1);
  const subject = setting === 'box' ? t(`boxes.${detail}.title`)
    : setting === 'opening_hours' ? formatDate(`2024-01-0${Number(detail)}`, language, WEEKDAY_NAME) : detail;
  const what = t(`settings.history.${setting}`, { detail: subject });
  if (setting === 'terms_of_use') return what;
  const year = stockholmDate(new Date(c.changedAt)).slice(0, 4);
  const value = (v: string | null) => readableValue(v, t, language, year);
  if (setting === 'box' && (c.newValue === 'on' || c.newValue === 'off')) {
    return `${what} ${t(c.newValue === 'on' ? 'settings.history.turnedOn' : 'settings.history.turnedOff')}`;
  }
  if (setting.startsWith('closed_day')) {
    if (c.oldValue === null && c.newValue !== null) return `${what} ${t('settings.history.added', { value: closedDaysText(c.newValue, t, language, year) })}`;
    if (c.newValue === null && c.oldValue !== null) return `${what} ${t('settings.history.removed', { value: closedDaysText(c.oldValue, t, language, year) })}`;
  }
  return `${what} ${t('settings.history.change', { from: value(c.oldValue), to: value(c.newValue) })}`;
}

/** A stored value in words: 'closed' as "stängt", 'on'/'off' as "på"/"av", each date written out. */
function readableValue(v: string | null, t: TFunction, language: Language, year: string): string {
  if (v === null || v === '') return '–';
  if (v === 'closed') return t('settings.history.valueClosed');
  if (v === 'on' || v === 'off') return t(`settings.history.value_${v}`);
  return v.replace(ISO_DATE, (date) => readableDate(date, language, year));
}

function closedDaysText(v: string, t: TFunction, language: Language, year: string): string {
  const m = CLOSED_DAYS.exec(v);
  if (!m || !isDate(m[1]) || (m[2] !== undefined && !isDate(m[2]))) return readableValue(v, t, language, year);
  const from = readableDate(m[1], language, year);
  const days = m[2] && m[2] !== m[1] ? `${from} – ${readableDate(m[2], language, year)}` : from;
  return t('settings.history.daysWithReason', { days, reason: m[3].trim() });
}

function readableDate(date: string, language: Language, year: string): string {
  return isDate(date) ? formatDay(date, language, year) : date;
}
