// HTTP plumbing that knows no domain: the route table (every route names its action, or opts out as public),
// the guard that asks the policy, rendering, and the error pages.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { TFunction } from 'i18next';
import { actionDefinition, type Action, type TargetKind } from './actions.ts';
import { decide, type Actor, type Location } from './policy.ts';
import type { Language } from './i18n.ts';

export interface SignedInAccount { id: number; personId: number; username: string; displayName: string; language: string }

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      actor?: Actor;
      account?: SignedInAccount;
      language: Language;
      t: TFunction;
      /** The record the route's action is about, found and allowed by the guard. */
      target?: Location;
      targetId?: number;
    }
  }
}

declare module 'express-session' {
  interface SessionData { accountId?: number; childId?: number; language?: string; loginAt?: string; flash?: string; agent?: string }
}

export class HttpError extends Error {
  constructor(readonly status: number, message = `HTTP ${status}`) { super(message); }
}
export const notFound = (): HttpError => new HttpError(404, 'Not found');

export type Access = Action | 'public';
export interface RouteEntry { method: 'GET' | 'POST'; path: string; access: Access }
type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

export function targetParam(kind: TargetKind): string | undefined {
  return kind === 'none' || kind === 'personOfChild' ? undefined : `${kind}Id`;
}

/**
 * Every route of the app is added here with the action it performs. Login is required unless a route is added with
 * `publicGet`/`publicPost`, so a forgotten route fails closed. The list is what the matrix test walks.
 */
export class RouteTable {
  readonly entries: RouteEntry[] = [];
  constructor(private readonly router: Router, private readonly guard: (action: Action) => RequestHandler) {}

  get(path: string, action: Action, ...handlers: Handler[]): void { this.add('GET', path, action, handlers); }
  post(path: string, action: Action, ...handlers: Handler[]): void { this.add('POST', path, action, handlers); }
  publicGet(path: string, ...handlers: Handler[]): void { this.add('GET', path, 'public', handlers); }
  publicPost(path: string, ...handlers: Handler[]): void { this.add('POST', path, 'public', handlers); }

  private add(method: 'GET' | 'POST', path: string, access: Access, handlers: Handler[]): void {
    if (access !== 'public') {
      const param = targetParam(actionDefinition(access).target);
      if (param && !path.includes(`:${param}`)) throw new Error(`${method} ${path}: action ${access} needs :${param}`);
    }
    this.entries.push({ method, path, access });
    const chain = access === 'public' ? handlers : [this.guard(access), ...handlers];
    if (method === 'GET') this.router.get(path, ...(chain as RequestHandler[]));
    else this.router.post(path, ...(chain as RequestHandler[]));
  }
}

export type Locator = (kind: TargetKind, id: number, req: Request) => Promise<Location | null>;

/** Sign-in first, then the policy: a record that is not yours, or does not exist, is the same 404. */
export function createGuard(locate: Locator): (action: Action) => RequestHandler {
  return (action) => async (req, res, next) => {
    if (!req.actor) return redirectToLogin(req, res);
    const param = targetParam(actionDefinition(action).target);
    let location: Location | null = null;
    if (param) {
      const id = parseId(req.params[param]);
      if (id === undefined) throw notFound();
      location = await locate(actionDefinition(action).target, id, req);
      req.targetId = id;
    }
    const decision = decide(req.actor, action, location);
    if (decision === 'needs-strong-login') throw new HttpError(403, 'Strong login required');
    if (decision === 'deny') throw notFound();
    req.target = location ?? undefined;
    next();
  };
}

export function parseId(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,15}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

function redirectToLogin(req: Request, res: Response): void {
  const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  if (req.get('HX-Request')) {
    res.set('HX-Redirect', `/login${next}`).status(401).end();
    return;
  }
  res.redirect(303, `/login${next}`);
}

/** Only a path on our own site is a safe place to return to after login. */
export function safeReturnPath(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(raw) && raw.length < 500 ? raw : '/';
}

/** Reads every value of a repeated form field (checkboxes); non-text values are dropped. */
export function fields(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/** Reads a text field from a parsed form body; anything else (arrays, objects) reads as empty. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A one-time message for the next page ("Ändringarna är sparade"). */
export function flash(req: Request, key: string): void {
  req.session.flash = key;
}

export function takeFlash(req: Request): string | undefined {
  const key = req.session?.flash;
  if (key) delete req.session.flash;
  return key;
}
