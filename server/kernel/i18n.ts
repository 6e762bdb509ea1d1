// One translation catalogue per language (server/locales/*.json), read through i18next. Swedish is the default and
// the fallback; Arabic, Persian and Dari are right-to-left.
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import i18next, { type TFunction } from 'i18next';
import { TIME_ZONE } from './clock.ts';
import { cookieValue } from './csrf.ts';

/**
 * A language of the interface. `code` names its catalogue and is what accounts, invitations and the session store;
 * `tag` is its BCP 47 tag for HTML `lang` (what screen readers and browsers go by); `locale` formats its dates and
 * numbers, always in the Gregorian calendar and with the digits 0–9, as the times and counts in the texts have.
 */
export interface Language { code: string; name: string; dir: 'ltr' | 'rtl'; tag: string; locale: string }

export const LANGUAGES: readonly Language[] = [
  { code: 'sv', name: 'Svenska', dir: 'ltr', tag: 'sv', locale: 'sv-SE' },
  { code: 'en', name: 'English', dir: 'ltr', tag: 'en', locale: 'en-GB' },
  { code: 'ar', name: 'العربية', dir: 'rtl', tag: 'ar', locale: 'ar-SE' },
  { code: 'so', name: 'Soomaali', dir: 'ltr', tag: 'so', locale: 'so-SE' },
  // Persian in Node is Solar Hijri with Persian digits ("۱۰ آذر" for 1 December): ask for Gregorian and 0–9, like Arabic.
  { code: 'fa', name: 'فارسی', dir: 'rtl', tag: 'fa', locale: 'fa-u-ca-gregory-nu-latn' },
  // Dari: "prs" is its ISO 639-3 code, which i18next takes as a catalogue name and Intl accepts, but CLDR and
  // Intl.getCanonicalLocales turn it into "fa-AF" (Persian of Afghanistan), the tag browsers and screen readers know.
  { code: 'prs', name: 'دری', dir: 'rtl', tag: 'fa-AF', locale: 'fa-AF-u-ca-gregory-nu-latn' },
];
export const DEFAULT_LANGUAGE = LANGUAGES[0];

export const LOCALES_DIR = path.resolve(import.meta.dirname, '../locales');

export function languageByCode(code: string | undefined | null): Language | undefined {
  return LANGUAGES.find((l) => l.code === code);
}

/**
 * The cookie that remembers the last language of this browser, so that the login page (after logout, or days later)
 * speaks it: a language code and nothing else, set when someone chooses a language or an account's language is used.
 */
export const LANGUAGE_COOKIE = 'lang';
const LANGUAGE_COOKIE_MAX_AGE = 365 * 86_400_000;

/**
 * The language of a request: the signed-in account's, else the one chosen (or taken from an invitation) in this
 * session, else the last one of this browser, else Swedish. A signed-in account's language is remembered in the cookie.
 */
export function requestLanguage(req: Request, res: Response): Language {
  const remembered = languageByCode(cookieValue(req.get('cookie'), LANGUAGE_COOKIE));
  const account = languageByCode(req.account?.language);
  if (account && account !== remembered) rememberLanguage(req, res, account);
  return account ?? languageByCode(req.session?.language) ?? remembered ?? DEFAULT_LANGUAGE;
}

