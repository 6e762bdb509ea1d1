// Logging in with e-ID (BankID, Freja eID... through the municipality's broker, an OpenID Connect provider):
// `GET /login/e-id?next=/path` begins (a choice of municipality first when several have e-ID; for a step-up the one
// `?municipality=` names — the guard's record's — or the signed-in user's own) and `GET /login/e-id/callback` finishes
// (callback.ts). Both public: the callback decides who the user is. Every failure is a Swedish page saying what
// happened, with password login offered. Beginning is limited per address (each writes a session).
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { parseId, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { log } from '../kernel/log.ts';
import { DatabaseRateLimitStore } from '../kernel/rate-limits.ts';
import { addressOf } from '../accounts/login-limits.ts';
import { render } from '../kernel/views.ts';
import { municipalityOfPerson } from '../people/audit-scope.ts';
import { authorizationStart, providerOf } from './client.ts';
import { finishCallback } from './callback.ts';
import { linkedStaff, type StaffLookup } from './matching.ts';
import { failureStatus, loggable, type EIdFailure } from './rules.ts';
import { eIdConfigOf, municipalitiesWithEId } from './settings.ts';

export interface EIdDeps {
  db: Db; clock: Clock; config: Config;
  /** On a demo database: the demo's own provider (server/demo/e-id-provider.ts), its issuer and how it names staff. */
  demo?: { issuer: string; staff: StaffLookup };
}

/** The path the provider sends the user back to (registered at the provider as `${PUBLIC_URL}/login/e-id/callback`). */
export const CALLBACK_PATH = '/login/e-id/callback';

/**
 * How many e-ID logins one address may begin in LOGIN_START_WINDOW_MINUTES (each writes a session and may ask the
 * provider for its discovery document): a preschool's shared network at drop-off stays well under it.
 */
export const LOGIN_STARTS_PER_ADDRESS = 60;
export const LOGIN_START_WINDOW_MINUTES = 10;

export function eIdRoutes(routes: RouteTable, deps: EIdDeps): void {
  const { db, clock, config } = deps;
  const redirectUri = `${config.publicUrl}${CALLBACK_PATH}`;
  // Counted in the database: every process sees the same count.
  const limitStarts = rateLimit({
    windowMs: LOGIN_START_WINDOW_MINUTES * 60_000, limit: LOGIN_STARTS_PER_ADDRESS, standardHeaders: 'draft-8', legacyHeaders: false,
    keyGenerator: (req) => addressOf(req), store: new DatabaseRateLimitStore(db, clock, 'e-id-login-start'),
    handler: (req: Request, res: Response) => failed(req, res, 'tooMany', safeReturnPath(req.query.next)),
  });

  routes.publicGet('/login/e-id', limitStarts, async (req, res) => {
    const next = safeReturnPath(req.query.next);
    const chosen = parseId(req.query.municipality);
    let municipalityId: number | undefined;
    if (req.account) {
      // A step-up: the municipality the guard names (a record's, when not the user's own; the callback checks the
      // identity is the signed-in person's), else the user's own.
      municipalityId = chosen ?? await municipalityOfPerson(db, req.account.personId);
    } else {
      const offered = await municipalitiesWithEId(db);
      if (offered.length === 1) municipalityId = offered[0]?.id;
      else if (offered.some((m) => m.id === chosen)) municipalityId = chosen;
      else if (offered.length > 1) return render(req, res, 'e-id/choose', { municipalities: offered, next });
    }
    const eId = municipalityId === undefined ? null : await eIdConfigOf(db, municipalityId);
    if (!eId || municipalityId === undefined) return failed(req, res, 'notConfigured', next);
    let start: Awaited<ReturnType<typeof authorizationStart>>;
    try {
      // A step-up asks for the strong levels; a login takes what the user chooses (a weak one gives a weak session).
      start = await authorizationStart(await providerOf(eId, deps.demo?.issuer), redirectUri, req.account ? eId.strongAcr : []);
    } catch (err) {
      log.warn({ reason: loggable(err), municipalityId }, 'e-ID login: the provider could not be reached');
      return failed(req, res, 'unreachable', next);
    }
    req.session.oidc = {
      municipalityId, state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier, next, at: clock.now().toISOString(),
    };
    res.redirect(303, start.url.href);
  });

  routes.publicGet(CALLBACK_PATH, async (req, res) => {
    const outcome = await finishCallback(req, {
      db, clock, redirectUri, demoIssuer: deps.demo?.issuer, staff: deps.demo?.staff ?? linkedStaff,
    });
    if (!outcome.ok) return failed(req, res, outcome.failure, outcome.next);
    res.redirect(303, outcome.to);
  });
}

/** The page of a failed e-ID login: what happened, and the ways on (again, with a password, or back). */
export function failed(req: Request, res: Response, failure: EIdFailure, next: string): void {
  render(req, res, 'e-id/failed', {
    failure, next, again: `/login/e-id?next=${encodeURIComponent(next)}`,
    passwordLogin: req.account ? null : `/login?next=${encodeURIComponent(next)}`,
  }, failureStatus(failure));
}
