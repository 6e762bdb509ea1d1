// Rendering with Eta: every page gets the same base data (translator, language, the signed-in user, CSRF token).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { formatDate, formatDateTime, LANGUAGES, LONG_DATE, WEEKDAY_NAME } from './i18n.ts';
import { takeFlash } from './http.ts';
import type { FieldError } from './forms.ts';
import { isoWeek } from './dates.ts';

export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');
export const STATIC_DIR = path.resolve(import.meta.dirname, '../../static');

export function createEta(cache: boolean): Eta {
  const eta = new Eta({ views: VIEWS_DIR, cache, autoEscape: true, autoTrim: [false, 'nl'], defaultExtension: '.eta' });
  if (cache) {
    // Eta finds a template's file anew on every render and include (a page has a dozen): with cached templates, keep
    // where each name led from each including file.
    const resolve = eta.resolvePath.bind(eta);
    const resolved = new Map<string, string>();
    eta.resolvePath = (template: string, options?: { filepath?: string }) => {
      const key = `${options?.filepath ?? ''}\u0000${template}`;
      const kept = resolved.get(key);
      if (kept !== undefined) return kept;
      const file = resolve(template, options);
      resolved.set(key, file);
      return file;
    };
  }
  return eta;
}

/** Static files by versioned name: `/static/<version>/css/vardag.css`, so they can be cached for a year. */
/**
 * The static files' address (with a version that changes with their contents), and what every page carries inline so
 * that its first paint waits for no other request: the stylesheet, and a few bytes that load htmx once the page is
 * shown. Both are allowed by their hash in the Content-Security-Policy, nothing else inline is.
 */
export interface Assets { version: string; url(file: string): string; inline: InlineAssets }
export interface InlineAssets { css: string; cssHash: string; loader: string; loaderHash: string }

export function createAssets(extraFiles: string[]): Assets {
  const hash = crypto.createHash('sha256');
  for (const file of [...listFiles(STATIC_DIR), ...extraFiles].sort()) hash.update(file).update(fs.readFileSync(file));
  const version = hash.digest('hex').slice(0, 10);
  const url = (file: string) => `/static/${version}/${file}`;
  const css = fs.readFileSync(path.join(STATIC_DIR, 'css/vardag.css'), 'utf8');
  // htmx is an enhancement: every page works without it. It is fetched after the load event and the next frame (on a
  // fast line the load event can come before the first paint), so a slow phone paints the page first; a tap before it
  // arrives is a plain form post or link, which works. So are a page's own enhancements named by `data-later-script`
  // (the login page's passkey button), in the order they stand (async false: a library before the script that uses it).
  const loader = `addEventListener('load',function(){requestAnimationFrame(function(){setTimeout(function(){function add(src){var s=document.createElement('script');s.src=src;s.async=false;document.head.appendChild(s)}if(!window.htmx)add('${url('vendor/htmx.min.js')}');document.querySelectorAll('[data-later-script]').forEach(function(e){add(e.getAttribute('data-later-script'))})},0)})})`;
  const sha = (text: string) => `'sha256-${crypto.createHash('sha256').update(text).digest('base64')}'`;
  return { version, url, inline: { css, cssHash: sha(css), loader, loaderHash: sha(loader) } };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

function baseData(req: Request, res: Response): Record<string, unknown> {
  const language = req.language;
  return {
    t: req.t,
    lang: language.code,
    langTag: language.tag,
    dir: language.dir,
    languages: LANGUAGES,
    account: req.account,
    unread: res.locals.unread ?? { notifications: 0, messages: 0 },
    // The signed-in person's municipality and units with their contact details, for the footer (see signed-in.ts).
    frame: res.locals.frame,
    actor: req.actor,
    demo: res.app.locals.demo === true,
    asset: (res.app.locals.assets as Assets).url,
    inline: (res.app.locals.assets as Assets).inline,
    path: req.path,
    csrfToken: () => req.csrfToken?.() ?? '',
    date: (day: string) => formatDate(day, language),
    longDate: (day: string) => formatDate(day, language, LONG_DATE),
    weekdayName: (isoWeekday: number) => formatDate(`2024-01-0${isoWeekday}`, language, WEEKDAY_NAME),
    week: (day: string) => isoWeek(day).week,
    dateTime: (iso: string) => formatDateTime(new Date(iso), language),
    errorMessage: (error: FieldError) => fieldMessage(req, error),
    flash: takeFlash(req),
    errors: {},
    values: {},
  };
}

export function render(req: Request, res: Response, view: string, data: Record<string, unknown> = {}, status = 200): void {
  const eta = res.app.locals.eta as Eta;
  const html = eta.render(view, { ...baseData(req, res), ...data });
  res.status(status).type('html').send(html);
}

/** A form error in the reader's language, its dates written out ("onsdag 2 december"). */
function fieldMessage(req: Request, error: FieldError): string {
  const dates = Object.entries(error.dates ?? {}).map(([name, date]) => [name, formatDate(date, req.language)]);
  return String(dates.length || error.params ? req.t(error.key, { ...error.params, ...Object.fromEntries(dates) }) : req.t(error.key));
}
