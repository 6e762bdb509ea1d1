// One translation catalogue per language (server/locales/*.json), read through i18next. Swedish is the default and
// the fallback; Arabic is right-to-left.
import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { TIME_ZONE } from './clock.ts';

export interface Language { code: string; name: string; dir: 'ltr' | 'rtl'; locale: string }

export const LANGUAGES: readonly Language[] = [
  { code: 'sv', name: 'Svenska', dir: 'ltr', locale: 'sv-SE' },
  { code: 'en', name: 'English', dir: 'ltr', locale: 'en-GB' },
  { code: 'ar', name: 'العربية', dir: 'rtl', locale: 'ar-SE' },
];
export const DEFAULT_LANGUAGE = LANGUAGES[0];

export const LOCALES_DIR = path.resolve(import.meta.dirname, '../locales');

export function languageByCode(code: string | undefined | null): Language | undefined {
  return LANGUAGES.find((l) => l.code === code);
}

export function readCatalogue(code: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(LOCALES_DIR, `${code}.json`), 'utf8')) as Record<string, unknown>;
}

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: Object.fromEntries(LANGUAGES.map((l) => [l.code, { translation: readCatalogue(l.code) }])),
  lng: DEFAULT_LANGUAGE.code,
  fallbackLng: DEFAULT_LANGUAGE.code,
  interpolation: { escapeValue: false }, // Eta escapes on output
  returnNull: false,
});

const translators = new Map<string, TFunction>();

/** Options i18next reads itself (plurals, context, defaults, other languages...): a call with any of them goes to i18next. */
const I18NEXT_OPTIONS = new Set(['count', 'context', 'defaultValue', 'lng', 'lngs', 'fallbackLng', 'ns', 'returnObjects', 'returnDetails',
  'joinArrays', 'postProcess', 'interpolation', 'skipInterpolation', 'replace', 'ordinal', 'keyPrefix', 'nsSeparator', 'keySeparator']);
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The translation function of a language. A page looks up dozens of texts and i18next takes 10–15 µs for each, so a
 * plain key (no variables, no count) is looked up once per language and kept, and a text with plain `{{name}}`
 * placeholders filled with plain values (strings, numbers) is filled in here from the kept text, as i18next would
 * (escapeValue is off: Eta escapes). Anything else — a count, a context, a missing value, a missing text — goes to
 * i18next.
 */
export function translator(language: Language): TFunction {
  const existing = translators.get(language.code);
  if (existing) return existing;
  const t = instance.getFixedT(language.code);
  const slow = t as unknown as (...args: unknown[]) => string;
  const plain = new Map<string, string>();
  /** Each key's text with placeholders, or null when it is not one for filling in here. */
  const templates = new Map<string, string | null>();
  const templateOf = (key: string): string | null => {
    let template = templates.get(key);
    if (template !== undefined) return template;
    const own = instance.getResource(language.code, 'translation', key) as unknown;
    const text = own === undefined ? instance.getResource(DEFAULT_LANGUAGE.code, 'translation', key) as unknown : own;
    template = typeof text === 'string' && [...text.matchAll(PLACEHOLDER)].every((m) => PLAIN_NAME.test(m[1])) ? text : null;
    templates.set(key, template);
    return template;
  };
  const memo = ((key: string | string[], ...rest: unknown[]) => {
    if (typeof key !== 'string') return slow(key, ...rest);
    if (rest.length === 0) {
      const kept = plain.get(key);
      if (kept !== undefined) return kept;
      const text = t(key);
      plain.set(key, text);
      return text;
    }
    const options = rest[0];
    if (rest.length > 1 || typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return slow(key, ...rest);
    const values = options as Record<string, unknown>;
    for (const name in values) {
      const value = values[name];
      if (I18NEXT_OPTIONS.has(name) || name.startsWith('defaultValue') || (typeof value !== 'string' && typeof value !== 'number')) return slow(key, ...rest);
    }
    const template = templateOf(key);
    if (template === null) return slow(key, ...rest);
    let missing = false;
    const text = template.replace(PLACEHOLDER, (_, name: string) => {
      const value = Object.hasOwn(values, name) ? values[name] : undefined;
      if (value === undefined) missing = true;
      return String(value);
    });
    return missing ? slow(key, ...rest) : text;
  }) as unknown as TFunction;
  translators.set(language.code, memo);
  return memo;
}

const LONG_DAY: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Making an Intl.DateTimeFormat takes far longer than using one (a week view writes dozens of dates): keep them. */
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  const kept = formatters.get(key);
  if (kept) return kept;
  const format = new Intl.DateTimeFormat(locale, options);
  formatters.set(key, format);
  return format;
}

/** Date styles the views use on every page: their formatters are found without building a key. */
export const LONG_DATE: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric' };
export const WEEKDAY_NAME: Intl.DateTimeFormatOptions = { weekday: 'long' };
const KEPT_STYLES = new Map<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>([[LONG_DAY, new Map()], [LONG_DATE, new Map()], [WEEKDAY_NAME, new Map()]]);

/** "tisdag 24 november" in the user's language, for a YYYY-MM-DD date. */
export function formatDate(date: string, language: Language, options: Intl.DateTimeFormatOptions = LONG_DAY): string {
  const kept = KEPT_STYLES.get(options);
  let format = kept?.get(language.locale);
  if (!format) {
    format = dateFormat(language.locale, { ...options, timeZone: 'UTC' });
    kept?.set(language.locale, format);
  }
  return format.format(new Date(`${date}T00:00:00Z`));
}

export function formatDateTime(instant: Date, language: Language): string {
  return dateFormat(language.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(instant);
}
