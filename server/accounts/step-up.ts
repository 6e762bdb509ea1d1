// Step-up: a weak (password, PIN, SMS code) session that opens something needing a strong login is sent through the
// municipality's e-ID login and comes back to where it was. A page (GET) comes back to itself; a posted form is kept
// in the session (without its CSRF token) and shown once after the e-ID login, ready to be sent again with a fresh
// token and one button, so what was typed is not lost (works without JavaScript). Where the municipality has no e-ID
// login, a page says so: never a redirect to a login that cannot happen (a loop).
import type { Request, Response } from 'express';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { parseId, safeReturnPath, type RouteTable, type StrongLoginNeeded } from '../kernel/http.ts';
import { render } from '../kernel/views.ts';
import { municipalityOfPerson } from '../people/audit-scope.ts';

/** Where the e-ID login begins (server/e-id/routes.ts); `next` is where it returns. */
export const E_ID_LOGIN = '/login/e-id';
/** Where a form kept during the e-ID login is shown again. */
export const STEP_UP_PAGE = '/login/step-up';
/** The way to a strong login from a link (a box's "Logga in med BankID för att se"): e-ID, or the page saying there is none. */
export const STRONG_START = '/login/strong';

/** A form kept longer than this (the e-ID login abandoned and the user back much later) is not offered again. */
export const KEPT_FORM_MINUTES = 30;
/** A kept form larger than this (as JSON) is not kept: the session is stored on every change. */
const KEPT_FORM_MAX_CHARS = 64_000;

/** Whether the municipality (or, without one, the signed-in user's own) has an e-ID login (E2's eIdConfigOf). */
export type EIdAvailable = (municipalityId: number) => Promise<boolean>;

interface Deps { db: Db; clock: Clock; eIdAvailable: EIdAvailable }

/** The e-ID login returning to `next`; `municipalityId` when it is not the user's own (a record's elsewhere: its provider). */
export const eIdLoginUrl = (next: string, municipalityId?: number): string =>
  `${E_ID_LOGIN}?next=${encodeURIComponent(safeReturnPath(next))}${municipalityId === undefined ? '' : `&municipality=${municipalityId}`}`;

/** The link to a strong login that returns to `next`, for the record's municipality. */
export function strongLoginUrl(next: string, municipalityId?: number): string {
  const query = new URLSearchParams({ next: safeReturnPath(next) });
  if (municipalityId !== undefined) query.set('municipality', String(municipalityId));
  return `${STRONG_START}?${query}`;
}

/** The guard's answer to a weak session asking for what needs a strong one (kernel/http.ts createGuard). */
export function stepUp({ db, clock, eIdAvailable }: Deps): StrongLoginNeeded {
  return async (req, res, municipalityId) => {
    const htmx = Boolean(req.get('HX-Request'));
    const own = await municipalityOfPerson(db, req.account?.personId ?? 0);
    const municipality = municipalityId ?? own;
    const elsewhere = municipality === own ? undefined : municipality;
    const page = htmx ? pageOf(req.get('HX-Current-URL')) : undefined;
    if (municipality === undefined || !(await eIdAvailable(municipality))) {
      // htmx swaps no error page: the browser goes to a page of its own saying the same.
      if (htmx) return void res.set('HX-Redirect', strongLoginUrl(page ?? '/', municipality)).status(403).end();
      return unavailable(req, res);
    }
    let next: string;
    if (req.method === 'GET') {
      // An htmx GET fetches a part of a page (a box): the whole page is where to come back to.
      next = page ?? (safeReturnPath(req.originalUrl) === req.originalUrl ? req.originalUrl : '/');
    } else {
      const kept = keptForm(req, clock.now());
      if (kept) req.session.stepUp = kept;
      else delete req.session.stepUp;
      // A form that cannot be kept (files in it, too large): back to the page it was sent from.
      next = kept ? STEP_UP_PAGE : pageOf(req.get('HX-Current-URL') ?? req.get('Referer')) ?? '/';
    }
    if (htmx) return void res.set('HX-Redirect', eIdLoginUrl(next, elsewhere)).status(403).end();
    res.redirect(303, eIdLoginUrl(next, elsewhere));
  };
}

export function stepUpRoutes(routes: RouteTable, { db, clock, eIdAvailable }: Deps): void {
  routes.get(STRONG_START, 'session.strong.start', async (req, res, { account }) => {
    const next = safeReturnPath(req.query.next);
    const own = await municipalityOfPerson(db, account.personId);
    const municipality = parseId(req.query.municipality) ?? own;
    if (municipality === undefined || !(await eIdAvailable(municipality))) return unavailable(req, res);
    res.redirect(303, eIdLoginUrl(next, municipality === own ? undefined : municipality));
  });

  routes.get(STEP_UP_PAGE, 'session.stepUp.read', (req, res, { actor }) => {
    const kept = req.session.stepUp;
    delete req.session.stepUp; // shown once: sending it again needs it on the page, not in the session
    const fresh = kept && clock.now().getTime() - Date.parse(kept.at) < KEPT_FORM_MINUTES * 60_000;
    if (!kept || !fresh || kept.method !== 'POST') return res.redirect(303, kept && fresh ? safeReturnPath(kept.path) : '/');
    const fields = Object.entries(kept.body).flatMap(([name, value]) => [value].flat().map((v) => ({ name, value: v })));
    render(req, res, 'accounts/step-up', { action: safeReturnPath(kept.path), fields, strong: actor.authLevel === 'strong' });
  });
}

/** The page saying this needs a strong login and the municipality has none in Vardag (403). */
function unavailable(req: Request, res: Response): void {
  render(req, res, 'accounts/step-up-unavailable', {}, 403);
}

/** The path (and query) of a URL of a page, when it is one to return to; from a header, so any host counts as ours. */
function pageOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, 'http://vardag.invalid');
    const path = parsed.pathname + parsed.search;
    return safeReturnPath(path) === path ? path : undefined;
  } catch {
    return undefined;
  }
}

/** The posted form to keep during the e-ID login: its text fields without the CSRF token; none with files or too large. */
function keptForm(req: Request, at: Date): NonNullable<Request['session']['stepUp']> | undefined {
  if (safeReturnPath(req.originalUrl) !== req.originalUrl) return undefined;
  const { file, files } = req as Request & { file?: unknown; files?: unknown };
  const hasFiles = file !== undefined
    || (Array.isArray(files) ? files.length > 0 : typeof files === 'object' && files !== null && Object.keys(files).length > 0);
  // (A multipart form the router reads itself has no body yet: nothing to keep either.)
  if (hasFiles || (req.is('multipart/form-data') && req.body === undefined)) return undefined;
  const body: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
    if (name === '_csrf') continue;
    if (typeof value === 'string') body[name] = value;
    else if (Array.isArray(value)) body[name] = value.filter((v): v is string => typeof v === 'string');
  }
  if (JSON.stringify(body).length > KEPT_FORM_MAX_CHARS) return undefined;
  return { method: 'POST', path: req.originalUrl, body, at: at.toISOString() };
}

