// What makes Vardag an installable app: the web app manifest (its name and description in the page's language), the
// service worker at /sw.js (static/sw.js, scope the whole site), and the header that tells the service worker a page
// may be kept for offline reading. Public files with no session: they are mounted before the session in app.ts.
import fs from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../kernel/clock.ts';
import { DEFAULT_LANGUAGE, formatDateTime, languageByCode, translator } from '../kernel/i18n.ts';
import { STATIC_DIR, type Assets } from '../kernel/views.ts';

/** The app's colours: the header's brand colour (static/css/vardag.css `--brand`) and the page's background. */
export const THEME_COLOR = '#3d2a7a';
const BACKGROUND_COLOR = '#f3f2f7';

/** `/manifest.webmanifest?lang=sv`: the layout links it with the page's language (a manifest is fetched without cookies). */
export function manifest(assets: Assets): RequestHandler {
  return (req, res) => {
    const language = languageByCode(typeof req.query.lang === 'string' ? req.query.lang : undefined) ?? DEFAULT_LANGUAGE;
    const t = translator(language);
    const icon = (file: string, size: number, purpose: string) => ({ src: assets.url(`img/${file}`), sizes: `${size}x${size}`, type: 'image/png', purpose });
    res.set('Cache-Control', 'public, max-age=86400').type('application/manifest+json').send(JSON.stringify({
      id: '/', name: t('app.name'), short_name: t('app.name'), description: String(t('push.manifest.description')),
      lang: language.tag, dir: language.dir, start_url: '/', scope: '/', display: 'standalone',
      background_color: BACKGROUND_COLOR, theme_color: THEME_COLOR,
      icons: [icon('icon-192.png', 192, 'any'), icon('icon-512.png', 512, 'any'), icon('icon-maskable-512.png', 512, 'maskable')],
    }));
  };
}

/**
 * `/sw.js`: the service worker, with the icon's versioned address filled in. Checked for a new version on every
 * navigation (no-cache), so a new release takes over without waiting for a day.
 */
export function serviceWorker(assets: Assets): RequestHandler {
  const source = fs.readFileSync(path.join(STATIC_DIR, 'sw.js'), 'utf8').replace('__ICON__', assets.url('img/icon-192.png'));
  return (_req, res) => {
    res.set({ 'Cache-Control': 'no-cache', 'Service-Worker-Allowed': '/' }).type('text/javascript').send(source);
  };
}

/** The header that lets the service worker keep a page for reading offline; its value is the page's offline mark. */
export const OFFLINE_HEADER = 'Vardag-Offline';

/**
 * Whether the session is a "Håll mig inloggad" one: its cookie lives longer than an idle session's (set at login,
 * server/accounts/sessions.ts, and kept by the session store as the cookie's original max age).
 */
export function rememberedSession(req: Request, idleMinutes: number): boolean {
  const lifetime = req.session?.cookie?.originalMaxAge ?? 0;
  return lifetime > idleMinutes * 60_000;
}

/**
 * On a remembered session, every page a signed-in user opens carries the header with the offline mark in their language
 * ("Offline – sidan som den var …"); the service worker keeps such a page only in the installed app (static/sw.js).
 * Any other session's pages carry none, and a page without it makes the worker drop what it kept.
 */
export function offlineKeeping(opts: { clock: Clock; idleMinutes: number }): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' && req.account && rememberedSession(req, opts.idleMinutes)) {
      const mark = req.t('push.offline.mark', { time: formatDateTime(opts.clock.now(), req.language) });
      res.set(OFFLINE_HEADER, encodeURIComponent(String(mark)));
    }
    next();
  };
}
