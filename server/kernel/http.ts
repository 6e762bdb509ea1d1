// HTTP plumbing that knows no domain: the route table (every route names its action, or opts out as public, and
// records an audited action's requests), the guard that asks the policy, rendering, and the error pages.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { TFunction } from 'i18next';
import { actionDefinition, ONE_CHILD_KINDS, type actions, type Action, type TargetKind } from './actions.ts';
import { RequestWork, withRequestWork, type Db, type Execute } from './db.ts';
import { decide, isStrongFor, type Actor, type Location } from './policy.ts';
import type { Language } from './i18n.ts';
import type { FieldError } from './forms.ts';
import { log } from './log.ts';

export interface SignedInAccount { id: number; personId: number; username: string; displayName: string; language: string }

declare global {
  namespace Express {
    interface Request {
      actor?: Actor;
      account?: SignedInAccount;
      language: Language;
      t: TFunction;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    accountId?: number; childId?: number; language?: string; loginAt?: string; flash?: string | FieldError; agent?: string;
    /** A strong (e-ID) login of this session: when, last seen (idle lapse back to weak), the provider's acr (server/accounts/strength.ts). */
    strong?: { at: string; seenAt: string; acr: string; municipalityIds?: number[] };
    /** A form posted on a weak session to an action that needs a strong login, kept to be sent again after the e-ID login (step-up). */
    stepUp?: { method: 'GET' | 'POST'; path: string; body: Record<string, string | string[]>; at: string };
    /** An OIDC login under way (server/e-id/): state, nonce and PKCE verifier, never in a URL or a log line. */
    oidc?: { municipalityId: number; state: string; nonce: string; codeVerifier: string; next: string; at: string };
    /** A guardian matched by e-ID who has no account yet, on the way to "an account by e-ID" (server/e-id/new-account). */
    eIdPending?: { municipalityId: number; personId: number; acr: string; at: string };
  }
}

export class HttpError extends Error {
  constructor(readonly status: number, message = `HTTP ${status}`) { super(message); }
}
export const notFound = (): HttpError => new HttpError(404, 'Not found');

export type Access = Action | 'public';
export interface RouteEntry { method: 'GET' | 'POST'; path: string; access: Access }
type Middleware = (req: Request, res: Response, next: NextFunction) => unknown;

/** The record a route's action is about, found by its locator and allowed by the policy: its id and where it sits. */
export type Located = Location & { id: number };

/** The kinds of record that are found by an id in the route (`:childId`...); each has a locator (see Locators). */
export type LocatedKind = Exclude<TargetKind, 'none' | 'personOfChild'>;

/** How each kind of record is found: every domain exports the locators of its records, and app.ts collects them all. */
export type Locators = { [K in LocatedKind]: (db: Db, id: number, today: string) => Promise<Location | null> };

/** The located record; for a 'chosen-group' action, with the group the form named, which the policy made sure is the child's. */
type TargetOf<A extends Action> = (typeof actions)[A]['target'] extends LocatedKind
  ? (typeof actions)[A] extends { only: { scope: 'chosen-group' } } ? Located & { chosenGroupId: number } : Located
  : undefined;

/** What the guard checked, handed to the route's handler: the signed-in user, their account, and the located record. */
export interface RouteContext<A extends Action> { actor: Actor; account: SignedInAccount; target: TargetOf<A> }

export type GuardedHandler<A extends Action> = (req: Request, res: Response, context: RouteContext<A>) => unknown;
type PublicHandler = (req: Request, res: Response, next: NextFunction) => unknown;

export function targetParam(kind: TargetKind): string | undefined {
  return kind === 'none' || kind === 'personOfChild' ? undefined : `${kind}Id`;
}

/** What a request of an audited action records: who, what, about which child and which other record, and how. */
export interface AuditEntry {
  accountId: number; personId: number; action: Action;
  /** The child the record is about (the child itself, an absence's child); null for a group, a unit... */
  childId: number | null;
  /** The record's id when it is not the child itself (an absence's id, a group's id). */
  recordId: number | null;
  method: 'GET' | 'POST';
}

/**
 * 'read': a GET, recorded before its handler runs (no row, no page); 'written': a POST's row, stored in the transaction
 * of its first write; 'attempted': a POST that wrote nothing (a refused form, nothing to change, an error), recorded
 * after its handler.
 */
export type AuditOutcome = 'read' | 'written' | 'attempted';

/** The audit trail as the route table sees it (server/audit/ keeps it; app.ts hands it over, like the guard). */
export interface AuditTrail {
  /** Stores one row: with `execute`, on the connection of a transaction about to commit; without it, on its own. */
  record(entry: AuditEntry, outcome: AuditOutcome, execute?: Execute): Promise<void>;
}

const CONTEXT = Symbol('route context');
type GuardedRequest = Request & { [CONTEXT]?: { actor: Actor; account: SignedInAccount; target: Located | undefined } };

/**
 * Every route of the app is added here with the action it performs. Login is required unless a route is added with
 * `publicGet`/`publicPost`, so a forgotten route fails closed. The list is what the matrix test walks. A guarded
 * route's handler gets what the guard checked as its third argument; middlewares (rate limits) may come before it.
 * Every allowed request of an `audited` action leaves one row in the audit trail: a GET before its handler runs, a POST
 * with its first write (in the same transaction: no write without its row) or, when it wrote nothing, after it.
 */
export class RouteTable {
  readonly entries: RouteEntry[] = [];
  constructor(
    private readonly router: Router, private readonly guard: (action: Action) => RequestHandler, private readonly audit: AuditTrail,
  ) {}

  get<A extends Action>(path: string, action: A, ...chain: [...Middleware[], GuardedHandler<A>]): void { this.guarded('GET', path, action, chain); }
  post<A extends Action>(path: string, action: A, ...chain: [...Middleware[], GuardedHandler<A>]): void { this.guarded('POST', path, action, chain); }
  publicGet(path: string, ...handlers: PublicHandler[]): void { this.add('GET', path, 'public', handlers); }
  publicPost(path: string, ...handlers: PublicHandler[]): void { this.add('POST', path, 'public', handlers); }

  private guarded<A extends Action>(method: 'GET' | 'POST', path: string, action: A, chain: unknown[]): void {
    const param = targetParam(actionDefinition(action).target);
    if (param && !path.includes(`:${param}`)) throw new Error(`${method} ${path}: action ${action} needs :${param}`);
    const handler = chain[chain.length - 1] as GuardedHandler<A>;
    const audited = actionDefinition(action).audited === true;
    const withContext: Middleware = (req, res) => {
      const context = (req as GuardedRequest)[CONTEXT];
      if (!context) throw new Error(`${method} ${path}: the guard did not run`);
      if (!audited) return handler(req, res, context as RouteContext<A>);
      return this.audited(auditEntry(action, method, context), res, () => handler(req, res, context as RouteContext<A>));
    };
    this.add(method, path, action, [this.guard(action), ...(chain.slice(0, -1) as Middleware[]), withContext]);
  }

  private async audited(entry: AuditEntry, res: Response, handle: () => unknown): Promise<void> {
    if (entry.method === 'GET') {
      await this.audit.record(entry, 'read');
      await handle();
      return;
    }
    const work = new RequestWork((execute) => this.audit.record(entry, 'written', execute));
    // A POST that wrote nothing is recorded as an attempt before its answer is sent, as a GET's read is.
    let attempt: Promise<void> | undefined;
    const recordAttempt = (): Promise<void> => {
      work.close();
      attempt ??= work.done ? Promise.resolve()
        : this.audit.record(entry, 'attempted').catch((err: unknown) => log.error({ err, action: entry.action }, 'the audit trail could not record an attempt'));
      return attempt;
    };
    answerAfter(res, work, recordAttempt);
    try {
      await withRequestWork(work, handle);
    } finally {
      await recordAttempt();
    }
  }

  private add(method: 'GET' | 'POST', path: string, access: Access, handlers: Middleware[]): void {
    this.entries.push({ method, path, access });
    if (method === 'GET') this.router.get(path, ...(handlers as RequestHandler[]));
    else this.router.post(path, ...(handlers as RequestHandler[]));
  }
}

function auditEntry(action: Action, method: 'GET' | 'POST', { actor, target }: { actor: Actor; target: Located | undefined }): AuditEntry {
  const kind = actionDefinition(action).target;
  const childId = target && ONE_CHILD_KINDS.has(kind) && target.childIds.length === 1 ? target.childIds[0] : null;
  const recordId = target && kind !== 'child' ? target.id : null;
  return { accountId: actor.accountId, personId: actor.personId, action, childId, recordId, method };
}

/**
 * Once the answer starts, later writes are not the request's own (the session is saved as the answer ends), and the
 * answer ends only after `before` (the attempt's audit row): the route table's wrapper is the outermost, so it runs
 * before the session's.
 */
function answerAfter(res: Response, work: RequestWork, before: () => Promise<void>): void {
  const { write, end } = res;
  res.write = function (this: Response, ...args: unknown[]) {
    work.close();
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Response['write'];
  res.end = function (this: Response, ...args: unknown[]) {
    void before().then(() => (end as (...a: unknown[]) => Response).apply(this, args));
    return this;
  } as Response['end'];
}

/** Whether a municipality asks for a strong login for the actions that leave it to its setting (documentation). */
export type StrongLoginSetting = (db: Db, municipalityId: number) => Promise<boolean>;

/**
 * What a request allowed only with a strong login does on a weak session (step-up: server/accounts/step-up.ts sends it
 * through the e-ID login, keeping a posted form); `municipalityId` is the record's, when the action has one.
 */
export type StrongLoginNeeded = (req: Request, res: Response, municipalityId: number | undefined) => Promise<void>;

const refuseWeakLogin: StrongLoginNeeded = async () => {
  throw new HttpError(403, 'Strong login required');
};

/**
 * Sign-in first, then the policy: a record that is not yours, or does not exist, is the same 404. For a 'chosen-group'
 * action the group comes from the posted form (parsed before the router), so the policy decides about that group.
 * A record that is yours but needs a strong login you do not have goes to `strongLoginNeeded` (step-up).
 */
export function createGuard(
  locators: Locators, db: Db, today: () => string, strongLoginRequired: StrongLoginSetting = async () => false,
  strongLoginNeeded: StrongLoginNeeded = refuseWeakLogin,
): (action: Action) => RequestHandler {
  return (action) => async (req, res, next) => {
    if (!req.actor || !req.account) return redirectToLogin(req, res);
    const { target: kind, only, strongLogin } = actionDefinition(action);
    const param = targetParam(kind);
    let target: Located | undefined;
    if (param) {
      const id = parseId(req.params[param]);
      if (id === undefined) throw notFound();
      const location = await locators[kind as LocatedKind](db, id, today());
      if (!location) throw notFound();
      target = { ...location, id };
      const chosenGroupId = only?.scope === 'chosen-group' ? parseId(field(req.body, only.field)) : undefined;
      if (chosenGroupId !== undefined) target.chosenGroupId = chosenGroupId;
    }
    const asked = strongLogin === 'municipality-setting' && target !== undefined && !isStrongFor(req.actor, target)
      && await strongLoginRequired(db, target.municipalityId);
    const decision = decide(req.actor, action, target ?? null, asked);
    if (decision === 'needs-strong-login') return strongLoginNeeded(req, res, target?.municipalityId);
    if (decision === 'deny') throw notFound();
    (req as GuardedRequest)[CONTEXT] = { actor: req.actor, account: req.account, target };
    next();
  };
}

export function parseId(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,15}$/.test(raw)) return undefined;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : undefined;
}

function redirectToLogin(req: Request, res: Response): void {
  // Only a path that login would return to: a huge query string would make a Location header no client accepts.
  const returnTo = req.method === 'GET' && safeReturnPath(req.originalUrl) === req.originalUrl;
  const next = returnTo ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
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

/** A one-time message for the next page ("Ändringarna är sparade"): a catalogue key, or a key with its values. */
export function flash(req: Request, message: string | FieldError): void {
  req.session.flash = message;
}

export function takeFlash(req: Request): FieldError | undefined {
  const message = req.session?.flash;
  if (!message) return undefined;
  delete req.session.flash;
  return typeof message === 'string' ? { key: message } : message;
}
