// Logging in with e-ID (BankID, Freja eID... through the municipality's broker, an OpenID Connect provider):
// `GET /login/e-id?next=/path` begins (a choice of municipality first when several have e-ID; a signed-in user's own
// municipality for a step-up) and `GET /login/e-id/callback` finishes (callback.ts). Both public: the callback decides
// who the user is. Every failure is a Swedish page saying what happened, with password login offered.
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Db } from '../kernel/db.ts';
import { parseId, safeReturnPath, type RouteTable } from '../kernel/http.ts';
import { log } from '../kernel/log.ts';
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

export function eIdRoutes(routes: RouteTable, deps: EIdDeps): void {
  const { db, clock, config } = deps;
  const redirectUri = `${config.publicUrl}${CALLBACK_PATH}`;

  routes.publicGet('/login/e-id', async (req, res) => {
    const next = safeReturnPath(req.query.next);
    let municipalityId: number | undefined;
    if (req.account) {
      municipalityId = await municipalityOfPerson(db, req.account.personId);
    } else {
      const offered = await municipalitiesWithEId(db);
      const chosen = parseId(req.query.municipality);
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