/** Remembers the language in this browser (the `lang` cookie, a year, sent only to this site's own pages and links). */
export function rememberLanguage(req: Request, res: Response, language: Language): void {
  if (res.headersSent) return;
  res.cookie(LANGUAGE_COOKIE, language.code, { maxAge: LANGUAGE_COOKIE_MAX_AGE, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
}

/** Speaks `language` for the rest of this request (its pages are rendered with `req.t`). */
export function useLanguage(req: Request, language: Language): void {
  req.language = language;
  req.t = translator(language);
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

/** A text cut at its placeholders: `parts[0] + value of names[0] + parts[1] + …`. */
interface Template { parts: string[]; names: string[] }

/** A text whose placeholders are all plain `{{name}}`s, which the translator fills in itself; null for any other. */
function fillable(text: unknown): Template | null {
  if (typeof text !== 'string') return null;
  const pieces = text.split(PLACEHOLDER);
  const names = pieces.filter((_, n) => n % 2 === 1);
  return names.every((name) => PLAIN_NAME.test(name)) ? { parts: pieces.filter((_, n) => n % 2 === 0), names } : null;
}

/**
 * The translation function of a language. A page looks up dozens of texts and i18next takes 10–15 µs for each, so a
 * plain key (no variables, no count) is looked up once per language and kept, and a text with plain `{{name}}`
 * placeholders filled with plain values (strings, numbers) is filled in here from the kept text, as i18next would
 * (escapeValue is off: Eta escapes). A numeric `count` picks the plural text as i18next does (`key_zero` for 0 when
 * there is one, then `key_<plural category>`, then `key`, in the language and then in Swedish). Anything else — a
 * context, other i18next options, a missing value, a missing text — goes to i18next.
 */
export function translator(language: Language): TFunction {
  const existing = translators.get(language.code);
  if (existing) return existing;
  const t = instance.getFixedT(language.code);
  const slow = t as unknown as (...args: unknown[]) => string;
  const plain = new Map<string, string>();
  const codes = [...new Set([language.code, DEFAULT_LANGUAGE.code])];
  const pluralRules = codes.map((code) => new Intl.PluralRules(code));
  /** The text of a key as i18next finds it: undefined when missing, else whatever the catalogue holds. */
  const resource = (code: string, key: string) => instance.getResource(code, 'translation', key) as unknown;
  /** Each key's text with placeholders, or null when it is not one for filling in here. */
  const templates = new Map<string, Template | null>();
  const templateOf = (key: string): Template | null => {
    let template = templates.get(key);
    if (template !== undefined) return template;
    const own = resource(language.code, key);
    template = fillable(own === undefined ? resource(DEFAULT_LANGUAGE.code, key) : own);
    templates.set(key, template);
    return template;
  };
  /** The plural texts by key and count (a whole count below 1000: unread counts, days), found once each. */
  const pluralTemplates = new Map<string, (Template | null)[]>();
  const pluralTemplateOf = (key: string, count: number): Template | null => {
    const kept = Number.isInteger(count) && count >= 0 && count < 1000;
    const known = kept ? pluralTemplates.get(key)?.[count] : undefined;
    if (known !== undefined) return known;
    let template: Template | null = null;
    search: for (const [n, code] of codes.entries()) {
      for (const candidate of [...(count === 0 ? [`${key}_zero`] : []), `${key}_${pluralRules[n].select(count)}`, key]) {
        const text = resource(code, candidate);
        if (text === undefined || text === null) continue;
        template = fillable(text);
        break search;
      }
    }
    if (kept) {
      const byCount = pluralTemplates.get(key) ?? [];
      byCount[count] = template;
      pluralTemplates.set(key, byCount);
    }
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
    let count: number | undefined;
    for (const name in values) {
      const value = values[name];
      if (name === 'count' && typeof value === 'number') count = value;
      else if (I18NEXT_OPTIONS.has(name) || name.startsWith('defaultValue') || (typeof value !== 'string' && typeof value !== 'number')) return slow(key, ...rest);
    }
    const template = count === undefined ? templateOf(key) : pluralTemplateOf(key, count);
    if (template === null) return slow(key, ...rest);
    const { parts, names } = template;
    let text = parts[0];
    for (let n = 0; n < names.length; n++) {
      const value = Object.hasOwn(values, names[n]) ? values[names[n]] : undefined;
      if (value === undefined) return slow(key, ...rest);
      text += String(value) + parts[n + 1];
    }
    return text;
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

const LONG_DAY_AND_YEAR: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };

/**
 * A day in a text a person reads later (a notification, the settings history): "tisdag 1 december", and with its year
 * ("fredag 2 juli 2027") when that is not `year`, the year the text was written in.
 */
export function formatDay(date: string, language: Language, year: string): string {
  return formatDate(date, language, date.startsWith(year) ? LONG_DAY : LONG_DAY_AND_YEAR);
}

export function formatDateTime(instant: Date, language: Language): string {
  return dateFormat(language.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(instant);
}
